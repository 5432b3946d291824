# SAT's CUB optimisation (train.py, utils/optimizer.py): AdamW lr 1e-4,
# betas (0.9, 0.999), eps 1e-8, weight decay 0.05 except on biases and
# 1-D (LayerNorm) parameters; 30 epochs; constant lr (train.py builds a
# cosine schedule to 1e-6 but never applies it, so there is no scheduler
# here). The intended no-decay of pos/cls/loc embeddings is inactive in the
# official code (the model is wrapped before the optimiser is built), so
# they are decayed here too.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), eps=1e-8,
        weight_decay=0.05),
    # utils/optimizer.py: no decay for 1-D parameters (LayerNorm weights,
    # every bias incl. the attention's in_proj_bias) and for `*.bias`.
    paramwise_cfg=dict(
        norm_decay_mult=0., bias_decay_mult=0., flat_decay_mult=0.))
param_scheduler = []
# train.py evaluates from epoch 26 on.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_begin=26,
                 val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=256)
