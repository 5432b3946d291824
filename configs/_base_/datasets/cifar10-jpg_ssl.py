# Semi-supervised CIFAR-10 on the JPEG copy (the FixMatch / USB protocol of
# cifar10_ssl.py on CIFAR10JPEGDataset). Expects
#   data/cifar10-jpg/{train,test}/<class>/*.jpg
# with the ten CIFAR-10 class folders (airplane ... truck; 5,000 training
# and 1,000 test images each), e.g. `ln -s /path/to/cifar10-jpg
# data/cifar10-jpg`. Labels follow the official CIFAR-10 order. The images
# are decoded into memory once per process (about 13 s for the 50,000
# training images on 2 cores). Report results on it as "CIFAR-10 (JPEG
# copy)": the JPEG re-encoding differs from the lossless official pickles.
# Unlabeled samples carry their true label for the heads' diagnostics only
# (log_true_labels; no loss reads it).
_base_ = ['./cifar10_ssl.py']
dataset_type = 'CIFAR10JPEGDataset'
data_root = 'data/cifar10-jpg'
train_dataloader = dict(
    dataset=dict(
        dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                     split='train'),
        log_true_labels=True))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 split='test', pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
