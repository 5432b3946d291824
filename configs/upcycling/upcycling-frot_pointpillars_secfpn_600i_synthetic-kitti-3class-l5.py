# UpCycling + F-RoT (named in the arXiv v1 abstract only; its
# mechanics are not known): after F-GT, an exact y flip (p 0.5) and a small
# bilinear rotation U(-pi/8, pi/8) [C] of the feature maps and the hybrid
# labels alike. On the synthetic benchmark it beats the ICCV recipe on
# every class and seed and matches raw points + GT sampling
# (configs/upcycling/README.md, second run).
_base_ = ['./upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py']
model = dict(
    semi_train_cfg=dict(
        feature_aug=dict(type='frot', rot_range=(-0.39269908, 0.39269908),
                         flip_ratio=0.5)))
