# Copyright (c) mmssl contributors. All rights reserved.
from .cls_data_preprocessor import ClsDataPreprocessor
from .semi_data_preprocessor import SemiDataPreprocessor
from .volume_data_preprocessor import VolumeDataPreprocessor

__all__ = [
    'ClsDataPreprocessor', 'SemiDataPreprocessor', 'VolumeDataPreprocessor'
]
