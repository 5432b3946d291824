# Stage 2 of UMCT's co-training benchmark, supervised arm with 3 views:
# the stage-1 networks (load_from: umct-stage1_asym-unet3d_1800i_phantom-
# v2-2l.py's checkpoint, passed by tools/benchmark/umct_benchmark.py; the
# model and data come from the 600i stage 1 it inherits from)
# trained on for as many iterations as UMCT's stage 2, on the 2 labeled
# volumes only (lambda_cot = 0). Every stage-2 arm shares this schedule:
# - SGD lr 1e-3 (the papers' stage 2, third-party notes), momentum 0.9,
#   weight decay 4e-5;
# - decayed to 0 by a cosine over stage 2 (ours: the papers keep 1e-3
#   constant; a short stage 2 ends at a settled point this way);
# - 180 iterations instead of the papers' 5k (2-core CPU; sized so that
#   the UMCT arm takes about 10 minutes on 2 idle cores: a UMCT step took
#   4.7 s of CPU on one thread, about 3.0-3.5 s of wall time on 2 idle
#   cores by the earlier phantom runs' ratio; configs/umct/README.md).
_base_ = ['./umct-stage1_asym-unet3d_600i_phantom-v2-2l.py']
stage2_iters = 180
load_from = None  # the stage-1 checkpoint (the benchmark driver sets it)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=False, begin=0,
         end=stage2_iters, T_max=stage2_iters, eta_min=0.0)
]
train_cfg = dict(max_iters=stage2_iters, val_interval=stage2_iters)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=stage2_iters))
