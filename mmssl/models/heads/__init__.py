# Copyright (c) mmssl contributors. All rights reserved.
from .linear_head import LinearClsHead

__all__ = ['LinearClsHead']
