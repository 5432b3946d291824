# FixMatch, CIFAR-10 (JPEG copy) with 250 labels (25 per class), the
# paper's recipe: everything as fixmatch_wrn-28-2_1m_cifar10-250.py (USB
# `fixmatch_cifar10_250_0.yaml`: WRN-28-2, labeled batch 64 + 7 x 64
# unlabeled, p_cutoff 0.95, SGD lr 0.03 with the 7/16 cosine over 2^20
# iterations, EMA 0.999), on the JPEG image folders of
# cifar10-jpg_ssl.py instead of the official pickles. Made for a GPU (it is
# what tools/benchmark/gpu_fixmatch_cifar10.py trains); on the 2-core CPU
# one iteration of 960 images takes seconds, use the cifar10-cpu configs
# (fixmatch_cifar-cnn_5k_cifar10-jpg-250.py) there.
_base_ = ['./fixmatch_wrn-28-2_1m_cifar10-250.py']
dataset_type = 'CIFAR10JPEGDataset'
data_root = 'data/cifar10-jpg'
train_dataloader = dict(
    dataset=dict(
        dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                     split='train'),
        # The heads' pseudo-label diagnostics read the true labels of the
        # unlabeled images (logging only; no loss reads them).
        log_true_labels=True))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 split='test', pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
