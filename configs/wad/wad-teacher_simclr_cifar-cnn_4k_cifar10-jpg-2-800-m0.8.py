# WAD stage 1 on the class-mismatch CIFAR-10 (JPEG copy), CPU scale: the
# unsupervised SimCLR teacher on the labeled and unlabeled images of WAD's
# split (seen classes 0 and 1 with 800 labels, 9,200 more seen images and
# 36,801 unseen ones; labels unused), as the official `contrast_main.py`
# trains on labeled + unlabeled-mismatch pool
# (`Get_mismatch_contrast_dataset`). Defaults from the official code
# (github.com/RUC-DWBI-ML/research, WAD-master/: README, argument.py,
# contrast/simclr.py): NT-Xent temperature 0.5, batch 32, projection
# Linear(F,F)-ReLU-Linear(F,128), SGD lr 0.1 momentum 0.9 wd 1e-6 with a
# x10 linear warm-up then cosine, views = flip 0.5 + colour jitter (0.4,
# 0.4, 0.4, 0.1; p 0.8) + grayscale 0.2 + resized crop (area 0.08-1),
# inputs scaled to [0, 1] and normalised as (x - 0.5) / 0.5. CPU-scale
# deviations: the small CNN of the cifar10-cpu suite instead of ResNet-18,
# 4,000 iterations (2.7 epochs of the 47,601 images; 0.15 s per step of
# 2 x 32 views on 2 cores, 10 minutes) instead of 700 epochs, and the
# warm-up over the same 10/700 share of training (57 iterations) instead
# of 10 epochs. Trained by the WAD configs into <work_dir>/teacher
# (train_cfg.teacher.checkpoint=None) with the run's seed and split.
_base_ = ['../_base_/default_runtime.py']
max_iters = 4000
warmup_iters = 57  # 10 / 700 of max_iters
seen_classes = [0, 1]
model = dict(
    type='SimCLR',
    backbone=dict(type='DigitsCNN', in_channels=3, widths=(32, 64, 128)),
    neck=dict(type='GlobalAveragePooling'),
    in_channels=128,
    proj_dim=128,
    temperature=0.5,
    augment=dict(type='SimCLRAugment', flip_prob=0.5),
    feature_augment=dict(type='SimCLRAugment', flip_prob=0.0))
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='SemiDataset',
        dataset=dict(type='CIFAR10JPEGDataset', data_root='data/cifar10-jpg',
                     split='train'),
        seen_classes=seen_classes,
        num_labels_per_class=None,
        num_labels=800,
        unseen_ratio=0.8,
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
