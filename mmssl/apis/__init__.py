# Copyright (c) mmssl contributors. All rights reserved.
from .inferencer import ImageClassificationInferencer
from .volume_inferencer import VolumeSegInferencer

__all__ = ['ImageClassificationInferencer', 'VolumeSegInferencer']
