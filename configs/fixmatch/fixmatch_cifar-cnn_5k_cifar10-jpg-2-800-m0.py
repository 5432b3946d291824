# The harm gate of the class-mismatch CIFAR-10 (JPEG copy) setting: FixMatch
# as fixmatch_cifar-cnn_5k_cifar10-jpg-2-800-m0.8.py (same 800 labels,
# network, schedule, test set) with mismatch 0: the unlabeled set is only
# the 9,200 other airplane and automobile images. If this run does not beat
# FixMatch at mismatch 0.8, the unseen images do not hurt and the setting
# cannot show what WAD is for.
_base_ = ['./fixmatch_cifar-cnn_5k_cifar10-jpg-2-800-m0.8.py']
train_dataloader = dict(dataset=dict(unseen_ratio=0.0))
