# Copyright (c) mmssl contributors. All rights reserved.
"""A 3-D U-Net with anisotropic kernels for multi-view co-training."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmssl.registry import MODELS

# dropout_type -> module: whole feature maps, or single activations
DROPOUT_TYPES = {'channel': nn.Dropout3d, 'element': nn.Dropout}


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
    ``ConvModule(1x1x3)``; dropout (``dropout_type``) before the last decoder
    stage and before the 1x1x1 classifier.

    Args:
        in_channels (int): Input channels (1 for CT).
        num_classes (int): Output classes (with background).
        channels (Sequence[int]): Widths of the encoder stages.
        dropout (float): MC-dropout rate. Defaults to 0.5.
        dropout_type (str): ``'channel'`` (``nn.Dropout3d``: zeroes whole
            feature maps, the default, as before) or ``'element'``
            (``nn.Dropout``: zeroes single activations). With few channels
            (the phantom configs' 8 before the classifier), channel-wise
            dropout removes an eighth of the features per map and makes
            the K MC samples differ a lot; element-wise dropout keeps
            every map and perturbs it less.
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
                 dropout_type: str = 'channel',
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
        if dropout_type not in DROPOUT_TYPES:
            raise ValueError(f'dropout_type must be one of '
                             f'{sorted(DROPOUT_TYPES)}, got '
                             f'{dropout_type!r}')
        self.dropout_type = dropout_type
        self.dropout = DROPOUT_TYPES[dropout_type](dropout)
        self.classifier = nn.Conv3d(prev, num_classes, 1)
        self.factor = 2**(len(channels) - 1)

    def _trunk(self, x: torch.Tensor) -> torch.Tensor:
        """Everything before the first dropout (deterministic: instance
        norm has no running statistics): the encoder and the decoder up to
        the last stage's input (upsampled and concatenated with its skip)."""
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
            if i < len(self.decoder) - 1:
                x = stage(x)
        return x

    def _tail(self, x: torch.Tensor) -> torch.Tensor:
        """The stochastic part: dropout, the last decoder stage, dropout,
        the classifier."""
        if len(self.decoder):
            x = self.decoder[-1](self.dropout(x))
        return self.classifier(self.dropout(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._tail(self._trunk(x))

    def forward_mc(self, x: torch.Tensor, samples: int) -> torch.Tensor:
        """``samples`` Monte-Carlo dropout passes, (K, B, classes, D, H, W)
        logits: the same distribution as ``samples`` calls of
        :meth:`forward` in train mode, but the deterministic trunk before
        the first dropout is computed once and only the tail is sampled
        (one batched call)."""
        t = self._trunk(x)
        b = t.shape[0]
        out = self._tail(t.repeat(samples, *([1] * (t.dim() - 1))))
        return out.view(samples, b, *out.shape[1:])
