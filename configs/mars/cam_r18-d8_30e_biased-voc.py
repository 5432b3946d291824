# MARS stage A at CPU scale: the CAM classifier whose seeds are the biased
# baseline, on the synthetic biased-background benchmark.
#   python tools/train.py configs/mars/cam_r18-d8_30e_biased-voc.py
# IRNet's CAM network and recipe (jiwoon-ahn/irn: net/resnet50_cam.py,
# step/train_cam.py, step/make_cam.py, run_sample.py): bias-free 1x1
# classifier, GAP, multi-label soft margin loss; SGD without momentum
# (IRNet's PolyOptimizer), lr 0.1 (classifier 10x), weight decay 1e-4,
# poly 0.9, batch 16; CAMs at scales 1.0/0.5/1.5/2.0 with flips, ReLU,
# max-normalised, background threshold 0.15 (cam_eval_thres).
# Deviations for the CPU: a narrow ResNet-18 V1c (base width 16) at output
# stride 8 trained from scratch with trainable BN (IRNet: ImageNet
# ResNet-50, stride 16, frozen BN and stages 1-2; no ImageNet weights
# here, and 96-pixel images need a finer map), 30 epochs instead of 5,
# no resize/crop (the images are 96x96).
_base_ = [
    '../_base_/datasets/biased_voc_wsss.py',
    '../_base_/default_runtime.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='CAMSegmentor',
    data_preprocessor=dict(
        type='mmseg.SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],  # images are loaded as RGB
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=False,
        pad_val=0,
        seg_pad_val=255,
        size_divisor=8),
    backbone=dict(
        type='mmseg.ResNetV1c',
        depth=18,
        stem_channels=16,
        base_channels=16,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        out_indices=(3, ),
        norm_cfg=norm_cfg,
        contract_dilation=True),
    num_classes=3,
    in_channels=128,
    bg_threshold=0.15,
    test_scales=(1.0, 0.5, 1.5, 2.0),  # IRNet make_cam
    test_flip=True,
    # stage A's optional dense CRF of the seeds: dict() for IRNet's
    # crf_inference_label values (pip install pydensecrf2); off by default
    crf=None)
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type={{_base_.dataset_type}},
                 data_root={{_base_.data_root}},
                 ann_file={{_base_.train_split}},
                 cls_labels='cls_labels.json',
                 data_prefix=dict(img_path='JPEGImages', seg_map_path=None),
                 pipeline={{_base_.cls_train_pipeline}}))
# seeds of the training split (seed mIoU on train, as WSSS papers report)
test_dataloader = dict(
    dataset=dict(ann_file={{_base_.train_split}}))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'classifier': dict(lr_mult=10.)}))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., by_epoch=True, begin=0,
         end=30, convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=30)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=1,
                    save_last=True),
    visualization=dict(_delete_=True, type='mmseg.SegVisualizationHook'))
visualizer = dict(type='mmseg.SegLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
