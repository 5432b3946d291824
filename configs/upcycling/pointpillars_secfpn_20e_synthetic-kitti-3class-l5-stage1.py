# UpCycling stage 1 = the supervised-only arm: PointPillars trained on the
# labeled 5 % of the synthetic KITTI-layout train scenes (raw points, GT
# sampling from the labeled split only). Its front end is then frozen and
# exported (tools/upcycling/export_features.py).
#   python tools/train.py configs/upcycling/\
#       pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1.py
# Schedule: mmdet3d's PointPillars KITTI one (AdamW, betas (0.95, 0.99),
# wd 0.01, grad clip 10: schedules/cyclic-40e.py) with lr 1e-3 (its 0.0018
# is for batch 48; we use batch 4) and a cosine decay instead of the
# one-cycle, 20 epochs of the 40 labeled scenes repeated 5x (3DIoUMatch's
# labeled repeat); CPU scale.
_base_ = [
    '../_base_/models/pointpillars_synthetic-kitti.py',
    '../_base_/datasets/synthetic_kitti-3class.py',
    '../_base_/default_runtime.py',
]
train_dataloader = dict(
    dataset=dict(_delete_=True, type='RepeatDataset', times=5,
                 dataset={{_base_.labeled_dataset}}))
lr = 1e-3
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=lr, betas=(0.95, 0.99),
                   weight_decay=0.01),
    clip_grad=dict(max_norm=10, norm_type=2))
max_epochs = 20
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=50),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=lr * 1e-2,
         by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=10, max_keep_ckpts=1),
    # mmdet3d's Det3DVisualizationHook draws LiDAR scenes with Open3D
    visualization=dict(_delete_=True, type='BEVVisualizationHook'))
