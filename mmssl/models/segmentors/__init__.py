# Copyright (c) mmssl contributors. All rights reserved.
from .umct import UMCTSegmentor

__all__ = ['UMCTSegmentor']
