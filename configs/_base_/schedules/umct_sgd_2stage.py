# UMCT's two stages as one run (values from third-party notes on the MedIA
# 2020 paper): stage 1, supervised
# view-wise training with SGD lr 7e-3, momentum 0.9, weight decay 4e-5;
# stage 2, co-training from the stage-1 weights at a constant lr 1e-3
# (the model's cot_start_iter switches the co-training loss on at the
# same iteration). Paper: 20k + 5k iterations.
stage1_iters = 20000
stage2_iters = 5000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=7e-3, momentum=0.9, weight_decay=4e-5))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, milestones=[stage1_iters],
         gamma=1e-3 / 7e-3)
]
train_cfg = dict(type='IterBasedTrainLoop',
                 max_iters=stage1_iters + stage2_iters,
                 val_interval=stage1_iters + stage2_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
