# Copyright (c) mmssl contributors. All rights reserved.
from mmdet.models.data_preprocessors import MultiBranchDataPreprocessor

from mmssl.registry import MODELS


@MODELS.register_module()
class SemiDataPreprocessor(MultiBranchDataPreprocessor):
    """mmdet's ``MultiBranchDataPreprocessor`` that also accepts plain
    (single-branch) training batches.

    Multi-branch batches (``inputs`` a dict keyed by branch, from mmdet's
    ``MultiBranch`` transform) are normalised branch by branch with the
    wrapped preprocessor; a plain batch (a labeled-only dataloader, e.g. the
    supervised baseline) and every evaluation batch go straight to it.

    Args:
        data_preprocessor (dict): The wrapped preprocessor, e.g. mmengine's
            ``ImgDataPreprocessor``.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        if training and isinstance(data.get('inputs'), dict):
            for branch, items in data['inputs'].items():
                if not any(x is not None for x in items):
                    raise ValueError(
                        f'the training batch has no {branch!r} samples: the '
                        'train dataloader\'s batch_size must equal its '
                        'MultiSourceSampler batch_size (B * (1 + mu)), and '
                        'the dataset must be a SemiDataset')
            return super().forward(data, training)
        return self.data_preprocessor(data, training)
