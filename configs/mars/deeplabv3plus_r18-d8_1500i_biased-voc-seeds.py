# The CAM baseline's segmentation stage at CPU scale: DeepLabV3+ trained on
# the stage-A seed masks (plain cross-entropy, no debiasing), on the
# synthetic biased-background benchmark; evaluated on its validation
# split with mmseg's IoUMetric and the biased-region false-positive rate.
#   python tools/train.py \
#       configs/mars/deeplabv3plus_r18-d8_1500i_biased-voc-seeds.py \
#       --cfg-options train_dataloader.dataset.label_dir=<seeds dir>
# mmseg's DeepLabV3+ (configs/_base_/models/mmseg_deeplabv3plus_r50-d8.py,
# vendored) scaled to the CPU: ResNet-18 V1c of width 16 from scratch
# (MARS: ResNet-101, ImageNet weights), ASPP dilations (1, 2, 4, 6) for the
# 12x12 stride-8 maps of 96-pixel images (mmseg: (1, 12, 24, 36) at 512),
# no auxiliary head (MARS's only loss is the segmentation CE). Schedule:
# the authors' later DHR recipe (shjo-april/DHR, train.py: SGD momentum
# 0.9, wd 4e-5, poly 0.9; random rescale, crop, flip) at lr 0.01 (DHR
# 1e-3 with ImageNet weights; from scratch needs more), batch 8, 1,500
# iterations.
_base_ = [
    '../_base_/models/mmseg_deeplabv3plus_r50-d8.py',
    '../_base_/datasets/biased_voc_wsss.py',
    '../_base_/default_runtime.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
crop_size = (96, 96)
seed_dir = 'work_dirs/mars_biased-voc/seeds'
data_preprocessor = dict(
    type='mmseg.SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=False,  # mmssl loads RGB
    pad_val=0,
    seg_pad_val=255,
    size=crop_size)
model = dict(
    pretrained=None,
    data_preprocessor=data_preprocessor,
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        norm_cfg=norm_cfg),
    decode_head=dict(
        in_channels=128,
        channels=64,
        c1_in_channels=16,
        c1_channels=12,
        dilations=(1, 2, 4, 6),
        num_classes=3,
        norm_cfg=norm_cfg),
    auxiliary_head=None)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadSegAnnotations'),
    dict(type='mmseg.RandomResize', scale=crop_size, ratio_range=(0.75, 1.5),
         keep_ratio=True),
    dict(type='mmseg.RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmseg.PackSegInputs', meta_keys={{_base_.meta_keys}}),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type={{_base_.dataset_type}},
                 data_root={{_base_.data_root}},
                 ann_file={{_base_.train_split}},
                 cls_labels='cls_labels.json',
                 label_dir=seed_dir,
                 pipeline=train_pipeline))
val_evaluator = [
    dict(type='ClasswiseIoUMetric', iou_metrics=['mIoU']),
    dict(type='BiasedRegionMetric', biased_class='train'),
    # the stripe pixels more than 8 px from any train (no adjacency floor)
    dict(type='BiasedRegionMetric', biased_class='train',
         region_subdir='BiasedRegionFar', prefix='biased_far'),
]
test_evaluator = val_evaluator
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=4e-5))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., by_epoch=False, begin=0,
         end=1500)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1500,
                 val_interval=1500)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1500,
                    max_keep_ckpts=1, save_last=True),
    visualization=dict(_delete_=True, type='mmseg.SegVisualizationHook'))
visualizer = dict(type='mmseg.SegLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
log_processor = dict(by_epoch=False)
