# Copyright (c) mmssl contributors. All rights reserved.
from typing import Sequence, Union

import numpy as np
import torch
from mmengine.structures import BaseDataElement

LabelType = Union[torch.Tensor, np.ndarray, Sequence, int]


def format_label(value: LabelType) -> torch.Tensor:
    """Convert an int, sequence, array or tensor into a 1-D long tensor."""
    if isinstance(value, (int, np.integer)):
        return torch.tensor([int(value)], dtype=torch.long)
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        value = torch.tensor(value)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f'cannot use {type(value).__name__} as a label')
    if value.ndim == 0:
        value = value.unsqueeze(0)
    return value.to(torch.long)


class ClsDataSample(BaseDataElement):
    """Data sample of an image classification task.

    Fields (all optional):

    - ``gt_label`` (Tensor): ground-truth class index, shape (1,).
    - ``pred_label`` (Tensor): predicted class index, shape (1,).
    - ``pred_score`` (Tensor): predicted class probabilities, shape (C,).

    Meta information (``img_path``, ``sample_idx``, ``ori_shape``...) is kept
    in the metainfo, as in mmdet/mmseg samples.
    """

    def set_gt_label(self, value: LabelType) -> 'ClsDataSample':
        self.set_field(format_label(value), 'gt_label', dtype=torch.Tensor)
        return self

    def set_pred_label(self, value: LabelType) -> 'ClsDataSample':
        self.set_field(format_label(value), 'pred_label', dtype=torch.Tensor)
        return self

    def set_pred_score(self, value: torch.Tensor) -> 'ClsDataSample':
        if not isinstance(value, torch.Tensor) or value.ndim != 1:
            raise ValueError('pred_score must be a 1-D tensor of class '
                             'scores')
        self.set_field(value, 'pred_score', dtype=torch.Tensor)
        return self
