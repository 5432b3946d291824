# WAD stage 1 on open-set digits: the unsupervised SimCLR teacher, trained
# on every training image of the open-set digits split (the labeled 24 and
# the unlabeled rest, seen and unseen classes, labels unused), as the
# official `contrast_main.py` trains on labeled + unlabeled-mismatch pool.
# Method defaults from the official code (github.com/RUC-DWBI-ML/research,
# WAD-master/, README and argument.py): NT-Xent temperature 0.5, batch 32,
# projection Linear(F,F)-ReLU-Linear(F,128), SGD lr 0.1 momentum 0.9 wd 1e-6
# with a x10 linear warm-up over 10 epochs then cosine, views = colour
# jitter (0.4, 0.4, 0.4, 0.1; p 0.8), grayscale (p 0.2), resized crop (area
# 0.08-1); inputs normalised as (x - 0.5) / 0.5. CPU-scale deviations: the
# digits CNN instead of ResNet-18, 4,000 iterations (about 100 epochs of
# the 1,257 images) instead of 700 epochs, and no horizontal flip (digits
# are not mirror-symmetric; the official 0.5 is for CIFAR). Writes
# <work_dir>/iter_4000.pth: the stage-2 features, reusable by path
# (train_cfg.teacher.checkpoint of the WAD config).
_base_ = ['../_base_/default_runtime.py']
max_iters = 4000
warmup_iters = 393  # 10 epochs of 1,257 images at batch 32
seen_classes = [0, 1, 2, 3, 4, 5]
model = dict(
    type='SimCLR',
    backbone=dict(type='DigitsCNN', in_channels=1, widths=(32, 64, 128)),
    neck=dict(type='GlobalAveragePooling'),
    in_channels=128,
    proj_dim=128,
    temperature=0.5,
    augment=dict(type='SimCLRAugment', flip_prob=0.0),
    feature_augment=dict(type='SimCLRAugment', flip_prob=0.0))
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='SemiDataset',
        dataset=dict(type='DigitsDataset', split='train', seed=0),
        seen_classes=seen_classes,
        num_labels_per_class=4,
        seed=0,
        labeled_pipeline=[dict(type='PackClsInputs')],
        unlabeled_pipeline=[dict(type='PackClsInputs')]))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
# Peak lr 1.0 = lr_init 0.1 x multiplier 10 (GradualWarmupScheduler).
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
    logger=dict(type='LoggerHook', interval=200),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000,
                    max_keep_ckpts=1, save_last=True))
log_processor = dict(by_epoch=False)
