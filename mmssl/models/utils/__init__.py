# Copyright (c) mmssl contributors. All rights reserved.
from .batch_augment import SimCLRAugment, WADStudentAugment
from .dist_align import DistAlignEMA, DistAlignQueue

__all__ = [
    'DistAlignQueue', 'DistAlignEMA', 'SimCLRAugment', 'WADStudentAugment'
]
