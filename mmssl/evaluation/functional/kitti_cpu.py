# Copyright (c) mmssl contributors. All rights reserved.
"""A CPU rotated IoU for mmdet3d's KITTI evaluation.

mmdet3d 1.4.0 computes the BEV and 3D overlaps of its KITTI metric with a
``numba.cuda`` kernel (``kitti_utils/rotate_iou.py``) that is compiled when
the module is imported, so on a machine without CUDA every BEV/3D
evaluation dies with ``CudaSupportError``.
:func:`rotate_iou_cpu_eval` computes the same numbers with mmcv's
``box_iou_rotated`` (CPU and GPU kernels), and
:func:`install_cpu_rotate_iou` puts it where the metric imports the
kernel from. The rest of the KITTI evaluation (matching, 40-point AP) is
mmdet3d's, unchanged.
"""
import sys
import types

import numpy as np
import torch
from mmcv.ops import box_iou_rotated

ROTATE_IOU_MODULE = 'mmdet3d.evaluation.functional.kitti_utils.rotate_iou'


def rotate_iou_cpu_eval(boxes: np.ndarray, query_boxes: np.ndarray,
                        criterion: int = -1, device_id: int = 0
                        ) -> np.ndarray:
    """Drop-in for mmdet3d's ``rotate_iou_gpu_eval``.

    Args:
        boxes (np.ndarray): ``(N, 5)`` BEV boxes ``(x, z, w, h, angle)`` in
            camera coordinates, angle clockwise when positive.
        query_boxes (np.ndarray): ``(K, 5)`` boxes alike.
        criterion (int): ``-1`` IoU; ``0`` intersection / area of the
            query box; ``1`` intersection / area of the box; anything else
            the intersection area (the kernel's ``devRotateIoUEval(query,
            box)``).
        device_id (int): Unused (the kernel's GPU id).

    Returns:
        np.ndarray: ``(N, K)`` in ``boxes``' dtype.
    """
    dtype = boxes.dtype
    b = torch.from_numpy(np.ascontiguousarray(boxes, dtype=np.float32))
    q = torch.from_numpy(np.ascontiguousarray(query_boxes, dtype=np.float32))
    n, k = len(b), len(q)
    if n == 0 or k == 0:
        return np.zeros((n, k), dtype=dtype)
    area_b = (b[:, 2] * b[:, 3])[:, None]
    area_q = (q[:, 2] * q[:, 3])[None, :]
    # intersection = IoF(b, q) * area(b); IoF is the intersection over
    # the area of the first set
    inter = box_iou_rotated(b, q, mode='iof', clockwise=False) * area_b
    if criterion == -1:
        out = inter / (area_b + area_q - inter)
    elif criterion == 0:
        out = inter / area_q
    elif criterion == 1:
        out = inter / area_b
    else:
        out = inter
    return out.numpy().astype(dtype)


def install_cpu_rotate_iou(force: bool = False) -> bool:
    """Make mmdet3d's KITTI evaluation use :func:`rotate_iou_cpu_eval`.

    Done when CUDA is not available (or ``force``): a module holding the
    CPU function is put into ``sys.modules`` under the kernel module's
    name before the evaluation imports it. With CUDA the numba kernel is
    kept. Returns whether the CPU version is in place.
    """
    current = sys.modules.get(ROTATE_IOU_MODULE)
    if current is not None and getattr(current, 'rotate_iou_gpu_eval',
                                       None) is rotate_iou_cpu_eval:
        return True
    if not force and torch.cuda.is_available():
        return False
    module = types.ModuleType(ROTATE_IOU_MODULE)
    module.__doc__ = __doc__
    module.rotate_iou_gpu_eval = rotate_iou_cpu_eval
    sys.modules[ROTATE_IOU_MODULE] = module
    return True
