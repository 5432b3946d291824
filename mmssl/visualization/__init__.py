# Copyright (c) mmssl contributors. All rights reserved.
from mmssl.engine.hooks.visualization_hook import (
    caption_style,
    diagnosis_caption,
    draw_caption,
    draw_cls_result,
    draw_lesion_result,
    top_boxes,
)

__all__ = [
    'draw_cls_result', 'draw_caption', 'caption_style', 'draw_lesion_result',
    'diagnosis_caption', 'top_boxes'
]
