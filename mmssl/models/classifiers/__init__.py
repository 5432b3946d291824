# Copyright (c) mmssl contributors. All rights reserved.
from .image_classifier import ImageClassifier
from .semi_classifier import SemiClassifier
from .simclr import SimCLR

__all__ = ['ImageClassifier', 'SemiClassifier', 'SimCLR']
