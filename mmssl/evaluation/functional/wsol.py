# Copyright (c) mmssl contributors. All rights reserved.
"""Box extraction from localization maps and box IoU for weakly supervised
object localization (WSOL).

Two protocols are implemented, each as its reference code does it:

- SAT's (github.com/wpy1999/SAT, ``evaluator.py`` ``val_loc_one_epoch``,
  ``utils/func.py`` ``normalize_map``/``count_max``, ``utils/accuracy.py``
  ``IoU``): min-max normalised map, threshold, the largest 8-connected
  component, its ``regionprops`` box (exclusive end), IoU with the
  inclusive (+1) pixel convention.
- MaxBoxAccV2 (Choe et al., CVPR 2020, github.com/clovaai/wsolevaluation,
  ``compute_bboxes_from_scoremaps`` with ``multi_contour_eval=True``): the
  map quantised to uint8, thresholded, one box per contour, the best one
  counted.
"""
from typing import List, Sequence

import cv2
import numpy as np
from skimage.measure import label as cc_label


def normalize_loc_map(loc_map: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """``(M - min) / (max - min + eps)`` (SAT's ``normalize_map``)."""
    loc_map = np.asarray(loc_map, dtype=np.float32)
    lo, hi = loc_map.min(), loc_map.max()
    return (loc_map - lo) / (hi - lo + eps)


def resize_loc_map(loc_map: np.ndarray, size: Sequence[int]) -> np.ndarray:
    """Bilinear resize to ``size = (h, w)`` (``cv2.resize`` INTER_LINEAR,
    which equals ``F.interpolate(bilinear, align_corners=False)``)."""
    h, w = int(size[0]), int(size[1])
    return cv2.resize(np.asarray(loc_map, dtype=np.float32), (w, h),
                      interpolation=cv2.INTER_LINEAR)


def largest_component_box(loc_map: np.ndarray,
                          threshold: float) -> np.ndarray:
    """The box of the largest connected foreground region, as SAT does it.

    Foreground is ``loc_map > threshold`` (strict); components are
    8-connected (``skimage.measure.label``'s default in 2-D); the largest
    one (most pixels; ties go to the one reached first in raster order)
    gives ``[min_col, min_row, max_col, max_row]`` with exclusive ends, as
    ``regionprops`` reports them. No foreground gives the whole map
    ``[0, 0, W, H]``.

    Args:
        loc_map (np.ndarray): (H, W) normalised map.
        threshold (float): Foreground threshold.

    Returns:
        np.ndarray: (4,) int box ``x0, y0, x1, y1``.
    """
    h, w = loc_map.shape
    labels, num = cc_label(loc_map > threshold, connectivity=2,
                           return_num=True)
    if num == 0:
        return np.array([0, 0, w, h], dtype=np.int64)
    counts = np.bincount(labels.ravel())[1:]
    rows, cols = np.nonzero(labels == int(np.argmax(counts)) + 1)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1],
                    dtype=np.int64)


def contour_boxes(loc_map: np.ndarray,
                  thresholds: Sequence[float]) -> List[np.ndarray]:
    """Boxes of all contours at each threshold (MaxBoxAccV2's boxes).

    Mirrors wsolevaluation's ``compute_bboxes_from_scoremaps`` with
    ``multi_contour_eval=True``: the map is quantised to uint8, binarised
    at ``int(t * max)``, and every external or internal contour found by
    ``cv2.findContours(RETR_TREE)`` gives a box ``[x, y, min(x + w, W - 1),
    min(y + h, H - 1)]``. A threshold without contours gives ``[0,0,0,0]``.

    Returns:
        list[np.ndarray]: one (K, 4) int array per threshold.
    """
    h, w = loc_map.shape
    quantised = (np.clip(loc_map, 0, 1) * 255).astype(np.uint8)
    top = int(quantised.max())
    out = []
    for t in thresholds:
        _, binary = cv2.threshold(quantised, int(t * top), 255,
                                  cv2.THRESH_BINARY)
        contours = cv2.findContours(binary, cv2.RETR_TREE,
                                    cv2.CHAIN_APPROX_SIMPLE)[-2]
        if len(contours) == 0:
            out.append(np.zeros((1, 4), dtype=np.int64))
            continue
        boxes = []
        for c in contours:
            x, y, bw, bh = cv2.boundingRect(c)
            boxes.append([x, y, min(x + bw, w - 1), min(y + bh, h - 1)])
        out.append(np.array(boxes, dtype=np.int64))
    return out


def box_iou_inclusive(boxes_a: np.ndarray,
                      boxes_b: np.ndarray) -> np.ndarray:
    """IoU of ``x0, y0, x1, y1`` boxes with inclusive pixel ends.

    Areas are ``(x1 - x0 + 1) * (y1 - y0 + 1)``, as both SAT's
    ``utils/accuracy.IoU`` and wsolevaluation's ``calculate_multiple_iou``
    compute them.

    Args:
        boxes_a (np.ndarray): (A, 4) or (4,).
        boxes_b (np.ndarray): (B, 4) or (4,).

    Returns:
        np.ndarray: (A, B) IoUs.
    """
    a = np.asarray(boxes_a, dtype=np.float64).reshape(-1, 4)[:, None]
    b = np.asarray(boxes_b, dtype=np.float64).reshape(-1, 4)[None]
    iw = np.maximum(0., np.minimum(a[..., 2], b[..., 2])
                    - np.maximum(a[..., 0], b[..., 0]) + 1)
    ih = np.maximum(0., np.minimum(a[..., 3], b[..., 3])
                    - np.maximum(a[..., 1], b[..., 1]) + 1)
    inter = iw * ih
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_b = (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.), 0.)
