# Copyright (c) mmssl contributors. All rights reserved.
from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmssl.registry import MODELS


@MODELS.register_module()
class DigitsCNN(BaseModule):
    """A small VGG-style CNN for tiny (8x8 or 16x16) grayscale digits.

    Stages of two 3x3 ``ConvModule`` (conv-BN-ReLU, from mmcv), each stage
    but the last followed by 2x2 max pooling. With the default widths it has
    about 0.29M parameters.

    Args:
        in_channels (int): Input channels. Defaults to 1.
        widths (Sequence[int]): Channels of each stage.
            Defaults to (32, 64, 128).
        norm_cfg (dict): Normalisation layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 1,
                 widths: Sequence[int] = (32, 64, 128),
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=dict(type='Kaiming', layer='Conv2d')):
        super().__init__(init_cfg=init_cfg)
        layers = []
        c_in = in_channels
        for i, c_out in enumerate(widths):
            layers += [
                ConvModule(c_in, c_out, 3, padding=1, norm_cfg=norm_cfg),
                ConvModule(c_out, c_out, 3, padding=1, norm_cfg=norm_cfg),
            ]
            if i < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            c_in = c_out
        self.layers = nn.Sequential(*layers)
        self.out_channels = c_in

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        return (self.layers(x), )
