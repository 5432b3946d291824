# FixMatch on scikit-learn's digits with 4 labels per class (40 labeled
# images): the mmssl digits benchmark, CPU scale (2 cores).
# Method defaults from USB's FixMatch (p_cutoff 0.95, hard labels,
# lambda_u 1, mu 7, EMA 0.999, SGD 0.03 Nesterov, cosine 7/16); the
# deviations for CPU scale are the schedule (2,000 iterations instead of
# 2^20), the labeled batch (16 instead of 64) and the network (the digits
# CNN instead of a WRN-28-2).
_base_ = [
    '../_base_/models/digits_cnn.py',
    '../_base_/datasets/digits_ssl.py',
    '../_base_/schedules/ssl_sgd_cosine_1m.py',
    '../_base_/ssl_runtime.py',
]
num_labels_per_class = 4
max_iters = 2000

model = dict(
    type='SemiClassifier',
    head=dict(type='FixMatchHead', p_cutoff=0.95, hard_label=True,
              lambda_u=1.0))
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
param_scheduler = [
    dict(type='SSLCosineLR', num_cycles=7 / 16, total_iters=max_iters,
         by_epoch=False)
]
train_cfg = dict(max_iters=max_iters, val_interval=500)
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(interval=500))
