# TSDDNet's synthetic breast-ultrasound benchmark (COCO json; one lesion
# per image, diagnosis benign/malignant in each image entry;
# mmssl/datasets/synthetic/ultrasound.py), written by
#   python tools/data/make_synthetic_bus.py data/synthetic_bus
# 600 training / 150 validation / 300 test grayscale images of 128x128.
# The training boxes are coarse (a noisy and a systematically tight
# simulated annotator); validation and test boxes are exact. Synthetic,
# not ultrasound scans.
dataset_type = 'BUSDataset'
data_root = 'data/synthetic_bus/'
# share of training images that keep their manual box (the rest have a
# diagnosis only): our synthetic benchmark sweeps {10, 20, 50} %; 20 % by
# default
box_fraction = 0.2
# PackDetInputs' default keys plus the diagnosis
meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
             'scale_factor', 'flip', 'flip_direction', 'img_label',
             'has_box')
# CPU runs keep the input <= 256 px; the synthetic images are 128 px, so the
# resize only matters for other images (e.g. the demo's)
img_scale = (128, 128)
# horizontal flip only ([inferred]: posterior acoustic features depend on the
# depth direction, so no vertical flip)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.RandomFlip', prob=0.5),
    dict(type='mmdet.PackDetInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.PackDetInputs', meta_keys=meta_keys),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train.json',
        data_prefix=dict(img='images/train/'),
        box_fraction=box_fraction,
        seed=0,
        subset='boxed',
        filter_cfg=dict(filter_empty_gt=False),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/val.json',
        data_prefix=dict(img='images/val/'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/test.json',
        data_prefix=dict(img='images/test/'),
        test_mode=True,
        pipeline=test_pipeline))
# lesion boxes: mmdet's COCO AP; diagnosis: AUC / ACC / SEN / SPE
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file=data_root + 'annotations/val.json', metric='bbox',
         format_only=False),
    dict(type='DiagnosisMetric'),
]
test_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file=data_root + 'annotations/test.json', metric='bbox',
         format_only=False),
    dict(type='DiagnosisMetric'),
]
