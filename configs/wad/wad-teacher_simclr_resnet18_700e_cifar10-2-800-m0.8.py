# WAD stage 1 on CIFAR-10 class mismatch, paper scale: the SimCLR teacher
# on the labeled and unlabeled images of the official split (seen classes
# 0 and 1, 800 labels, unlabeled = the other 9,200 seen images + 36,800
# unseen ones, mismatch 0.8). Defaults from the official code
# (github.com/RUC-DWBI-ML/research, WAD-master/: README, argument.py,
# contrast/simclr.py, contrast/models/resnet.py): CIFAR ResNet-18 (3x3
# stem, no max-pool), projection 512-512-128, NT-Xent temperature 0.5,
# batch 32, 700 epochs, SGD lr 0.1 x10 warm-up over 10 epochs then cosine,
# momentum 0.9, wd 1e-6, views flip 0.5 + colour jitter (0.4, 0.4, 0.4,
# 0.1; p 0.8) + grayscale 0.2 + resized crop (0.08-1). Deviation: 400 labels
# per seen class (the official code draws 800 from both classes at random).
# 46,800 images / 32 = 1,463 iterations per epoch. Needs a GPU.
_base_ = ['../_base_/default_runtime.py']
epoch_iters = 1463
max_iters = 700 * epoch_iters
warmup_iters = 10 * epoch_iters
seen_classes = [0, 1]
model = dict(
    type='SimCLR',
    backbone=dict(type='CIFARResNet', depth=18),
    neck=dict(type='GlobalAveragePooling'),
    in_channels=512,
    proj_dim=128,
    temperature=0.5,
    augment=dict(type='SimCLRAugment', flip_prob=0.5),
    feature_augment=dict(type='SimCLRAugment', flip_prob=0.0))
train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='SemiDataset',
        dataset=dict(type='CIFAR10Dataset', data_root='data/cifar10',
                     split='train'),
        seen_classes=seen_classes,
        num_labels_per_class=400,
        unseen_ratio=0.8,
        seed=0,
        labeled_pipeline=[dict(type='PackClsInputs')],
        unlabeled_pipeline=[dict(type='PackClsInputs')]))
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
    logger=dict(type='LoggerHook', interval=500),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=10 * epoch_iters, max_keep_ckpts=1,
                    save_last=True))
log_processor = dict(by_epoch=False)
