# Copyright (c) mmssl contributors. All rights reserved.
from .kitti_cpu import install_cpu_rotate_iou, rotate_iou_cpu_eval
from .pseudo_labels import pseudo_label_quality
from .seg3d import dice_score, hd95
from .wsol import (
                   box_iou_inclusive,
                   contour_boxes,
                   largest_component_box,
                   normalize_loc_map,
                   resize_loc_map,
)

__all__ = [
    'dice_score', 'hd95', 'box_iou_inclusive', 'contour_boxes',
    'largest_component_box', 'normalize_loc_map', 'resize_loc_map',
    'install_cpu_rotate_iou', 'rotate_iou_cpu_eval', 'pseudo_label_quality'
]
