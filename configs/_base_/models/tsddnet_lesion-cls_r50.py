# TSDDNet's lesion classifier at paper scale (the paper, Wang et al., IEEE
# TMI 2024, arXiv 2306.06982, names a classification network only; the
# rest is our choice, configs/tsddnet/README.md explains): ResNet-50,
# ImageNet weights from a local file (torchvision's resnet50-19c8e357.pth
# in checkpoints/; nothing is downloaded), 224 px crops of the box grown
# by a 0.1 context margin.
lesion_classifier = dict(
    type='LesionClassifier',
    backbone=dict(type='mmdet.ResNet', depth=50, out_indices=(3, ),
                  frozen_stages=1,
                  norm_cfg=dict(type='BN', requires_grad=True),
                  norm_eval=True, style='pytorch',
                  init_cfg=dict(type='Pretrained',
                                checkpoint='checkpoints/'
                                'resnet50-19c8e357.pth')),
    feat_channels=2048,
    num_classes=2,  # benign / malignant
    crop_size=224,  # [inferred]
    margin=0.1,  # [inferred]: m = 0.1 of the box size on each side
    data_preprocessor=dict(
        type='mmdet.DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], bgr_to_rgb=False, pad_size_divisor=32))
