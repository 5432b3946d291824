# Copyright (c) mmssl contributors. All rights reserved.
from .linear_head import LinearClsHead
from .semi_heads import FixMatchHead, SemiClsHead, SupervisedHead

__all__ = ['LinearClsHead', 'SemiClsHead', 'SupervisedHead', 'FixMatchHead']
