# Copyright (c) mmssl contributors. All rights reserved.
"""Dice and the 95th-percentile Hausdorff distance of binary masks, in the
physical units of the voxel spacing."""
from typing import Optional, Sequence

import numpy as np
from scipy import ndimage


def dice_score(pred: np.ndarray, gt: np.ndarray) -> float:
    """``2 |P & G| / (|P| + |G|)``; 1.0 when both masks are empty."""
    pred, gt = np.asarray(pred, bool), np.asarray(gt, bool)
    denom = pred.sum() + gt.sum()
    if denom == 0:
        return 1.0
    return float(2. * np.logical_and(pred, gt).sum() / denom)


def _surface(mask: np.ndarray) -> np.ndarray:
    """Voxels of ``mask`` with a 26/8-connected neighbour outside it."""
    structure = ndimage.generate_binary_structure(mask.ndim, mask.ndim)
    eroded = ndimage.binary_erosion(mask, structure, border_value=0)
    return mask & ~eroded


def hd95(pred: np.ndarray, gt: np.ndarray,
         spacing: Optional[Sequence[float]] = None) -> float:
    """95th-percentile symmetric Hausdorff distance between the surfaces
    of two binary masks, in the units of ``spacing`` (millimetres for
    NIfTI volumes).

    The distances from every surface voxel of one mask to the other's
    surface (exact Euclidean distance transform with the voxel spacing)
    give one 95th percentile per direction; the larger is returned, as
    MONAI's ``compute_hausdorff_distance(percentile=95)``. Undefined (NaN)
    when either mask is empty.
    """
    pred, gt = np.asarray(pred, bool), np.asarray(gt, bool)
    if not pred.any() or not gt.any():
        return float('nan')
    if spacing is None:
        spacing = (1., ) * pred.ndim
    sp, sg = _surface(pred), _surface(gt)
    to_gt = ndimage.distance_transform_edt(~sg, sampling=spacing)
    to_pred = ndimage.distance_transform_edt(~sp, sampling=spacing)
    return float(max(np.percentile(to_gt[sp], 95),
                     np.percentile(to_pred[sg], 95)))
