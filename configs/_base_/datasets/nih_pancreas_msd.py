# NIH Pancreas-CT (TCIA, 82 contrast-enhanced abdominal CTs) converted to
# the Medical Segmentation Decathlon layout: data/NIH_Pancreas/dataset.json
# ("labels": {"0": "background", "1": "pancreas"}; "training": the 82
# image/label pairs), imagesTr/*.nii.gz, labelsTr/*.nii.gz. Protocol of the
# MedIA paper (as third-party notes give it): 62 training / 20 test
# volumes; 10 % labeled = 6
# labeled + 56 unlabeled (20 %: 12 + 50), the labeled ones drawn with the
# run's seed and saved to split.json. Cases 0-61 of dataset.json's list
# train and 62-81 test: order the list to choose the partition (the
# paper's case ids are not public). Preprocessing (our choice): RAS,
# 1 mm isotropic, HU window [-100, 240] -> [0, 1]; 96^3 patches, half of
# the labeled ones centred on the pancreas; batch 4 labeled + 16 unlabeled.
# Watch the DICOM-to-NIfTI z order of this data set (the NIfTI label z
# order can be reversed relative to the DICOM series order).
_base_ = ['./phantom_msd.py']
data_root = 'data/NIH_Pancreas'
train_cases = list(range(62))
test_cases = list(range(62, 82))
num_labeled = 6
patch_size = 96
labeled_batch_size = 4
unlabeled_batch_size = 16
preprocess = [
    dict(type='LoadNiftiFromFile'),
    dict(type='Orientation', axcodes='RAS'),
    dict(type='Spacing', pixdim=(1.0, 1.0, 1.0)),
    dict(type='ScaleIntensityWindow', a_min=-100, a_max=240),
]
augment = [
    dict(type='RandCropByPosNeg', size=patch_size, pos=1, neg=1),
    dict(type='RandFlip3D', prob=0.5),
    dict(type='RandIntensityJitter', scale=0.1, shift=0.1, prob=0.5),
    dict(type='PackVolumeInputs'),
]
labeled_pipeline = preprocess + augment
unlabeled_pipeline = preprocess + augment
train_dataloader = dict(
    batch_size=labeled_batch_size + unlabeled_batch_size,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(
        batch_size=labeled_batch_size + unlabeled_batch_size,
        source_ratio=[labeled_batch_size, unlabeled_batch_size]),
    dataset=dict(
        dataset=dict(data_root=data_root, cases=train_cases),
        num_labeled=num_labeled,
        labeled_pipeline=labeled_pipeline,
        unlabeled_pipeline=unlabeled_pipeline))
val_dataloader = dict(
    num_workers=2,
    dataset=dict(data_root=data_root, cases=test_cases))
test_dataloader = val_dataloader
