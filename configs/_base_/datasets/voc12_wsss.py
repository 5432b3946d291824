# PASCAL VOC 2012 for weakly supervised segmentation (image tags in): the
# augmented training set (train_aug, 10,582 images, SBD masks in
# SegmentationClassAug) and val (1,449). Layout under data_root:
#   JPEGImages/, SegmentationClass/, SegmentationClassAug/,
#   ImageSets/Segmentation/{train_aug,train,val}.txt,
#   cls_labels.json  (python tools/data/make_cls_labels.py <data_root>)
# The tags come from cls_labels.json, so training never opens a mask.
dataset_type = 'VOCWSSSDataset'
data_root = 'data/VOCdevkit/VOC2012'
train_split = 'ImageSets/Segmentation/train_aug.txt'
val_split = 'ImageSets/Segmentation/val.txt'
gt_dir = 'SegmentationClassAug'
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction',
             'reduce_zero_label', 'img_labels')
crop_size = (512, 512)
# IRNet's CAM augmentation (step/train_cam.py): long side 320-640, flip,
# random 512 crop (padded by the data preprocessor)
cls_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmseg.RandomResize', scale=(640, 640),
         ratio_range=(0.5, 1.0), keep_ratio=True),
    dict(type='mmseg.RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmseg.PackSegInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadSegAnnotations'),
    dict(type='mmseg.PackSegInputs', meta_keys=meta_keys),
]
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file=val_split,
                 cls_labels='cls_labels.json',
                 data_prefix=dict(img_path='JPEGImages',
                                  seg_map_path='SegmentationClass'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClasswiseIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
