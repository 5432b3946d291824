# WRN-28-8 (FixMatch's CIFAR-100 network; USB `wrn_28_8`): widen factor 8,
# 512-d features, 100 classes. Same block definition as wrn28_2.py.
_base_ = ['./wrn28_2.py']
model = dict(
    data_preprocessor=dict(
        # CIFAR-100 mean/std on the 0..255 scale (USB).
        mean=[129.3, 124.1, 112.4],
        std=[68.2, 65.4, 70.4]),
    backbone=dict(widen_factor=8),
    head=dict(num_classes=100, in_channels=512))
