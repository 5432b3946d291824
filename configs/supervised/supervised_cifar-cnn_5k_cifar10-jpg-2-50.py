# The supervised-only baseline of the class-mismatch CIFAR-10 (JPEG copy)
# setting with 50 labels (see ../fixmatch/
# fixmatch_cifar-cnn_5k_cifar10-jpg-2-50-m0.8.py for why 50): the same 50
# labeled airplane / automobile images as the FixMatch and WAD configs of
# that setting, otherwise supervised_cifar-cnn_5k_cifar10-jpg-2-800.py.
_base_ = ['./supervised_cifar-cnn_5k_cifar10-jpg-2-800.py']
train_dataloader = dict(dataset=dict(num_labels=50))
