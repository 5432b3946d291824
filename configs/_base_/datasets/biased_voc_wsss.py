# MARS's synthetic biased-background benchmark in the PASCAL VOC layout
# (train-like objects standing on a rail-like stripe that also lies alone
# in other backgrounds; mmssl/datasets/synthetic/biased_voc.py), written by
#   python tools/data/make_biased_voc.py data/biased_voc
# 400 training / 100 validation images of 96x96, classes background /
# train / person. Synthetic, not photographs. The images are used at their
# size (no rescaling); flips for training.
dataset_type = 'BiasedVOCDataset'
data_root = 'data/biased_voc'
train_split = 'ImageSets/Segmentation/train.txt'
val_split = 'ImageSets/Segmentation/val.txt'
# PackSegInputs' default keys plus the image tags
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction',
             'reduce_zero_label', 'img_labels')
# stage A: the classifier sees images and tags only
cls_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmseg.PackSegInputs', meta_keys=meta_keys),
]
# evaluation, and the seed / pseudo-label passes over the training split
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadSegAnnotations'),
    dict(type='mmseg.PackSegInputs', meta_keys=meta_keys),
]
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file=val_split,
                 cls_labels='cls_labels.json', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClasswiseIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
