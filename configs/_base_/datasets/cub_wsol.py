# CUB-200-2011 for weakly supervised object localization, read from its
# release layout (images.txt, image_class_labels.txt, train_test_split.txt,
# bounding_boxes.txt, classes.txt, images/). Image-level labels for
# training; boxes for the test-set localization metrics.
# Pipelines as SAT's train.py / DataLoader/CUB_200_2011.py: train
# Resize((256, 256)) -> RandomCrop(224) -> RandomHorizontalFlip; test
# Resize((256, 256)) -> CenterCrop(224), boxes moved with the image.
# Resizing with Pillow's bilinear filter, as torchvision does on PIL images
# (it anti-aliases; cv2's bilinear does not). The training split carries no
# boxes (CUBDataset: with_bbox defaults to the test split only).
dataset_type = 'CUBDataset'
data_root = 'data/CUB_200_2011'
resize_size = 256
crop_size = 224

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
# demo/ and the inferencer: the whole photo resized to the network input,
# so that the map and the box cover all of it.
infer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(crop_size, crop_size), keep_ratio=False,
         backend='pillow'),
    dict(type='PackClsInputs'),
]

train_dataloader = dict(
    # train.py: batch 256 (one DataParallel batch over the GPUs).
    batch_size=256,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline))
test_dataloader = val_dataloader

# train.py evaluates CUB at thresholds [0.30, 0.35, 0.40, 0.45] and reports
# the best (GT-known + Top-1 Loc) one, on the test set.
val_evaluator = dict(type='WSOLMetric', thresholds=(0.30, 0.35, 0.40, 0.45))
test_evaluator = val_evaluator
