# Copyright (c) mmssl contributors. All rights reserved.
from .inferencer import ImageClassificationInferencer
from .lesion_inferencer import LesionDiagnosisInferencer
from .seg_inferencer import SemanticSegInferencer
from .volume_inferencer import VolumeSegInferencer

__all__ = [
    'ImageClassificationInferencer', 'SemanticSegInferencer',
    'VolumeSegInferencer', 'LesionDiagnosisInferencer'
]
