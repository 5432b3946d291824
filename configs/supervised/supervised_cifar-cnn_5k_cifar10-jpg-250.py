# The supervised-only baseline of the cifar10-cpu suite: the same 250
# labeled images (25 per class, same split and seed as the FixMatch config),
# network, schedule, labeled batch, weak augmentation, fast path and EMA
# evaluation as fixmatch_cifar-cnn_5k_cifar10-jpg-250.py; the unlabeled
# images are not used.
_base_ = ['../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-250.py']
model = dict(head=dict(_delete_=True, type='SupervisedHead',
                       num_classes=10, in_channels=128))
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
        seed=0,
        pipeline=[
            dict(type='RandomCropPad', padding=4, padding_mode='reflect'),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='PackClsInputs'),
        ]))
