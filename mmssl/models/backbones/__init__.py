# Copyright (c) mmssl contributors. All rights reserved.
from .cifar_resnet import CIFARResNet
from .digits_cnn import DigitsCNN
from .sat_vit import SATVisionTransformer, convert_timm_vit, spatial_query_gate
from .wide_resnet import WideResNet

__all__ = [
    'CIFARResNet', 'DigitsCNN', 'SATVisionTransformer', 'WideResNet',
    'convert_timm_vit', 'spatial_query_gate'
]
