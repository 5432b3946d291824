# Copyright (c) mmssl contributors. All rights reserved.
from .formatting import PackClsInputs
from .loading import LoadImageFromFile
from .processing import RandomCropPad
from .randaugment import Cutout, RandAugment

__all__ = [
    'PackClsInputs', 'LoadImageFromFile', 'RandomCropPad', 'RandAugment',
    'Cutout'
]
