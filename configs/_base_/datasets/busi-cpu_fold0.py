# BUSI fold 0 at CPU scale for TSDDNet (busi_fold0.py: data layout,
# protocol and conversion): the same folds, box split and evaluation, the
# images resized to fit 320x256 (keep ratio; BUSI's median image is 564x474,
# so most become ~305x256) instead of the paper-scale short side 512
# ([inferred]), and no dataloader workers (2-core machine).
_base_ = ['./busi_fold0.py']
# [inferred]: horizontal flip only (no vertical flip: posterior acoustic
# features depend on the depth direction)
img_scale = (320, 256)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.RandomFlip', prob=0.5),
    dict(type='mmdet.PackDetInputs', meta_keys={{_base_.meta_keys}}),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.PackDetInputs', meta_keys={{_base_.meta_keys}}),
]
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
