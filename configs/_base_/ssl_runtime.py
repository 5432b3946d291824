# Runtime of semi-supervised experiments: iteration-based logging and
# checkpoints (USB num_log_iter 256, num_eval_iter 5,120), the split saved
# to the work dir, and the EMA model.
_base_ = ['./default_runtime.py']
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=256),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=5120,
                    max_keep_ckpts=2, save_last=True))
log_processor = dict(by_epoch=False)
# Evaluation uses the EMA of the weights, momentum 0.001 in mmengine's
# convention = USB's ema_m 0.999. The EMA weights are what checkpoints
# store as `state_dict` (mmengine EMAHook), so test.py and the inferencer
# use them.
# mmengine replaces lists in child configs: a child adding a hook writes
# a full `custom_hooks = [...]` list (the three below plus its own),
# or it loses the EMA evaluation.
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='SaveSplitHook'),
    dict(type='EMAHook', ema_type='ExponentialMovingAverage',
         momentum=0.001, update_buffers=False, priority=49),
]
auto_scale_lr = dict(enable=False, base_batch_size=64 * 8)
# Fixed 32x32 inputs: let cuDNN pick its fastest kernels (no effect on CPU).
env_cfg = dict(cudnn_benchmark=True)
