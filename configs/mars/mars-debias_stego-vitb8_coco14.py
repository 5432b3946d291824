# MARS stages B and C at paper scale on COCO 2014 train2014: the VOC
# setting of mars-debias_stego-vitb8_voc12.py (one setting for both
# datasets in the paper) with COCO's tags from the instance json and a
# STEGO head trained on train2014.
#   python tools/mars/extract_features.py \
#       configs/mars/mars-debias_stego-vitb8_coco14.py
#   python tools/mars/debias_labels.py \
#       configs/mars/mars-debias_stego-vitb8_coco14.py
_base_ = ['./mars-debias_stego-vitb8_voc12.py']
work_root = 'work_dirs/mars_coco14'
seed_dir = work_root + '/seeds'
feature_dir = work_root + '/features'
debiased_dir = work_root + '/debiased'
mars_dataset = dict(
    _delete_=True,
    type='COCOWSSSDataset',
    data_root='data/coco',
    ann_file='annotations/instances_train2014.json',
    data_prefix=dict(img_path='train2014', seg_map_path=None))
feature_extractor = dict(
    stego_checkpoint='checkpoints/stego_vitb8_coco14_head.pth')
label_stats = dict(gt_dir='SegmentationClass/train2014')
