# The harm gate of the 50-label class-mismatch CIFAR-10 (JPEG copy)
# setting: fixmatch_cifar-cnn_5k_cifar10-jpg-2-50-m0.8.py (same 50 labels,
# network, schedule, test set) with mismatch 0, i.e. only the other
# airplane and automobile images unlabeled. If this run does not beat
# FixMatch at mismatch 0.8, the unseen images do not hurt here either.
_base_ = ['./fixmatch_cifar-cnn_5k_cifar10-jpg-2-50-m0.8.py']
train_dataloader = dict(dataset=dict(unseen_ratio=0.0))
