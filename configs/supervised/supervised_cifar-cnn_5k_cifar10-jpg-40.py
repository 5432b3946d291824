# The supervised-only baseline of the cifar10-cpu suite's 40-label setting
# (4 per class; same split as
# ../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-40.py); otherwise
# supervised_cifar-cnn_5k_cifar10-jpg-250.py.
_base_ = ['./supervised_cifar-cnn_5k_cifar10-jpg-250.py']
num_labels_per_class = 4
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
