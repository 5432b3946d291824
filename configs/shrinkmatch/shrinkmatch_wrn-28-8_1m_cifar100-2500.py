# ShrinkMatch (Yang et al., ICCV 2023) on CIFAR-100 with 2,500 labels (25 per
# class), paper scale. Defaults from the official CIFAR code
# (github.com/LiheYoung/ShrinkMatch, CIFAR/shrinkmatch.py main() and train(),
# CIFAR/script/dist_train.sh): WRN-28-8, batch 64, mu 7, threshold 0.95, DA
# (queue of 32), soft FixMatch loss, shrink loss on the auxiliary head (strong
# views), both reweighting principles (certain-ratio EMA restarted every
# 1,024-iteration epoch), SGD lr 0.03 momentum 0.9 Nesterov wd 1e-3 (no decay
# on BN and biases; the official code decays its aux-head BN weights, here they
# are decay-free like every BN), 1,024 x 1,024 = 2^20 iterations with the 7/16
# cosine, EMA 0.999, labeled images also in the unlabeled set
# (x_u_split(include_labeled=True)). Input normalisation: our CIFAR bases'
# (USB's). Needs a GPU.
_base_ = [
    '../_base_/models/wrn28_8.py',
    '../_base_/datasets/cifar100_ssl.py',
    '../_base_/schedules/ssl_sgd_cosine_1m.py',
    '../_base_/ssl_runtime.py',
]
model = dict(
    type='SemiClassifier',
    head=dict(
        _delete_=True,
        type='ShrinkMatchHead',
        num_classes=100,
        in_channels=512,
        p_cutoff=0.95,
        lambda_u=1.0,
        hard_label=False,
        dist_align='queue',
        da_len=32,
        aux_rows='strong',
        rank_by='probs',
        ratio_momentum=0.999,
        ema_reset_interval=1024,
        # ShrinkMatch's BackBone: PyTorch's default init for fc too.
        init_cfg=None))
optim_wrapper = dict(optimizer=dict(weight_decay=1e-3))
num_labels_per_class = 25
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
