# Copyright (c) mmssl contributors. All rights reserved.
from mmssl.engine.hooks.visualization_hook import draw_cls_result

__all__ = ['draw_cls_result']
