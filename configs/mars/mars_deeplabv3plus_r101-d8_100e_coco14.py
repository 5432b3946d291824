# MARS stage D at paper scale on COCO 2014 (81 classes): the VOC recipe of
# mars_deeplabv3plus_r101-d8_100e_voc12.py (the paper gives one setting
# for both datasets) on train2014 pseudo labels, evaluated on val2014
# (semantic masks from tools/data/coco_semantic_masks.py). 100 epochs of
# 82,783 images at batch 16 = 517,400 iterations; complementing from the
# end of the first epoch.
#   python tools/train.py \
#       configs/mars/mars_deeplabv3plus_r101-d8_100e_coco14.py \
#       --cfg-options train_dataloader.dataset.label_dir=<debiased dir>
_base_ = ['./mars_deeplabv3plus_r101-d8_100e_voc12.py']
dataset_type = 'COCOWSSSDataset'
data_root = 'data/coco'
max_iters = 517400
debiased_dir = 'work_dirs/mars_coco14/debiased'
model = dict(segmentor=dict(decode_head=dict(num_classes=81)),
             complement_start_iter=5174)
train_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type,
                 data_root=data_root,
                 ann_file='annotations/instances_train2014.json',
                 data_prefix=dict(img_path='train2014', seg_map_path=None),
                 label_dir=debiased_dir,
                 pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 ann_file='annotations/instances_val2014.json',
                 data_prefix=dict(img_path='val2014',
                                  seg_map_path='SegmentationClass/val2014'),
                 pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., by_epoch=False, begin=0,
         end=max_iters)
]
train_cfg = dict(max_iters=max_iters, val_interval=51740)
default_hooks = dict(checkpoint=dict(interval=51740))
