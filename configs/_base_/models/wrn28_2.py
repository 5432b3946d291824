# WRN-28-2 of the SSL benchmarks (FixMatch / USB `wrn_28_2`): about 1.47M
# parameters with a 10-class classifier. BN momentum 0.001, LeakyReLU 0.1
# (USB `semilearn/nets/wrn/wrn.py`); classifier init xavier_normal, bias 0
# (USB).
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        # CIFAR-10 mean/std on the 0..255 scale (USB
        # `semilearn/datasets/cv_datasets/cifar.py`).
        mean=[125.3, 123.0, 113.9],
        std=[63.0, 62.1, 66.7]),
    backbone=dict(type='WideResNet', depth=28, widen_factor=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='mmdet.CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='Xavier', layer='Linear', distribution='normal',
                      bias=0.0)))
