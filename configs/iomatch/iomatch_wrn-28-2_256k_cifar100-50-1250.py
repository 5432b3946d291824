# IOMatch (Li et al., ICCV 2023) on CIFAR-100 with 50 seen classes and 1,250
# labels (25 per class), paper scale. Every default follows the official config
# `config/openset_cv/iomatch/iomatch_cifar100_1250_0.yaml`
# (github.com/nukezil/IOMatch): WRN-28-2, batch 64, mu (uratio) 7, p_cutoff
# 0.95, q_cutoff 0.5, mb/ulb/op loss ratios 1.0, dist_align True (code
# default), queue 128, SGD lr 0.03 momentum 0.9 Nesterov wd 1e-3 (no decay on
# BN and biases), 262,144 iterations (256 epochs x 1,024) with the 7/16 cosine,
# EMA 0.999, eval every 1,024 iterations, the open-set loss off during the
# first epoch (1,024 iterations). Needs a GPU.
_base_ = [
    '../_base_/models/wrn28_2.py',
    '../_base_/datasets/cifar100_openset.py',
    '../_base_/schedules/ssl_sgd_cosine_1m.py',
    '../_base_/ssl_runtime.py',
]
num_classes = 50
max_iters = 262144
model = dict(
    type='SemiClassifier',
    # CIFAR-100 mean/std (USB `semilearn/datasets/cv_datasets/cifar.py`).
    data_preprocessor=dict(mean=[129.3, 124.1, 112.4],
                           std=[68.2, 65.4, 70.4]),
    head=dict(
        type='IOMatchHead',
        num_classes=num_classes,
        proj_dim=128,
        p_cutoff=0.95,
        q_cutoff=0.5,
        lambda_u=1.0,
        lambda_mb=1.0,
        lambda_op=1.0,
        dist_align=True,
        da_len=128,
        op_warmup_iters=1024))
optim_wrapper = dict(optimizer=dict(weight_decay=1e-3))
num_labels_per_class = 25
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
train_cfg = dict(max_iters=max_iters, val_interval=1024)
default_hooks = dict(checkpoint=dict(interval=1024))
