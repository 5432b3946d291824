# Copyright (c) mmssl contributors. All rights reserved.
from .gap import GlobalAveragePooling

__all__ = ['GlobalAveragePooling']
