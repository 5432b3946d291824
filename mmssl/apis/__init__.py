# Copyright (c) mmssl contributors. All rights reserved.
from .inferencer import ImageClassificationInferencer

__all__ = ['ImageClassificationInferencer']
