# Copyright (c) mmssl contributors. All rights reserved.
from .wsol import (
                   box_iou_inclusive,
                   contour_boxes,
                   largest_component_box,
                   normalize_loc_map,
                   resize_loc_map,
)

__all__ = [
    'box_iou_inclusive', 'contour_boxes', 'largest_component_box',
    'normalize_loc_map', 'resize_loc_map'
]
