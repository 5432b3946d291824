# TSDDNet's lesion classifier at CPU scale (our choice,
# configs/tsddnet/README.md explains),
# shared by the stage-1 classifier config and the stage-2 fusion network.
# Paper scale ([inferred]): ResNet-50 (ImageNet-pretrained) on 224 px crops;
# here ResNet-18 from
# scratch on 64 px crops (2-core CPU, no downloads).
lesion_classifier = dict(
    type='LesionClassifier',
    backbone=dict(type='mmdet.ResNet', depth=18, out_indices=(3, ),
                  norm_cfg=dict(type='BN', requires_grad=True),
                  norm_eval=False, style='pytorch'),
    feat_channels=512,
    num_classes=2,  # benign / malignant
    crop_size=64,  # paper scale: 224 (CPU deviation)
    margin=0.1,  # [inferred]: m = 0.1 of the box size on each side
    data_preprocessor=dict(
        type='mmdet.DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], bgr_to_rgb=False, pad_size_divisor=32))
