# The synthetic CT phantoms in the MSD layout (organ + lesion; written by
#   python tools/data/make_phantom_msd.py data/phantom_msd
# 14 labeled cases of varying spacing/orientation + 2 unlabeled test
# cases; synthetic, not patient data). Protocol of the phantom benchmark:
# training cases 0-9 (labeled/unlabeled split drawn with the run's seed),
# evaluation on cases 10-13 with their labels, at their own resolution.
# Preprocessing as our NIH pancreas setting (nih_pancreas_msd.py): RAS,
# 1 mm isotropic, HU window [-100, 240] -> [0, 1].
dataset_type = 'MSDDataset'
data_root = 'data/phantom_msd'
train_cases = list(range(10))
test_cases = [10, 11, 12, 13]
num_labeled = 2
data_seed = 0
patch_size = 32  # cubic: every view has the same shape
labeled_batch_size = 2
unlabeled_batch_size = 4

preprocess = [
    dict(type='LoadNiftiFromFile'),
    dict(type='Orientation', axcodes='RAS'),
    dict(type='Spacing', pixdim=(1.0, 1.0, 1.0)),
    dict(type='ScaleIntensityWindow', a_min=-100, a_max=240),
]
augment = [
    # half of the labeled crops centred on foreground (our choice)
    dict(type='RandCropByPosNeg', size=patch_size, pos=1, neg=1),
    dict(type='RandFlip3D', prob=0.5),
    dict(type='RandIntensityJitter', scale=0.1, shift=0.1, prob=0.5),
    dict(type='PackVolumeInputs'),
]
labeled_pipeline = preprocess + augment
unlabeled_pipeline = preprocess + augment
test_pipeline = preprocess + [dict(type='PackVolumeInputs')]

train_dataloader = dict(
    batch_size=labeled_batch_size + unlabeled_batch_size,
    num_workers=0,
    sampler=dict(
        type='mmdet.MultiSourceSampler',
        batch_size=labeled_batch_size + unlabeled_batch_size,
        source_ratio=[labeled_batch_size, unlabeled_batch_size]),
    dataset=dict(
        type='VolumeSemiDataset',
        dataset=dict(type=dataset_type, data_root=data_root,
                     cases=train_cases),
        num_labeled=num_labeled,
        seed=data_seed,
        labeled_pipeline=labeled_pipeline,
        unlabeled_pipeline=unlabeled_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, cases=test_cases,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='VolumeSegMetric')
test_evaluator = val_evaluator
