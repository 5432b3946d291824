# The version-2 phantoms of UMCT's co-training benchmark, written by
#   python tools/data/make_phantom_msd.py data/phantom_msd_v2 --version 2
# (24 labeled cases + 2 unlabeled test cases in the MSD layout; organ
# only; every case at 1 x 1 x 2.5 mm with its own orientation, tissue
# density and noise, and, since revision 3, the organ's and the
# distractor's appearance drawn per case from four kinds; synthetic, not
# patient data).
# Protocol: training cases 0-17 (2 labeled, drawn with the run's seed, and
# 16 unlabeled), evaluation on cases 18-23 with their labels, on the
# labels' own grid.
# Preprocessing: RAS and the HU window [-100, 240] -> [0, 1] as the NIH
# pancreas setting (nih_pancreas_msd.py), but NO resampling: the volumes
# keep their anisotropic voxels (the paper resamples to isotropic; here
# the thick slices are what makes the three views' 3x3x1 planes differ:
# 1 x 1 mm axial, 1 x 2.5 mm coronal and sagittal).
dataset_type = 'MSDDataset'
data_root = 'data/phantom_msd_v2'
train_cases = list(range(18))
test_cases = list(range(18, 24))
num_labeled = 2
data_seed = 0
patch_size = 32  # cubic in voxels (32 x 32 x 80 mm): views share a shape
labeled_batch_size = 2  # paper: 4 labeled + 16 unlabeled
unlabeled_batch_size = 8
train_batch_size = labeled_batch_size + unlabeled_batch_size

preprocess = [
    dict(type='LoadNiftiFromFile'),
    dict(type='Orientation', axcodes='RAS'),
    dict(type='ScaleIntensityWindow', a_min=-100, a_max=240),
]
augment_tail = [
    dict(type='RandFlip3D', prob=0.5),
    dict(type='RandIntensityJitter', scale=0.1, shift=0.1, prob=0.5),
]
# half of the labeled crops centred on foreground (our choice)
labeled_pipeline = preprocess + [
    dict(type='RandCropByPosNeg', size=patch_size, pos=1, neg=1),
] + augment_tail + [dict(type='PackVolumeInputs')]
# The unlabeled volumes keep their labels for logging only
# (log_unlabeled_labels): random crops that never look at the label
# (pos=0), then the label moves to `log_seg`, which nothing trains on
# (UMCT logs its pseudo labels' Dice against it).
unlabeled_pipeline = preprocess + [
    dict(type='RandCropByPosNeg', size=patch_size, pos=0, neg=1),
] + augment_tail + [
    dict(type='LabelForLoggingOnly'),
    dict(type='PackVolumeInputs'),
]
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
        log_unlabeled_labels=True,
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
