# MARS stages B (features) and C (debiased centroids and labels) on the
# synthetic biased-background benchmark, with a fixed stand-in for the
# USS features: ColourStatsDenseFeatures (per 8x8 cell the mean and std of
# each colour channel, centred and ZCA-whitened over the training images:
# a signed, centred code like STEGO's; nothing learned, fitted when the
# features are extracted). It is a stand-in for STEGO on synthetic
# textures only, named as such in the results.
#   python tools/mars/extract_features.py \
#       configs/mars/mars-debias_colour-stats_biased-voc.py \
#       --out-dir FEATURES
#   python tools/mars/debias_labels.py \
#       configs/mars/mars-debias_colour-stats_biased-voc.py \
#       --seeds SEEDS --features FEATURES --out-dir DEBIASED
# where SEEDS holds the stage-A seeds (tools/test.py of the CAM config with
# test_evaluator.output_dir=SEEDS). The directories below are only
# defaults: every stage takes its inputs and outputs on the command line
# (tools/benchmark/mars_benchmark.py passes them).
# Stage C: the paper's defaults (../_base_/mars_debias.py says where each
# value comes from).
_base_ = [
    '../_base_/datasets/biased_voc_wsss.py', '../_base_/mars_debias.py'
]
default_scope = 'mmssl'
work_root = 'work_dirs/mars_biased-voc'
seed_dir = work_root + '/seeds'
feature_dir = work_root + '/features_colour'
debiased_dir = work_root + '/debiased_colour'
# the training split, images and tags (the seeds are read by name)
mars_dataset = dict(
    type={{_base_.dataset_type}},
    data_root={{_base_.data_root}},
    ann_file={{_base_.train_split}},
    cls_labels='cls_labels.json',
    data_prefix=dict(img_path='JPEGImages', seg_map_path=None))
feature_extractor = dict(type='ColourStatsDenseFeatures', stride=8)
# optional label statistics and centroid purity (synthetic ground truth,
# for the diagnostics only)
label_stats = dict(gt_dir='SegmentationClass', region_dir='BiasedRegion',
                   biased_class=1)
