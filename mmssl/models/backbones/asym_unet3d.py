# Copyright (c) mmssl contributors. All rights reserved.
"""A 3-D U-Net with anisotropic kernels for multi-view co-training."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmssl.registry import MODELS


@MODELS.register_module()
class AsymUNet3D(BaseModule):
    """3-D encoder-decoder whose encoder sees one plane at a time.

    UMCT's view networks use n x n x 1 kernels in the
    encoder, so that after a view's axis permutation each network looks at
    a different anatomical plane, and strides only in the two in-plane
    axes; the decoder mixes along the third axis (3x3x3 and 1x1x3
    convolutions) and carries dropout layers for Monte-Carlo sampling.
    This is a reimplementation that keeps that defining property
    (asymmetric kernels + permutation = view diversity): no
    ImageNet-pretrained 2-D ResNet-18 is inflated.

    Encoder stage s: two ``ConvModule(3x3x1)`` (conv-norm-ReLU), the first
    with stride (2, 2, 1) for s > 0. Decoder stage: upsample (2, 2, 1)
    trilinear, concatenate the skip, ``ConvModule(3x3x3)`` and
    ``ConvModule(1x1x3)``; ``Dropout3d(dropout)`` before the last decoder
    stage and before the 1x1x1 classifier.

    Args:
        in_channels (int): Input channels (1 for CT).
        num_classes (int): Output classes (with background).
        channels (Sequence[int]): Widths of the encoder stages.
        dropout (float): MC-dropout rate. Defaults to 0.5.
        norm_cfg (dict): Normalisation (mmcv name). Defaults to
            ``dict(type='IN3d', affine=True)``, robust to small batches.

    Input (B, C, D, H, W) with D and H divisible by
    ``2 ** (len(channels) - 1)``; output (B, num_classes, D, H, W) logits.
    """

    def __init__(self,
                 in_channels: int = 1,
                 num_classes: int = 2,
                 channels: Sequence[int] = (16, 32, 64),
                 dropout: float = 0.5,
                 norm_cfg: dict = dict(type='IN3d', affine=True),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        conv = dict(type='Conv3d')
        self.encoder = nn.ModuleList()
        prev = in_channels
        for s, ch in enumerate(channels):
            stride = (1, 1, 1) if s == 0 else (2, 2, 1)
            self.encoder.append(nn.Sequential(
                ConvModule(prev, ch, (3, 3, 1), stride=stride,
                           padding=(1, 1, 0), conv_cfg=conv,
                           norm_cfg=norm_cfg),
                ConvModule(ch, ch, (3, 3, 1), padding=(1, 1, 0),
                           conv_cfg=conv, norm_cfg=norm_cfg)))
            prev = ch
        self.decoder = nn.ModuleList()
        for ch in reversed(channels[:-1]):
            self.decoder.append(nn.Sequential(
                ConvModule(prev + ch, ch, 3, padding=1, conv_cfg=conv,
                           norm_cfg=norm_cfg),
                ConvModule(ch, ch, (1, 1, 3), padding=(0, 0, 1),
                           conv_cfg=conv, norm_cfg=norm_cfg)))
            prev = ch
        self.dropout = nn.Dropout3d(dropout)
        self.classifier = nn.Conv3d(prev, num_classes, 1)
        self.factor = 2**(len(channels) - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d, h = x.shape[2:4]
        if d % self.factor or h % self.factor:
            raise ValueError(
                f'the first two spatial sizes of a (B, C, D, H, W) input '
                f'must be divisible by {self.factor}; got {tuple(x.shape)}')
        skips = []
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)
        skips.pop()
        for i, stage in enumerate(self.decoder):
            x = F.interpolate(x, scale_factor=(2, 2, 1), mode='trilinear',
                              align_corners=False)
            x = torch.cat([x, skips.pop()], dim=1)
            if i == len(self.decoder) - 1:
                x = self.dropout(x)
            x = stage(x)
        return self.classifier(self.dropout(x))
