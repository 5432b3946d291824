# Copyright (c) mmssl contributors. All rights reserved.
from .cub import SYNTHETIC_CUB_CLASSES, make_synthetic_cub

__all__ = ['SYNTHETIC_CUB_CLASSES', 'make_synthetic_cub']
