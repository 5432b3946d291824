# WAD (Du et al., ICCV 2023) under class distribution mismatch on CIFAR-10
# (JPEG copy), CPU scale, stages 2-4 (protocol in
# ../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-2-800-m0.8.py: seen classes
# 0 and 1, 800 labels, mismatch 0.8). Defaults from the official code
# (github.com/RUC-DWBI-ML/research, WAD-master/: argument.py,
# distillation_main.py, SSL/train/train.py, SSL/transform.py,
# SSL/wideresnet.py): 6 rounds (split 5) of 1,500 student iterations, batch
# 32 + 32, Adam lr 5e-4 re-created each round, alpha 0.1 with power 2,
# student augmentation flip 0.5 + reflect pad 2 + Gaussian noise 0.15 in the
# forward pass, BN momentum 0.1; teacher:
# wad-teacher_simclr_cifar-cnn_4k_cifar10-jpg-2-800-m0.8.py, trained first
# into <work_dir>/teacher with the run's seed. Deviations: the small CNN of
# the cifar10-cpu suite as student (instead of WRN-28-2) and teacher
# (instead of ResNet-18, 4,000 SimCLR iterations instead of 700 epochs);
# per-channel mean/std normalisation (USB's) instead of GCN + ZCA; the
# weight s1 - s2 (official s1 * (1 - s2 / s1), NaN when s1 = 0); the split
# drawn with the run's seed. Diagnostics (true labels, logging only): the
# teacher's nearest-anchor accuracy against the same rule on raw pixels,
# the weights of seen vs unseen images (train/wad_* scalars, knowledge/).
_base_ = ['../_base_/models/cifar_cnn.py', '../_base_/default_runtime.py']
seen_classes = [0, 1]
iters_per_round = 1500
model = dict(
    type='SemiClassifier',
    train_augment=dict(type='WADStudentAugment', flip_prob=0.5, pad=2,
                       pad_mode='reflect', noise_std=0.15),
    head=dict(_delete_=True, type='WADHead', num_classes=2, in_channels=128,
              init_cfg=dict(type='Xavier', layer='Linear',
                            distribution='normal', bias=0.0)))
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
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
train_cfg = dict(
    type='WADLoop',
    teacher=dict(
        config='configs/wad/'
        'wad-teacher_simclr_cifar-cnn_4k_cifar10-jpg-2-800-m0.8.py',
        checkpoint=None),
    rounds=6,
    iters_per_round=iters_per_round,
    alpha=0.1,
    alpha_end=0.0,
    split=5,
    power=2.0,
    labeled_batch_size=32,
    unlabeled_batch_size=32,
    feature_batch_size=100)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = None
test_pipeline = [dict(type='PackClsInputs')]
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='OpenSetTestDataset',
        dataset=dict(type='CIFAR10JPEGDataset', data_root='data/cifar10-jpg',
                     split='test'),
        seen_classes=seen_classes,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [dict(type='OpenSetMetric')]
test_evaluator = val_evaluator
infer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='PackClsInputs'),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=250),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=iters_per_round, max_keep_ckpts=1,
                    save_last=True))
log_processor = dict(by_epoch=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
