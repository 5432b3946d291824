# Copyright (c) mmssl contributors. All rights reserved.
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmdet.models.backbones import ResNet

from mmssl.registry import MODELS


@MODELS.register_module()
class CIFARResNet(ResNet):
    """mmdet's ResNet with the CIFAR stem: one 3x3 convolution of stride 1
    and no max pooling (the ResNet-18 of CSI / WAD's teacher,
    ``contrast/models/resnet.py``, and mmpretrain's ``ResNet_CIFAR``).

    Args:
        **kwargs: See :class:`mmdet.models.backbones.ResNet`.
    """

    def __init__(self, depth: int = 18, out_indices=(3, ), **kwargs):
        super().__init__(depth=depth, out_indices=out_indices, **kwargs)

    def _make_stem_layer(self, in_channels: int, stem_channels: int) -> None:
        self.conv1 = build_conv_layer(self.conv_cfg, in_channels,
                                      stem_channels, kernel_size=3, stride=1,
                                      padding=1, bias=False)
        self.norm1_name, norm1 = build_norm_layer(self.norm_cfg,
                                                  stem_channels, postfix=1)
        self.add_module(self.norm1_name, norm1)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity()
