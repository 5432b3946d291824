# The synthetic CUB-layout dataset (shapes on textured backgrounds, see
# mmssl/datasets/synthetic/cub.py), written by
#   python tools/data/make_synthetic_cub.py data/synthetic_cub
# (10 classes, 30 train + 10 test images each). CPU scale: the pipelines
# of SAT's CUB recipe at half the size (Resize 128 -> crop 112), since the
# images are 112-176 pixels wide.
_base_ = ['./cub_wsol.py']
data_root = 'data/synthetic_cub'
resize_size = 128
crop_size = 112
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(resize_size, resize_size), keep_ratio=False,
         backend='pillow'),
    dict(type='mmdet.RandomCrop', crop_size=(crop_size, crop_size)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackClsInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(resize_size, resize_size), keep_ratio=False,
         backend='pillow'),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='PackClsInputs'),
]
infer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False,
         backend='pillow'),
    dict(type='PackClsInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=50,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
