# Copyright (c) mmssl contributors. All rights reserved.
from .cam import CAMSegmentor
from .mars import MARSSegmentor
from .umct import UMCTSegmentor

__all__ = ['CAMSegmentor', 'MARSSegmentor', 'UMCTSegmentor']
