# The harm gate of the open-set CIFAR-10 (JPEG copy) setting: FixMatch as
# fixmatch_cifar-cnn_5k_cifar10-jpg-6-150.py (same 150 labels, network,
# schedule, test set) but with the unseen classes removed from the
# unlabeled set (unseen_ratio 0: only the 30,000 images of classes 2-7). If
# this run does not beat FixMatch with the outliers, the outliers do not
# hurt and the setting cannot show what IOMatch is for.
_base_ = ['./fixmatch_cifar-cnn_5k_cifar10-jpg-6-150.py']
train_dataloader = dict(dataset=dict(unseen_ratio=0.0))
