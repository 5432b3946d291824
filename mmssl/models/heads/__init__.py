# Copyright (c) mmssl contributors. All rights reserved.
from .iomatch_head import IOMatchHead
from .linear_head import LinearClsHead
from .semi_heads import FixMatchHead, SemiClsHead, SupervisedHead
from .shrinkmatch_head import ShrinkMatchHead
from .wad_head import WADHead
from .wsol_head import SATHead, WSOLConvHead

__all__ = [
    'LinearClsHead', 'SemiClsHead', 'SupervisedHead', 'FixMatchHead',
    'IOMatchHead', 'ShrinkMatchHead', 'WADHead', 'WSOLConvHead', 'SATHead'
]
