# WAD (Du et al., ICCV 2023) on open-set digits (classes 0-5 seen with 4
# labels each, 6-9 unseen; protocol in
# ../fixmatch/fixmatch_digits-cnn_2k_digits-6-24.py), stages 2-4: 6 rounds
# of knowledge generation with the frozen SimCLR teacher of stage 1
# (wad-teacher_simclr_digits-cnn_4k_digits-6-24.py; trained first into
# <work_dir>/teacher when train_cfg.teacher.checkpoint is None), 1,500
# student iterations of weighted distillation (batch 32 labeled + 32
# unlabeled, Adam lr 5e-4 re-created each round), then the transfer of the
# alpha_r share of unlabeled instances with the smallest student loss
# (alpha 0.1, polynomial decay over split 5, power 2). Defaults from the
# official code (github.com/RUC-DWBI-ML/research, WAD-master/argument.py,
# distillation_main.py, SSL/train/train.py, SSL/transform.py). Student
# augmentation inside the forward pass: Gaussian noise 0.15 and a
# whole-batch random shift (official: flip 0.5 + reflect pad 2; here no flip
# and a 1-pixel zero pad, the digits protocol's weak view). Deviations: the
# digits CNN instead of WRN-28-2, 4 labels per seen class (the official
# CIFAR-10 run draws 800 labels of 2 seen classes, not per class), and the
# weight s1 - s2 (the official s1 * (1 - s2 / s1) is NaN when s1 = 0). WAD
# has no outlier detector: OpenSetMetric's outlier score is 1 - max softmax.
_base_ = [
    '../_base_/models/digits_cnn.py',
    '../_base_/default_runtime.py',
]
seen_classes = [0, 1, 2, 3, 4, 5]
rounds = 6
iters_per_round = 1500
model = dict(
    type='SemiClassifier',
    train_augment=dict(type='WADStudentAugment', flip_prob=0.0, pad=1,
                       pad_mode='constant', noise_std=0.15),
    head=dict(_delete_=True, type='WADHead', num_classes=6, in_channels=128))
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SemiDataset',
        dataset=dict(type='DigitsDataset', split='train', seed=0),
        seen_classes=seen_classes,
        num_labels_per_class=4,
        seed=0,
        labeled_pipeline=[dict(type='PackClsInputs')],
        unlabeled_pipeline=[dict(type='PackClsInputs')]))
train_cfg = dict(
    type='WADLoop',
    teacher=dict(
        config='configs/wad/wad-teacher_simclr_digits-cnn_4k_digits-6-24.py',
        checkpoint=None),
    rounds=rounds,
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
        dataset=dict(type='DigitsDataset', split='test', seed=0),
        seen_classes=seen_classes,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [dict(type='OpenSetMetric')]
test_evaluator = val_evaluator
infer_pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='Resize', scale=(8, 8), keep_ratio=False),
    dict(type='PackClsInputs'),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=250),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=iters_per_round, max_keep_ckpts=1,
                    save_last=True))
log_processor = dict(by_epoch=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
