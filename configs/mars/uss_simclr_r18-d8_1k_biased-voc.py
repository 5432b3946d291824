# MARS stage B at CPU scale: the frozen per-pixel features. MARS uses STEGO
# on a self-supervised DINO ViT-B (the paper's USS stage); on this machine
# there are no DINO weights, so a small network is trained self-supervised on
# the benchmark's own training images (labels and tags unused) and its
# feature map (stride 8, before pooling) gives the per-pixel features.
#   python tools/train.py configs/mars/uss_simclr_r18-d8_1k_biased-voc.py
# Method: SimCLR on random 32x32 patches, with the recipe of mmssl's WAD
# teacher (configs/wad/wad-teacher_simclr_digits-cnn_4k_digits-6-24.py,
# from the official WAD/CSI code): NT-Xent temperature 0.5, projection
# Linear-ReLU-Linear(128), colour jitter / grayscale / resized-crop views,
# SGD momentum 0.9, wd 1e-6, lr 1.0 after a x10 linear warm-up, cosine.
# CPU choices: the backbone of the CAM network (ResNet-18 V1c, width 16,
# output stride 8), patches so one image gives many samples, batch 64,
# 1,000 iterations, horizontal flips (the scenes are mirror-symmetric).
_base_ = [
    '../_base_/datasets/biased_voc_wsss.py',
    '../_base_/default_runtime.py'
]
max_iters = 1000
warmup_iters = 100
model = dict(
    type='SimCLR',
    backbone=dict(
        type='mmseg.ResNetV1c',
        depth=18,
        stem_channels=16,
        base_channels=16,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        out_indices=(3, ),
        norm_cfg=dict(type='BN', requires_grad=True),
        contract_dilation=True),
    neck=dict(type='GlobalAveragePooling'),
    in_channels=128,
    proj_dim=128,
    temperature=0.5,
    augment=dict(type='SimCLRAugment', flip_prob=0.5),
    feature_augment=None)
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        ann_file={{_base_.train_split}},
        cls_labels='cls_labels.json',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=None),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='mmseg.RandomCrop', crop_size=(32, 32)),
            dict(type='PackClsInputs'),
        ]))
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=1.0, momentum=0.9, weight_decay=1e-6))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000,
                    max_keep_ckpts=1, save_last=True))
log_processor = dict(by_epoch=False)
