# SGD with FixMatch's optimiser settings (Sohn et al. 2020, Sec. 4 /
# USB `config/classic_cv/fixmatch`): lr 0.03, momentum 0.9, Nesterov,
# weight decay 5e-4; cosine decay over 30 epochs for the short supervised
# CPU schedule.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='SGD', lr=0.03, momentum=0.9, nesterov=True, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=30, by_epoch=True, eta_min=0.0)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# `tools/train.py --auto-scale-lr` scales lr by (total batch / 64).
auto_scale_lr = dict(enable=False, base_batch_size=64)
