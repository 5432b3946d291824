# Copyright (c) mmssl contributors. All rights reserved.
from mmssl.engine.hooks.visualization_hook import (
    caption_style,
    draw_caption,
    draw_cls_result,
)

__all__ = ['draw_cls_result', 'draw_caption', 'caption_style']
