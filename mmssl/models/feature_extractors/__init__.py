# Copyright (c) mmssl contributors. All rights reserved.
from .dense import (
                    BaseDenseFeatures,
                    ColourStatsDenseFeatures,
                    SimCLRDenseFeatures,
                    ViTDenseFeatures,
)

__all__ = [
    'BaseDenseFeatures', 'ColourStatsDenseFeatures', 'SimCLRDenseFeatures',
    'ViTDenseFeatures'
]
