# A CPU-scale network for 32x32 RGB images: DigitsCNN with 3 input channels,
# three stages of two 3x3 conv-BN-ReLU (32, 64, 128 channels, 2x2 max
# pooling between stages), global average pooling; about 0.29M parameters
# and 39M multiply-adds per image (WRN-28-2: 1.47M and about 10x the
# compute). Chosen for the 2-core CPU benchmark: a FixMatch step of
# 32 + 2 x 7 x 32 images takes about 0.39 s with bf16 autocast and
# channels-last (WRN-10-2 0.55 s, WRN-28-2 2.2 s; measured on the README's
# 2-core AMD EPYC). Input normalisation as USB's CIFAR datasets (ImageNet
# mean/std, see wrn28_2.py).
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375]),
    backbone=dict(type='DigitsCNN', in_channels=3, widths=(32, 64, 128)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='mmdet.CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )))
