# Copyright (c) mmssl contributors. All rights reserved.
import os.path as osp

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmssl.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadImageFromFile(BaseTransform):
    """Read ``results['img_path']`` into ``results['img']`` (HxWxC uint8).

    Unlike an ``assert img is not None``, a missing, empty or undecodable
    file raises an error that names the file.

    Args:
        color_type (str): ``'color'``, ``'grayscale'`` or ``'unchanged'``.
            Defaults to ``'color'``.
        channel_order (str): ``'rgb'`` or ``'bgr'``. Defaults to ``'rgb'``.
    """

    def __init__(self, color_type: str = 'color', channel_order: str = 'rgb'):
        self.color_type = color_type
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        if not osp.isfile(path):
            raise FileNotFoundError(f'image file not found: {path}')
        with open(path, 'rb') as f:
            data = f.read()
        img = None
        if data:
            try:
                img = mmcv.imfrombytes(
                    data, flag=self.color_type,
                    channel_order=self.channel_order, backend='cv2')
            except Exception:
                img = None
        if img is None:
            raise ValueError(f'cannot decode image {path}: the file is '
                             'empty, truncated or not an image')
        if img.ndim == 2:
            img = img[..., None]
        results['img'] = np.ascontiguousarray(img)
        results['ori_shape'] = img.shape[:2]
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(color_type={self.color_type!r}, '
                f'channel_order={self.channel_order!r})')
