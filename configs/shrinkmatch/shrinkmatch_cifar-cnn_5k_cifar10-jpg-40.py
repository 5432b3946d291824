# ShrinkMatch on CIFAR-10 (JPEG copy) with 40 labels (4 per class), CPU
# scale: the cifar10-cpu suite's scarce-label setting (standard-40; same
# split as ../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-40.py). Otherwise
# shrinkmatch_cifar-cnn_5k_cifar10-jpg-250.py (the official defaults and
# the CPU-scale deviations are listed there).
_base_ = ['./shrinkmatch_cifar-cnn_5k_cifar10-jpg-250.py']
num_labels_per_class = 4
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
