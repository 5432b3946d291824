# Copyright (c) mmssl contributors. All rights reserved.
from .image_classifier import ImageClassifier
from .lesion_classifier import LesionClassifier
from .semi_classifier import SemiClassifier
from .simclr import SimCLR

__all__ = ['ImageClassifier', 'LesionClassifier', 'SemiClassifier', 'SimCLR']
