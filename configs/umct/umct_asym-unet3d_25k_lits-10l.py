# UMCT on LiTS (131 liver CTs with liver and tumour labels; the MSD's
# Task03_Liver holds the same volumes in the MSD layout, labels 0
# background, 1 liver, 2 tumour) with about 10 % labels. The papers report
# LiTS semi-supervised runs at 10 % / 20 % labels but no split:
# our choice, cases 0-104 train (10 labeled + 95 unlabeled) and 105-130
# test, and the LiTS HU window [-200, 250] (section 6). Everything else as
# the NIH pancreas config. Not run here (no GPU).
_base_ = ['./umct_asym-unet3d_25k_nih-pancreas-6l.py']
data_root = 'data/Task03_Liver'
preprocess = [
    dict(type='LoadNiftiFromFile'),
    dict(type='Orientation', axcodes='RAS'),
    dict(type='Spacing', pixdim=(1.0, 1.0, 1.0)),
    dict(type='ScaleIntensityWindow', a_min=-200, a_max=250),
]
augment = [
    dict(type='RandCropByPosNeg', size=96, pos=1, neg=1),
    dict(type='RandFlip3D', prob=0.5),
    dict(type='RandIntensityJitter', scale=0.1, shift=0.1, prob=0.5),
    dict(type='PackVolumeInputs'),
]
model = dict(num_classes=3)
train_dataloader = dict(
    dataset=dict(
        dataset=dict(data_root=data_root, cases=list(range(105))),
        num_labeled=10,
        labeled_pipeline=preprocess + augment,
        unlabeled_pipeline=preprocess + augment))
val_dataloader = dict(
    dataset=dict(data_root=data_root, cases=list(range(105, 131)),
                 pipeline=preprocess + [dict(type='PackVolumeInputs')]))
test_dataloader = val_dataloader
