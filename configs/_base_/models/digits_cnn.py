# A small conv-BN-ReLU CNN for 8x8 grayscale digits (about 0.29M params).
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        # Pixel mean/std of all 1,797 digits images on the 0..255 scale.
        mean=[77.8],
        std=[95.9]),
    backbone=dict(type='DigitsCNN', in_channels=1, widths=(32, 64, 128)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=128,
        # Reused from mmdet by scope.
        loss=dict(type='mmdet.CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )))
