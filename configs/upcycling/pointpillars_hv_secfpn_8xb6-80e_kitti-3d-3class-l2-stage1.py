# Paper scale, stage 1 / supervised only: mmdet3d's PointPillars KITTI
# 3-class model (vendored unchanged) on the labeled 2 % of KITTI train,
# pre-trained 80 epochs with the labeled scenes repeated 5x
# (3DIoUMatch-PVRCNN's pre-train length and repeat; the paper's own are
# not known). Optimizer and one-cycle schedule: mmdet3d's cyclic-40e
# (AdamW lr 0.0018 for 8 GPUs x 6, betas (0.95, 0.99), wd 0.01, clip 10),
# stretched to 80 epochs. Needs a GPU (configs/upcycling/README.md).
_base_ = [
    '../_base_/models/mmdet3d_pointpillars_hv_secfpn_kitti.py',
    '../_base_/datasets/kitti-3d-3class_semi.py',
    '../_base_/default_runtime.py',
]
train_dataloader = dict(
    dataset=dict(_delete_=True, type='RepeatDataset', times=5,
                 dataset={{_base_.labeled_dataset}}))
lr = 0.0018
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=lr, betas=(0.95, 0.99),
                   weight_decay=0.01),
    clip_grad=dict(max_norm=10, norm_type=2))
max_epochs = 80
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=32, eta_min=lr * 10, begin=0,
         end=32, by_epoch=True, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=48, eta_min=lr * 1e-4, begin=32,
         end=max_epochs, by_epoch=True, convert_to_iter_based=True),
    dict(type='CosineAnnealingMomentum', T_max=32, eta_min=0.85 / 0.95,
         begin=0, end=32, by_epoch=True, convert_to_iter_based=True),
    dict(type='CosineAnnealingMomentum', T_max=48, eta_min=1, begin=32,
         end=max_epochs, by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=48)
default_hooks = dict(
    checkpoint=dict(interval=10, max_keep_ckpts=2),
    # mmdet3d's Det3DVisualizationHook draws LiDAR scenes with Open3D
    visualization=dict(_delete_=True, type='BEVVisualizationHook'))
