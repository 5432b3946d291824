# Copyright (c) mmssl contributors. All rights reserved.
from .cifar_resnet import CIFARResNet
from .digits_cnn import DigitsCNN
from .wide_resnet import WideResNet

__all__ = ['CIFARResNet', 'DigitsCNN', 'WideResNet']
