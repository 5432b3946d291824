# The FixMatch / USB schedule (Sohn et al. 2020, Sec. 4; USB
# `config/classic_cv/fixmatch/*.yaml`): K = 2^20 iterations, SGD lr 0.03,
# momentum 0.9, Nesterov, weight decay 5e-4 (CIFAR-10; 1e-3 for CIFAR-100),
# not applied to batch-norm and bias parameters (USB `bn_wd_skip`), lr
# decayed as lr * cos(7 * pi * k / (16 * K)); evaluation every 5,120
# iterations (USB num_eval_iter; logging and checkpoints: ssl_runtime.py).
max_iters = 2**20
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='SGD', lr=0.03, momentum=0.9, nesterov=True, weight_decay=5e-4),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
# K is train_cfg.max_iters: mmengine sets the scheduler's `end` to it, so
# a child config (or --cfg-options train_cfg.max_iters=N) only changes
# max_iters.
param_scheduler = [dict(type='SSLCosineLR', num_cycles=7 / 16, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=5120)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
