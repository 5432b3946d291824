# Runtime defaults shared by every mmssl experiment (mmdet 3.x layout).
default_scope = 'mmssl'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=3, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # Disabled unless tools/test.py --show-dir sets out_dir.
    visualization=dict(type='ClsVisualizationHook'),
)
# Store/restore RNG states so a resumed run continues exactly.
custom_hooks = [dict(type='RNGStateHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # On CPU-only machines tools/train.py switches to gloo (mmssl.utils.dist).
    dist_cfg=dict(backend='nccl'),
)

# Scalars (losses, lr, metrics and the heads' diagnostics such as
# util_ratio) go to every backend listed here. For TensorBoard (pip extra
# `tensorboard`; event files in <work_dir>/<timestamp>/vis_data) add
#   dict(type='TensorboardVisBackend')
# here, or pass `tools/train.py CONFIG --vis-backend tensorboard`;
# W&B: dict(type='WandbVisBackend') / `--vis-backend wandb`.
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_processor = dict(type='LogProcessor', window_size=10, by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
# A fixed seed by default so runs are reproducible; `tools/train.py --seed N`
# (what the leaderboard passes) sets it and the datasets' split seeds.
randomness = dict(seed=0, deterministic=False)
