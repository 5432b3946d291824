# Copyright (c) mmssl contributors. All rights reserved.
from mmengine.structures import BaseDataElement


class VolumeDataSample(BaseDataElement):
    """Data sample of a volumetric segmentation task.

    Fields (all optional), tensors on the network's (z, y, x) grid:

    - ``gt_seg`` (Tensor): (D, H, W) int64 ground-truth labels.
    - ``pred_seg`` (Tensor): (D, H, W) int64 predicted labels.
    - ``seg_probs`` (Tensor): (C, D, H, W) predicted probabilities.
    - ``log_seg`` (Tensor): (D, H, W) int64 true labels of an unlabeled
      patch, for logging only (never trained on).

    Metainfo: ``img_path``, ``spacing`` (voxel size along (z, y, x) in mm),
    ``affine``, ``ori_shape``, ``ori_affine`` and ``geometry`` (the record
    :func:`mmssl.datasets.transforms.volume.invert_geometry` undoes to save
    a prediction on the input file's grid).
    """
