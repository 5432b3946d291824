# The TS-CAM-style baseline at CPU scale: sat_vit-t-p8_30e_synthetic-cub.py
# without the spatial token and SAT's two losses. Same pretrained backbone,
# data, schedule and thresholds; map = cls attention (summed over blocks)
# x the ground-truth class map.
_base_ = ['./sat_vit-t-p8_30e_synthetic-cub.py']
model = dict(
    backbone=dict(spatial_token=False, output_cls_attn=True),
    head=dict(_delete_=True, type='WSOLConvHead', num_classes=10,
              in_channels=96, loc_map='tscam', box_threshold=0.4))
