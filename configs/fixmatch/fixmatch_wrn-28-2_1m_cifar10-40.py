# FixMatch (Sohn et al., NeurIPS 2020) on CIFAR-10 with 40 labels (4 per
# class), paper scale. Every default follows USB
# `config/classic_cv/fixmatch/fixmatch_cifar10_40_0.yaml`: WRN-28-2,
# batch 64, mu 7, p_cutoff 0.95, hard labels (USB's T 0.5 has no effect
# with them), lambda_u 1, SGD lr
# 0.03 momentum 0.9 Nesterov wd 5e-4, 2^20 iterations with the 7/16 cosine,
# EMA 0.999, eval every 5,120 iterations. Needs a GPU (days on one).
_base_ = [
    '../_base_/models/wrn28_2.py',
    '../_base_/datasets/cifar10_ssl.py',
    '../_base_/schedules/ssl_sgd_cosine_1m.py',
    '../_base_/ssl_runtime.py',
]
model = dict(
    type='SemiClassifier',
    head=dict(type='FixMatchHead', p_cutoff=0.95, hard_label=True,
              lambda_u=1.0))
train_dataloader = dict(dataset=dict(num_labels_per_class=4))
