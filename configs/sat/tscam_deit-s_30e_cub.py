# TS-CAM-style baseline (Gao et al., ICCV 2021; github.com/vasgaowei/TS-CAM
# lib/models/deit.py) on SAT's backbone and recipe, for a like-for-like
# comparison: the same DeiT-S without the spatial token, the same conv3x3 +
# GAP head trained with cross-entropy only, the same data, schedule and
# thresholds. Localization map: the cls token's attention to the patches
# (mean over heads, summed over the 12 blocks) times the class map of the
# ground-truth class. TS-CAM's own CUB recipe differs (the paper reports
# 71.3 / 83.8 / 87.7 Top-1/Top-5/GT-known Loc with DeiT-S).
_base_ = ['./sat_deit-s_30e_cub.py']
model = dict(
    backbone=dict(spatial_token=False, output_cls_attn=True),
    head=dict(_delete_=True, type='WSOLConvHead', num_classes=200,
              in_channels=384, loc_map='tscam', box_threshold=0.4))
