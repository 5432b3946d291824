# Naive feature-level consistency (benchmark arm C, the
# failure mode the paper describes): the mean teacher of UpCycling on the
# stored features, but the student sees the raw-point augmentations
# applied to the feature maps (flip p 0.5, bilinear rotation +-pi/4,
# scale 0.95-1.05 by grid_sample) with the pseudo boxes moved alike, and
# no F-GT.
_base_ = ['./upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py']
model = dict(
    semi_train_cfg=dict(
        fgt=None,
        feature_aug=dict(type='naive', rot_range=(-0.78539816, 0.78539816),
                         scale_range=(0.95, 1.05), flip_ratio=0.5)))
