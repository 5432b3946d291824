# FixMatch under class distribution mismatch on CIFAR-10 (JPEG copy), WAD's
# setting (seen classes 0 and 1, mismatch 0.8, labels drawn at random from
# the two seen classes, labeled images not in the unlabeled set) with 50
# labels instead of the official 800 (25 per class on average, the label
# budget the cifar10-cpu suite starts with). Why: the harm gate failed at
# 800 labels (seed 0: FixMatch 96.70 with the 36,801 unseen images vs 95.90
# without them, supervised 95.45), so the official setting cannot show
# what WAD is for at this scale; the benchmark's rule is fewer labels before
# comparing methods. Otherwise fixmatch_cifar-cnn_5k_cifar10-jpg-2-800-m0.8.py.
_base_ = ['./fixmatch_cifar-cnn_5k_cifar10-jpg-2-800-m0.8.py']
train_dataloader = dict(dataset=dict(num_labels=50))
