# Copyright (c) mmssl contributors. All rights reserved.
from .dense import BaseDenseFeatures, SimCLRDenseFeatures, ViTDenseFeatures

__all__ = ['BaseDenseFeatures', 'SimCLRDenseFeatures', 'ViTDenseFeatures']
