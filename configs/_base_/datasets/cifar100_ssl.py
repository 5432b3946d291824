# Semi-supervised CIFAR-100 (FixMatch / USB protocol). Expects the official
# "CIFAR-100 python version" extracted under data/cifar100:
#   data/cifar100/cifar-100-python/{train,test,meta}
# (https://www.cs.toronto.edu/~kriz/cifar.html).
_base_ = ['./cifar10_ssl.py']
dataset_type = 'CIFAR100Dataset'
data_root = 'data/cifar100'
num_labels_per_class = 4  # 400 labels
train_dataloader = dict(
    dataset=dict(
        dataset=dict(type=dataset_type, data_root=data_root),
        num_labels_per_class=num_labels_per_class))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
