# Copyright (c) mmssl contributors. All rights reserved.
from .digits_cnn import DigitsCNN
from .wide_resnet import WideResNet

__all__ = ['DigitsCNN', 'WideResNet']
