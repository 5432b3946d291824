# Copyright (c) mmssl contributors. All rights reserved.
from .dist_align import DistAlignEMA, DistAlignQueue

__all__ = ['DistAlignQueue', 'DistAlignEMA']
