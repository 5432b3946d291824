# WRN-28-2 of the SSL benchmarks (FixMatch / USB `wrn_28_2`): about 1.47M
# parameters with a 10-class classifier. BN momentum 0.001, LeakyReLU 0.1
# (USB `semilearn/nets/wrn/wrn.py`); classifier init xavier_normal, bias 0
# (USB).
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        # USB normalises CIFAR-10 with ImageNet's mean/std
        # (`semilearn/datasets/cv_datasets/cifar.py`); 0..255 scale here.
        # (FixMatch/TorchSSL used CIFAR-10's own 125.3/123.0/113.9 and
        # 63.0/62.1/66.7.)
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375]),
    backbone=dict(type='WideResNet', depth=28, widen_factor=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='mmdet.CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='Xavier', layer='Linear', distribution='normal',
                      bias=0.0)))
