# The segmentation stage at paper scale on VOC 2012 train_aug, trained on
# pseudo labels given by label_dir (the stage-A seeds here: the baseline;
# mars_deeplabv3plus_r101-d8_100e_voc12.py trains MARS on the debiased
# labels). MARS's headline segmentation network: DeepLabV3+ on ResNet-101
# (the paper's Sec. 4.1); mmseg's DeepLabV3+ (vendored base) at output
# stride 8.
# The paper defers the recipe to its WSSS baseline (RS+EPM, whose
# segmentation code is unreleased); the values here are those of the
# authors' later DHR code (shjo-april/DHR, train.py: SGD lr 1e-3 with 10x
# on the head, momentum 0.9, wd 4e-5, poly 0.9, batch 16, crop 512, random
# rescale 0.5-2.0, flip, colour jitter, 100 epochs = 66,100 iterations),
# unverified for MARS. Deviations: single-scale inference without CRF
# (the paper: multi-scale + CRF), no auxiliary head.
# ImageNet weights: mmseg's ResNet-101 V1c in checkpoints/ (nothing is
# downloaded).
#   python tools/train.py \
#       configs/mars/deeplabv3plus_r101-d8_100e_voc12-seeds.py \
#       --cfg-options train_dataloader.dataset.label_dir=<seeds dir>
_base_ = [
    '../_base_/models/mmseg_deeplabv3plus_r50-d8.py',
    '../_base_/datasets/voc12_wsss.py',
    '../_base_/default_runtime.py'
]
crop_size = (512, 512)
max_iters = 66100  # 100 epochs of 10,582 images at batch 16
seed_dir = 'work_dirs/mars_voc12/seeds'
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
        depth=101,
        init_cfg=dict(type='Pretrained',
                      checkpoint='checkpoints/resnet101_v1c-e67eebb6.pth')),
    decode_head=dict(num_classes=21),
    auxiliary_head=None)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadSegAnnotations'),
    dict(type='mmseg.RandomResize', scale=(2048, 512),
         ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='mmseg.RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmseg.PhotoMetricDistortion'),
    dict(type='mmseg.PackSegInputs', meta_keys={{_base_.meta_keys}}),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type={{_base_.dataset_type}},
                 data_root={{_base_.data_root}},
                 ann_file={{_base_.train_split}},
                 cls_labels='cls_labels.json',
                 label_dir=seed_dir,
                 pipeline=train_pipeline))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=4e-5),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.)}))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., by_epoch=False, begin=0,
         end=max_iters)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=6610)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=6610,
                    max_keep_ckpts=2, save_last=True),
    visualization=dict(_delete_=True, type='mmseg.SegVisualizationHook'))
visualizer = dict(type='mmseg.SegLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
log_processor = dict(by_epoch=False)
