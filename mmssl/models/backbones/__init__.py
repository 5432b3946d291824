# Copyright (c) mmssl contributors. All rights reserved.
from .asym_unet3d import AsymUNet3D
from .cifar_resnet import CIFARResNet
from .digits_cnn import DigitsCNN
from .sat_vit import SATVisionTransformer, convert_timm_vit, spatial_query_gate
from .wide_resnet import WideResNet

__all__ = [
    'AsymUNet3D', 'CIFARResNet', 'DigitsCNN', 'SATVisionTransformer',
    'WideResNet', 'convert_timm_vit', 'spatial_query_gate'
]
