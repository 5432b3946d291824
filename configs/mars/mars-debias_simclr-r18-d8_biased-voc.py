# MARS stages B (feature extraction) and C (debiased centroids and labels)
# on the synthetic biased-background benchmark:
#   python tools/mars/extract_features.py \
#       configs/mars/mars-debias_simclr-r18-d8_biased-voc.py
#   python tools/mars/debias_labels.py \
#       configs/mars/mars-debias_simclr-r18-d8_biased-voc.py
# reading the stage-A seeds (tools/test.py of the CAM config with
# test_evaluator.output_dir=<seed_dir>) and the stage-B network
# (uss_simclr_r18-d8_1k_biased-voc.py), and writing <debiased_dir>/*.png
# for stage D. Every directory can be overridden on the command line.
# Stage C: the paper's defaults (../_base_/mars_debias.py says where each
# value comes from); features L2-normalised only through the cosine
# similarities.
_base_ = [
    './uss_simclr_r18-d8_1k_biased-voc.py', '../_base_/mars_debias.py'
]
work_root = 'work_dirs/mars_biased-voc'
seed_dir = work_root + '/seeds'
feature_dir = work_root + '/features'
debiased_dir = work_root + '/debiased'
uss_checkpoint = work_root + '/uss/iter_1000.pth'
# the training split, images and tags (the seeds are read by name)
mars_dataset = dict(
    type={{_base_.dataset_type}},
    data_root={{_base_.data_root}},
    ann_file={{_base_.train_split}},
    cls_labels='cls_labels.json',
    data_prefix=dict(img_path='JPEGImages', seg_map_path=None))
feature_extractor = dict(
    type='SimCLRDenseFeatures',
    encoder={{_base_.model}},
    checkpoint=uss_checkpoint,
    stride=8)
# optional label statistics: ground truth and biased region (synthetic)
label_stats = dict(gt_dir='SegmentationClass', region_dir='BiasedRegion',
                   biased_class=1)
