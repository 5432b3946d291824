# Copyright (c) mmssl contributors. All rights reserved.
from .semi_data_preprocessor import SemiDataPreprocessor

__all__ = ['SemiDataPreprocessor']
