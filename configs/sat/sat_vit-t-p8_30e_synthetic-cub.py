# SAT at CPU scale on the synthetic CUB-layout dataset (10 classes, 300
# training images; python tools/data/make_synthetic_cub.py
# data/synthetic_cub). The official CUB recipe (train.py): fine-tune a
# classification-pretrained ViT for 30 epochs with AdamW lr 1e-4, wd 0.05,
# constant lr, lambda 0.25, loss weights 1/1/1, SQA in the last 3 blocks,
# thresholds 0.30-0.45. Deviations, for a 2-core CPU without ImageNet: the
# backbone is the small ViT of vit-t-p8_60e_synthetic-cub-pretrain.py
# (112 input, patch 8, 96 dims, 6 blocks, 3 heads) pretrained on the
# synthetic training images instead of DeiT-S on ImageNet; batch 32
# instead of 256. Trained from scratch instead, SAT's map does not find
# the objects (configs/sat/README.md).
_base_ = ['./vit-t-p8_60e_synthetic-cub-pretrain.py']
model = dict(
    backbone=dict(
        spatial_token=True,
        sqa_layers=(3, 4, 5),
        pretrained='checkpoints/vit-t-p8_synthetic-cub-pretrain.pth'),
    head=dict(
        _delete_=True,
        type='SATHead',
        num_classes=10,
        in_channels=96,
        area_thr=0.25,
        loss_area_weight=1.0,
        loss_norm_weight=1.0,
        box_threshold=0.4))
optim_wrapper = dict(optimizer=dict(lr=1e-4))  # train.py --lr 1e-4
train_cfg = dict(max_epochs=30, val_begin=10, val_interval=10)
default_hooks = dict(checkpoint=dict(interval=30, max_keep_ckpts=1))
