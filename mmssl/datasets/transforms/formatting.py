# Copyright (c) mmssl contributors. All rights reserved.
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmssl.registry import TRANSFORMS
from mmssl.structures import ClsDataSample


@TRANSFORMS.register_module()
class PackClsInputs(BaseTransform):
    """Pack an image and its label into ``dict(inputs, data_samples)``.

    ``inputs`` is a CxHxW uint8 tensor (normalisation happens in the model's
    data preprocessor, batched); ``data_samples`` is a
    :class:`ClsDataSample` with ``gt_label``, ``gt_bboxes`` ((N, 4) float
    boxes in the transformed image's pixels, for localization datasets)
    and the meta keys found.

    Args:
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo
            when present.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('sample_idx', 'img_path',
                                             'ori_shape', 'img_shape',
                                             'source_idx', 'true_label')):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        inputs = torch.from_numpy(
            np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = ClsDataSample()
        if 'gt_label' in results:
            sample.set_gt_label(results['gt_label'])
        if results.get('gt_bboxes') is not None:
            sample.set_field(
                torch.as_tensor(
                    np.asarray(results['gt_bboxes'],
                               dtype=np.float32).reshape(-1, 4)),
                'gt_bboxes')
        sample.set_metainfo(
            {k: results[k] for k in self.meta_keys if k in results})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
