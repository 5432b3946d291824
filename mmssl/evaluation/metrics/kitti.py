# Copyright (c) mmssl contributors. All rights reserved.
from mmdet3d.evaluation.metrics import KittiMetric as _MMDet3DKittiMetric

from mmssl.registry import METRICS

from ..functional.kitti_cpu import install_cpu_rotate_iou


@METRICS.register_module()
class KittiMetric(_MMDet3DKittiMetric):
    """mmdet3d's KITTI metric (BEV / 3D / 2D AP, 11 and 40 recall
    positions), runnable without CUDA: on a machine without it the BEV and
    3D overlaps come from :func:`~mmssl.evaluation.functional.kitti_cpu.
    rotate_iou_cpu_eval` (mmcv's rotated IoU) instead of mmdet3d's
    ``numba.cuda`` kernel. Same arguments as
    :class:`mmdet3d.evaluation.KittiMetric`.
    """

    def __init__(self, *args, **kwargs):
        install_cpu_rotate_iou()
        super().__init__(*args, **kwargs)
