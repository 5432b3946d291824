# Copyright (c) mmssl contributors. All rights reserved.
from typing import Tuple

import torch
import torch.nn as nn

from mmssl.registry import MODELS


@MODELS.register_module()
class GlobalAveragePooling(nn.Module):
    """Average every spatial dimension away: ``(N, C, *spatial) -> (N, C)``.

    Works for 2-D and 3-D feature maps alike. Takes and returns a tuple of
    multi-level features.
    """

    def forward(self, inputs: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
        if isinstance(inputs, torch.Tensor):
            inputs = (inputs, )
        return tuple(x.flatten(2).mean(dim=2) for x in inputs)
