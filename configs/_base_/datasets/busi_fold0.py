# BUSI (Al-Dhabyani et al. 2020, "Dataset of breast ultrasound images"):
# 780 images, 437 benign / 210 malignant / 133 normal, a lesion mask per
# lesion. The spec's likely public data set (tsddnet.md section 4,
# [inferred]). Unpacked Dataset_BUSI_with_GT into data/BUSI/, then
#   python tools/data/busi_to_coco.py data/BUSI
# writes annotations/fold<k>_{train,test}.json (5 folds stratified by
# diagnosis; BUSI has no patient ids). Fold 0 here; benign vs malignant.
dataset_type = 'BUSDataset'
data_root = 'data/BUSI/'
# share of training images that keep their box (spec 4: swept over
# {10, 20, 30, 50, 100} %)
box_fraction = 0.2
meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
             'scale_factor', 'flip', 'flip_direction', 'img_label',
             'has_box')
# spec 4: detector input short side 512; horizontal flip only
img_scale = (1333, 512)
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
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/fold0_train.json',
        data_prefix=dict(img=''),
        box_fraction=box_fraction,
        seed=0,
        subset='boxed',
        filter_cfg=dict(filter_empty_gt=False),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/fold0_test.json',
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file=data_root + 'annotations/fold0_test.json', metric='bbox'),
    dict(type='DiagnosisMetric'),
]
test_evaluator = val_evaluator
