# Copyright (c) mmssl contributors. All rights reserved.
from typing import Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmssl.registry import MODELS


class _Block(nn.Module):

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = ConvModule(channels, channels, 3, padding=1,
                                norm_cfg=dict(type='BN'))
        self.conv2 = ConvModule(channels, channels, 3, padding=1,
                                norm_cfg=dict(type='BN'), act_cfg=None)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(x + self.conv2(self.conv1(x)))


@MODELS.register_module()
class ExampleResCNN(BaseModule):
    """A stem conv and ``num_blocks`` residual blocks (the example
    project's backbone).

    Args:
        in_channels (int): Input channels. Defaults to 1.
        channels (int): Width of every block. Defaults to 32.
        num_blocks (int): Number of residual blocks. Defaults to 2.
    """

    def __init__(self, in_channels: int = 1, channels: int = 32,
                 num_blocks: int = 2, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.stem = ConvModule(in_channels, channels, 3, padding=1,
                               norm_cfg=dict(type='BN'))
        self.blocks = nn.Sequential(
            *[_Block(channels) for _ in range(num_blocks)])

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        return (self.blocks(self.stem(x)), )
