# Stage 0 of the CPU-scale WSOL benchmark: a small ViT classifier trained
# from scratch on the synthetic CUB-layout dataset (image labels only, no
# boxes), standing in for the ImageNet-1k DeiT weights that SAT and TS-CAM
# fine-tune (there is no ImageNet and no download here). Its backbone is
# what sat_vit-t-p8_30e_synthetic-cub.py and
# tscam_vit-t-p8_30e_synthetic-cub.py start from:
#   python tools/train.py configs/sat/vit-t-p8_60e_synthetic-cub-pretrain.py \
#       --work-dir work_dirs/vit-t-p8_60e_synthetic-cub-pretrain
#   cp work_dirs/vit-t-p8_60e_synthetic-cub-pretrain/epoch_60.pth \
#       checkpoints/vit-t-p8_synthetic-cub-pretrain.pth
# (tools/benchmark/leaderboard.py --suite synthetic-cub-wsol does both.)
# Model: 112 input, patch 8 (the 14x14 patch grid of DeiT-S at 224), 96
# dims, 6 blocks, 3 heads, MLP ratio 4, drop path 0.1; the conv3x3 + GAP
# head of SAT/TS-CAM (dropped when the backbone is loaded). AdamW lr 5e-4
# (from scratch), wd 0.05, batch 32, 60 epochs, constant lr.
_base_ = [
    '../_base_/models/sat_deit-s.py',
    '../_base_/datasets/synthetic_cub_wsol.py',
    '../_base_/schedules/adamw_const_30e.py', '../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        img_size=112,
        patch_size=8,
        embed_dims=96,
        num_layers=6,
        num_heads=3,
        drop_path_rate=0.1,
        spatial_token=False,
        pretrained=None),
    head=dict(_delete_=True, type='WSOLConvHead', num_classes=10,
              in_channels=96, loc_map='cam'))
optim_wrapper = dict(optimizer=dict(lr=5e-4))
train_cfg = dict(max_epochs=60, val_begin=60, val_interval=60)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=60, max_keep_ckpts=1))
