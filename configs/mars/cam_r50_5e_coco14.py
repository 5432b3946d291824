# MARS stage A at paper scale on COCO 2014: the IRNet CAM recipe of
# cam_r50_5e_voc12.py (the paper gives no COCO-specific values) with 80
# foreground classes, on train2014 with tags from the instance json.
# Layout under data_root: train2014/, val2014/,
# annotations/instances_{train,val}2014.json and, for seed mIoU,
# SegmentationClass/{train,val}2014/ written by
#   python tools/data/coco_semantic_masks.py \
#       data/coco/annotations/instances_train2014.json \
#       data/coco/SegmentationClass/train2014
#   python tools/train.py configs/mars/cam_r50_5e_coco14.py
_base_ = ['./cam_r50_5e_voc12.py']
dataset_type = 'COCOWSSSDataset'
data_root = 'data/coco'
train_ann = 'annotations/instances_train2014.json'
val_ann = 'annotations/instances_val2014.json'
model = dict(num_classes=81)
train_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 ann_file=train_ann,
                 data_prefix=dict(img_path='train2014', seg_map_path=None),
                 pipeline={{_base_.cls_train_pipeline}}))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 ann_file=val_ann,
                 data_prefix=dict(img_path='val2014',
                                  seg_map_path='SegmentationClass/val2014'),
                 pipeline={{_base_.test_pipeline}}))
# seeds of train2014, scored against its semantic masks
test_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 ann_file=train_ann,
                 data_prefix=dict(img_path='train2014',
                                  seg_map_path='SegmentationClass/train2014'),
                 pipeline={{_base_.test_pipeline}}))
