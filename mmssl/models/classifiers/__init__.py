# Copyright (c) mmssl contributors. All rights reserved.
from .image_classifier import ImageClassifier

__all__ = ['ImageClassifier']
