# The supervised-only baseline of the open-set digits leaderboard: the same
# 24 labeled images of classes 0-5 as the FixMatch/IOMatch open-set configs
# (same split and seed), network, schedule, labeled batch, weak
# augmentation, EMA evaluation and open-set test set; unlabeled images
# unused. Outlier score: 1 - max softmax probability (MSP).
_base_ = ['../fixmatch/fixmatch_digits-cnn_2k_digits-6-24.py']
model = dict(head=dict(_delete_=True, type='SupervisedHead',
                       num_classes=6, in_channels=128))
train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.labeled_batch_size}},
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='SemiSplitDataset',
        dataset=dict(type='DigitsDataset', split='train', seed=0),
        subset='labeled',
        num_labels_per_class={{_base_.num_labels_per_class}},
        seen_classes={{_base_.seen_classes}},
        seed=0,
        pipeline=[
            dict(type='RandomCropPad', padding=1, padding_mode='constant'),
            dict(type='PackClsInputs'),
        ]))
