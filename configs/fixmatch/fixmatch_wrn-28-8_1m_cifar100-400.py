# FixMatch on CIFAR-100 with 400 labels (4 per class), paper scale.
# WRN-28-8 and weight decay 1e-3 as in the FixMatch paper (Sec. 4 and
# App. B.2) and USB's CIFAR-100 configs (`fixmatch_cifar100_400_0.yaml`:
# weight_decay 0.001; some USB revisions of that file name wrn_28_2, the
# paper's network is WRN-28-8). Everything else as the CIFAR-10 config.
_base_ = [
    '../_base_/models/wrn28_8.py',
    '../_base_/datasets/cifar100_ssl.py',
    '../_base_/schedules/ssl_sgd_cosine_1m.py',
    '../_base_/ssl_runtime.py',
]
model = dict(
    type='SemiClassifier',
    head=dict(type='FixMatchHead', p_cutoff=0.95, hard_label=True,
              lambda_u=1.0))
train_dataloader = dict(dataset=dict(num_labels_per_class=4))
optim_wrapper = dict(optimizer=dict(weight_decay=1e-3))
