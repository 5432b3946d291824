# Copyright (c) mmssl contributors. All rights reserved.
import os.path as osp

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.datasets.transforms import LoadAnnotations as MMSegLoadAnnotations

from mmssl.registry import TRANSFORMS


def check_boxes(boxes, shape, path: str, tolerance: float = 1.) -> None:
    """Raise a ``ValueError`` naming ``path`` for an empty box or one outside
    the ``(h, w)`` image."""
    h, w = shape
    for box in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
        x0, y0, x1, y1 = box
        if not (x1 > x0 and y1 > y0):
            raise ValueError(f'{path}: empty ground-truth box '
                             f'{box.tolist()} (x0, y0, x1, y1)')
        if (min(x0, y0) < -tolerance or x1 > w + tolerance
                or y1 > h + tolerance):
            raise ValueError(
                f'{path}: ground-truth box {box.tolist()} (x0, y0, x1, y1) '
                f'lies outside the {w}x{h} image; check the annotation')


@TRANSFORMS.register_module()
class LoadImageFromFile(BaseTransform):
    """Read ``results['img_path']`` into ``results['img']`` (HxWxC uint8).

    Unlike an ``assert img is not None``, a missing, empty or undecodable
    file raises an error that names the file. When the sample has
    ``gt_bboxes`` (``x0, y0, x1, y1`` pixels), boxes that are empty or lie
    outside the decoded image (by more than ``box_tolerance`` pixels) are
    reported with the file name too, before any geometric transform would
    silently clip them.

    Args:
        color_type (str): ``'color'``, ``'grayscale'`` or ``'unchanged'``.
            Defaults to ``'color'``.
        channel_order (str): ``'rgb'`` or ``'bgr'``. Defaults to ``'rgb'``.
        box_tolerance (float): Pixels a box may stick out of the image
            (annotation rounding). Defaults to 1.
    """

    def __init__(self, color_type: str = 'color', channel_order: str = 'rgb',
                 box_tolerance: float = 1.):
        self.color_type = color_type
        self.channel_order = channel_order
        self.box_tolerance = box_tolerance

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
        if results.get('gt_bboxes') is not None:
            check_boxes(results['gt_bboxes'], img.shape[:2], path,
                        self.box_tolerance)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(color_type={self.color_type!r}, '
                f'channel_order={self.channel_order!r})')


@TRANSFORMS.register_module()
class LoadSegAnnotations(MMSegLoadAnnotations):
    """mmseg's ``LoadAnnotations`` for semantic masks, with clear errors.

    A missing or corrupt PNG raises one error naming the file, and a mask
    whose size differs from the image loaded before it names both files
    (mmseg would fail later, inside a crop or the loss). Palette and
    grayscale PNGs both give class indices; ``label_map`` and
    ``reduce_zero_label`` work as in mmseg.
    """

    def _load_seg_map(self, results: dict) -> None:
        from ..wsss import read_mask
        seg = read_mask(results['seg_map_path'])
        if self.reduce_zero_label is None:
            self.reduce_zero_label = results.get('reduce_zero_label', False)
        if self.reduce_zero_label:
            seg = seg.copy()
            seg[seg == 0] = 255
            seg = seg - 1
            seg[seg == 254] = 255
        if results.get('label_map') is not None:
            src = seg.copy()
            for old_id, new_id in results['label_map'].items():
                seg[src == old_id] = new_id
        if 'img' in results and seg.shape != results['img'].shape[:2]:
            raise ValueError(
                f"mask {results['seg_map_path']} is {seg.shape[1]}x"
                f"{seg.shape[0]} but image {results.get('img_path')} is "
                f"{results['img'].shape[1]}x{results['img'].shape[0]} "
                '(width x height); they must match')
        results['gt_seg_map'] = seg
        results['seg_fields'].append('gt_seg_map')
