# Copyright (c) mmssl contributors. All rights reserved.
"""Wide ResNet as used by the semi-supervised learning benchmarks.

This is a layer-for-layer port of USB's ``semilearn/nets/wrn/wrn.py``
(microsoft/Semi-supervised-learning, itself following the FixMatch
reference), without the pooling and classifier: in mmssl those are the
:class:`GlobalAveragePooling` neck and the :class:`LinearClsHead`. With a
``LinearClsHead(in_channels=64 * widen_factor)`` the parameters are exactly
USB's ``wrn_28_2`` / ``wrn_28_8``, and so are the state-dict keys
(``conv1``, ``block1.layer.0.bn1``, ``...convShortcut``, ``bn1``; USB's
``fc`` is the head's ``fc``).

Details kept from USB (they change the numbers):

* every convolution has a bias (``bias=True``), the stem included;
* batch norms use ``momentum=0.001`` (PyTorch convention, i.e. running
  statistics decay 0.999) and ``eps=0.001``;
* activations are ``LeakyReLU(0.1)``;
* blocks are pre-activation. When a block changes the number of channels
  the BN-LeakyReLU is applied to the input *before* it is split into the
  residual and the 1x1-convolution shortcut (FixMatch's
  ``activate_before_residual``); when it does not, the shortcut is the raw
  input.
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmssl.registry import MODELS


class WRNBasicBlock(nn.Module):
    """Pre-activation basic block of :class:`WideResNet` (USB's
    ``BasicBlock``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first 3x3 convolution and the shortcut.
        drop_rate (float): Dropout between the two convolutions.
        bn_momentum (float): BN momentum (PyTorch convention).
        bn_eps (float): BN epsilon.
        leaky_slope (float): Negative slope of the LeakyReLUs.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 drop_rate: float = 0.0,
                 bn_momentum: float = 0.001,
                 bn_eps: float = 0.001,
                 leaky_slope: float = 0.1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(
            in_channels, momentum=bn_momentum, eps=bn_eps)
        self.relu1 = nn.LeakyReLU(negative_slope=leaky_slope)
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride=stride, padding=1,
            bias=True)
        self.bn2 = nn.BatchNorm2d(
            out_channels, momentum=bn_momentum, eps=bn_eps)
        self.relu2 = nn.LeakyReLU(negative_slope=leaky_slope)
        self.conv2 = nn.Conv2d(
            out_channels, out_channels, 3, stride=1, padding=1, bias=True)
        self.drop_rate = drop_rate
        self.equal_in_out = in_channels == out_channels
        # USB's attribute name, so that USB state dicts load unchanged
        self.convShortcut = None if self.equal_in_out else nn.Conv2d(
            in_channels, out_channels, 1, stride=stride, padding=0,
            bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.equal_in_out:
            out = self.relu1(self.bn1(x))
            shortcut = x
        else:
            # activate before the residual: the shortcut sees it too
            x = self.relu1(self.bn1(x))
            out = x
            shortcut = self.convShortcut(x)
        out = self.relu2(self.bn2(self.conv1(out)))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        out = self.conv2(out)
        return shortcut + out


class WRNNetworkBlock(nn.Module):
    """A group of :class:`WRNBasicBlock` (USB's ``NetworkBlock``; the
    blocks live in ``self.layer`` as in USB)."""

    def __init__(self, blocks):
        super().__init__()
        self.layer = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)


@MODELS.register_module()
class WideResNet(BaseModule):
    """Wide ResNet (WRN-depth-k) of the SSL benchmarks (FixMatch, USB).

    A 3x3 stem convolution to 16 channels, three groups of
    ``(depth - 4) / 6`` pre-activation basic blocks with ``16k``, ``32k``
    and ``64k`` channels and strides 1, 2, 2, then a final BN-LeakyReLU.
    WRN-28-2 (CIFAR-10) has 1,469,642 parameters and WRN-28-8 (CIFAR-100)
    23,409,092 together with their linear classifiers, as in USB.

    The weights are initialised as in USB when the module is built
    (Kaiming-normal ``fan_out``/``leaky_relu`` convolutions, BN weight 1 and
    bias 0; the defaults of ``nn.Conv2d`` for the conv biases); an
    ``init_cfg`` (e.g. ``Pretrained``) is applied by :meth:`init_weights`.

    Args:
        depth (int): Depth; ``depth - 4`` must be a multiple of 6.
            Defaults to 28.
        widen_factor (int): Width multiplier k. Defaults to 2.
        in_channels (int): Input channels. Defaults to 3.
        drop_rate (float): Dropout inside the blocks. Defaults to 0.
        bn_momentum (float): BN momentum, PyTorch convention (USB: 0.001).
        bn_eps (float): BN epsilon (USB: 0.001).
        leaky_slope (float): LeakyReLU negative slope. Defaults to 0.1.
        init_cfg (dict, optional): Initialisation config. Defaults to None
            (keep USB's initialisation).

    Returns from ``forward``:
        tuple[Tensor]: The final feature map, (N, 64k, H/4, W/4).
    """

    def __init__(self,
                 depth: int = 28,
                 widen_factor: int = 2,
                 in_channels: int = 3,
                 drop_rate: float = 0.0,
                 bn_momentum: float = 0.001,
                 bn_eps: float = 0.001,
                 leaky_slope: float = 0.1,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if depth < 10 or (depth - 4) % 6 != 0:
            raise ValueError(
                f'WideResNet depth must be 6n + 4 with n >= 1, got {depth}')
        if widen_factor < 1:
            raise ValueError(
                f'WideResNet widen_factor must be >= 1, got {widen_factor}')
        self.depth = depth
        self.widen_factor = widen_factor
        num_blocks = (depth - 4) // 6
        channels = [16, 16 * widen_factor, 32 * widen_factor,
                    64 * widen_factor]
        block_kwargs = dict(
            drop_rate=drop_rate, bn_momentum=bn_momentum, bn_eps=bn_eps,
            leaky_slope=leaky_slope)
        self.conv1 = nn.Conv2d(
            in_channels, channels[0], 3, stride=1, padding=1, bias=True)
        for i, stride in enumerate((1, 2, 2)):
            blocks = [
                WRNBasicBlock(
                    channels[i] if j == 0 else channels[i + 1],
                    channels[i + 1], stride if j == 0 else 1,
                    **block_kwargs) for j in range(num_blocks)
            ]
            self.add_module(f'block{i + 1}', WRNNetworkBlock(blocks))
        self.bn1 = nn.BatchNorm2d(
            channels[3], momentum=bn_momentum, eps=bn_eps)
        self.relu = nn.LeakyReLU(negative_slope=leaky_slope)
        self.out_channels = channels[3]
        self._usb_init()

    def _usb_init(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(
                    m.weight, mode='fan_out', nonlinearity='leaky_relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        out = self.conv1(x)
        out = self.block1(out)
        out = self.block2(out)
        out = self.block3(out)
        return (self.relu(self.bn1(out)), )
