# The supervised-only baseline of the digits benchmark: the same 40 labeled
# images (4 per class, same split and seed as the FixMatch config), the same
# network, schedule, labeled batch, weak augmentation and EMA evaluation;
# the unlabeled images are not used.
_base_ = ['../fixmatch/fixmatch_digits-cnn_2k_digits-4.py']
model = dict(head=dict(_delete_=True, type='SupervisedHead',
                       num_classes=10, in_channels=128))
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
        seed=0,
        pipeline=[
            dict(type='RandomCropPad', padding=1, padding_mode='constant'),
            dict(type='PackClsInputs'),
        ]))
