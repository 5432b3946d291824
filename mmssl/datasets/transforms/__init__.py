# Copyright (c) mmssl contributors. All rights reserved.
from .formatting import PackClsInputs
from .loading import LoadImageFromFile, LoadSegAnnotations
from .processing import RandomCropPad
from .randaugment import Cutout, RandAugment
from .volume import (
                     LabelForLoggingOnly,
                     LoadNiftiFromFile,
                     Orientation,
                     PackVolumeInputs,
                     RandCropByLabelClasses,
                     RandCropByPosNeg,
                     RandFlip3D,
                     RandIntensityJitter,
                     ScaleIntensityWindow,
                     Spacing,
)

__all__ = [
    'PackClsInputs', 'LoadImageFromFile', 'LoadSegAnnotations',
    'RandomCropPad', 'RandAugment',
    'Cutout', 'LoadNiftiFromFile', 'Orientation', 'Spacing',
    'ScaleIntensityWindow', 'PackVolumeInputs', 'RandCropByPosNeg',
    'RandCropByLabelClasses', 'RandFlip3D', 'RandIntensityJitter',
    'LabelForLoggingOnly'
]
