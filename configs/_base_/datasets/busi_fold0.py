# BUSI (Al-Dhabyani et al. 2020, "Dataset of breast ultrasound images"):
# 780 images, 437 benign / 210 malignant / 133 normal, a lesion mask per
# lesion. A likely public data set of the paper's TMI version, which names
# three B-mode data sets without their identities here ([inferred]). Link
# Dataset_BUSI_with_GT (or the folder holding it) at
# data/busi, then
#   python tools/data/busi_to_coco.py data/busi
# writes data/busi_coco/: split.json, fold<k>_{train,test}.json (5 folds
# stratified by diagnosis, seed 0; BUSI has no patient ids, so our
# [inferred] patient-level folds are image-level) and
# fold<k>_train_box20_seed<s>.json
# (which training images keep their boxes). Fold 0 here; benign vs
# malignant (the paper's diagnosis: y in {benign, malignant}; normal
# images have no lesion and no diagnosis class, so they are left out).
# file_name in the
# jsons is relative to data/busi/.
dataset_type = 'BUSDataset'
data_root = 'data/'
ann_root = 'data/busi_coco/'
# share of each diagnosis' training lesion images that keep their box
# ([inferred] default; swept over {10, 20, 30, 50, 100} %); the draw is
# the saved split file below (seed 0; seeds 1 and 2 are written too)
box_fraction = 0.2
box_split = ann_root + 'fold0_train_box20_seed0.json'
meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
             'scale_factor', 'flip', 'flip_direction', 'img_label',
             'has_box')
# [inferred]: detector input short side 512; horizontal flip only
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
        ann_file='busi_coco/fold0_train.json',
        data_prefix=dict(img='busi/'),
        split_file=box_split,
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
        ann_file='busi_coco/fold0_test.json',
        data_prefix=dict(img='busi/'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file=ann_root + 'fold0_test.json', metric='bbox'),
    dict(type='DiagnosisMetric'),
]
test_evaluator = val_evaluator
