# MARS stages B and C at paper scale on VOC 2012 train_aug: STEGO on a
# self-supervised DINO ViT-B/8 (the paper's USS stage) gives the per-pixel
# features, then K-means, the debiased centroids and the label edit.
#   python tools/mars/extract_features.py \
#       configs/mars/mars-debias_stego-vitb8_voc12.py
#   python tools/mars/debias_labels.py \
#       configs/mars/mars-debias_stego-vitb8_voc12.py
# Weights (local files; nothing is downloaded): DINO's
# dino_vitbase8_pretrain.pth (facebookresearch/dino), and a STEGO head
# trained on the same images (MARS trains STEGO on train_aug itself; the
# released STEGO heads are for COCO-Stuff, Cityscapes and Potsdam), saved
# as a plain state dict with STEGO's names (cluster1.0.weight, ...;
# configs/mars/README.md shows how). With stego_checkpoint=None the DINO
# patch features are used directly.
# Stage C: the paper's defaults (../_base_/mars_debias.py: K_fg = K_bg = 2,
# alpha 0.40, Eq. 1's mean distance, M = [M^ > 0.5] without the paper's
# CRF). Features are
# stored as float16 at stride 8 (70-d STEGO codes: about 0.3 MB per VOC
# image; 768-d DINO features would be ten times more).
_base_ = ['../_base_/mars_debias.py']
default_scope = 'mmssl'
dataset_type = 'VOCWSSSDataset'
data_root = 'data/VOCdevkit/VOC2012'
work_root = 'work_dirs/mars_voc12'
seed_dir = work_root + '/seeds'
feature_dir = work_root + '/features'
debiased_dir = work_root + '/debiased'
mars_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    ann_file='ImageSets/Segmentation/train_aug.txt',
    cls_labels='cls_labels.json',
    data_prefix=dict(img_path='JPEGImages', seg_map_path=None))
feature_extractor = dict(
    type='ViTDenseFeatures',
    checkpoint='checkpoints/dino_vitbase8_pretrain.pth',
    stego_checkpoint='checkpoints/stego_vitb8_voc12_head.pth',
    arch=dict(embed_dims=768, num_layers=12, num_heads=12, patch_size=8),
    code_dim=70)
label_stats = dict(gt_dir='SegmentationClassAug')
