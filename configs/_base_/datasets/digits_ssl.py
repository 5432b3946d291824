# Semi-supervised digits: the mmssl digits benchmark protocol.
# scikit-learn's bundled digits (1,797 real 8x8 images, nothing downloaded);
# 30% stratified test split with random_state=data_seed; from the other 70%,
# `num_labels_per_class` labeled images per class drawn with data_seed, the
# rest unlabeled (labels dropped). `tools/train.py --seed N` sets data_seed
# and the run's seed together (run N of the protocol).
dataset_type = 'DigitsDataset'
data_seed = 0
num_labels_per_class = 4
# Labeled images per iteration and the unlabeled:labeled ratio mu (USB's
# default mu=7; B=64 at paper scale, smaller here for the 40-image labeled
# set of the CPU benchmark).
labeled_batch_size = 16
mu = 7

branch_field = ['sup', 'unsup_weak', 'unsup_strong']
# Weak view (FixMatch): random translation by up to 1 pixel (12.5% of the
# 8-pixel side) with zero padding (the digits background); no flip, digits
# are not mirror-symmetric.
weak_pipeline = [dict(type='RandomCropPad', padding=1,
                      padding_mode='constant')]
# Strong view (FixMatch/USB): weak + RandAugment(3 ops, random magnitudes)
# + Cutout.
strong_pipeline = weak_pipeline + [dict(type='RandAugment', num_ops=3)]
labeled_pipeline = weak_pipeline + [
    dict(type='mmdet.MultiBranch', branch_field=branch_field,
         sup=[dict(type='PackClsInputs')]),
]
unlabeled_pipeline = [
    dict(type='mmdet.MultiBranch', branch_field=branch_field,
         unsup_weak=weak_pipeline + [dict(type='PackClsInputs')],
         unsup_strong=strong_pipeline + [dict(type='PackClsInputs')]),
]
test_pipeline = [dict(type='PackClsInputs')]
infer_pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='Resize', scale=(8, 8), keep_ratio=False),
    dict(type='PackClsInputs'),
]

# Each batch: labeled_batch_size labeled + mu * labeled_batch_size
# unlabeled samples (mmdet's MultiSourceSampler: infinite, per-rank shards
# of both streams in distributed training). SemiDataset draws the split;
# SaveSplitHook writes it to <work_dir>/split.json; `split_file=...` reuses
# one.
train_dataloader = dict(
    batch_size=labeled_batch_size * (1 + mu),
    num_workers=0,
    sampler=dict(
        type='mmdet.MultiSourceSampler',
        batch_size=labeled_batch_size * (1 + mu),
        source_ratio=[1, mu]),
    dataset=dict(
        type='SemiDataset',
        dataset=dict(type=dataset_type, split='train', seed=data_seed),
        num_labels_per_class=num_labels_per_class,
        seed=data_seed,
        labeled_pipeline=labeled_pipeline,
        unlabeled_pipeline=unlabeled_pipeline))
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, split='test', seed=data_seed,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = [
    dict(type='Accuracy', topk=(1, 5)),
]
test_evaluator = val_evaluator
