# Copyright (c) mmssl contributors. All rights reserved.
from .cub import SYNTHETIC_CUB_CLASSES, make_synthetic_cub
from .phantom import PHANTOM_LABELS, make_phantom_case, make_phantom_msd

__all__ = [
    'SYNTHETIC_CUB_CLASSES', 'make_synthetic_cub', 'PHANTOM_LABELS',
    'make_phantom_case', 'make_phantom_msd'
]
