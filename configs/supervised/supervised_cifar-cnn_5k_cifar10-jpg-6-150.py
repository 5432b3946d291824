# The supervised-only baseline of the open-set CIFAR-10 (JPEG copy) setting:
# the same 150 labeled images of classes 2-7 as the FixMatch / IOMatch
# configs (same split and seed), network, schedule, labeled batch, weak
# augmentation, EMA evaluation and open-set test set; unlabeled images
# unused. Outlier score: 1 - max softmax probability (MSP).
_base_ = ['../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-6-150.py']
model = dict(head=dict(_delete_=True, type='SupervisedHead',
                       num_classes=6, in_channels=128))
train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.labeled_batch_size}},
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='SemiSplitDataset',
        dataset=dict(type='CIFAR10JPEGDataset', data_root='data/cifar10-jpg',
                     split='train'),
        subset='labeled',
        num_labels_per_class={{_base_.num_labels_per_class}},
        seen_classes={{_base_.seen_classes}},
        seed=0,
        pipeline=[
            dict(type='RandomCropPad', padding=4, padding_mode='reflect'),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='PackClsInputs'),
        ]))
