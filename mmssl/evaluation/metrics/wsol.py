# Copyright (c) mmssl contributors. All rights reserved.
"""Weakly supervised object localization metrics: Top-1/Top-5 Loc,
GT-known Loc and MaxBoxAccV2."""
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmssl.evaluation.functional import (
    box_iou_inclusive,
    contour_boxes,
    largest_component_box,
)
from mmssl.registry import METRICS


def gt_boxes_in_map(boxes, height: int, width: int) -> np.ndarray:
    """Ground-truth boxes as SAT compares them: clipped to the map
    (``[0, W - 1]`` x ``[0, H - 1]``) and truncated to ints (SAT's
    ``DataLoader/CUB_200_2011.py`` test boxes)."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4).copy()
    boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, width - 1)
    boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, height - 1)
    return np.floor(boxes).astype(np.int64)


@METRICS.register_module()
class WSOLMetric(BaseMetric):
    """Localization accuracy from image-level predictions and maps.

    Each predicted sample carries ``pred_score`` (C,), ``loc_map`` (H, W)
    normalised to [0, 1] in input-image pixels, and the ground truth
    ``gt_label`` and ``gt_bboxes`` (N, 4) in the same pixels.

    SAT's protocol (``evaluator.py`` ``val_loc_one_epoch``), at each
    threshold of ``thresholds``: the box of the largest connected region of
    ``loc_map > t``; IoU (inclusive pixels) with the best ground-truth box.

    - ``gt_known_loc``: IoU >= ``iou_thr`` (0.5).
    - ``top1_loc`` / ``top5_loc``: and the class is the top-1 / among the
      top-5 predictions.
    - The reported threshold is the one with the best ``gt_known_loc +
      top1_loc`` (the official code picks it on the test set, like this).
      Every threshold's values are also returned (``gt_known_loc@0.40``).

    MaxBoxAccV2 (Choe et al., CVPR 2020; wsolevaluation with
    ``multi_contour_eval=True``): one box per contour of the quantised map
    at each of ``maxbox_thresholds``; an image counts when its best box
    reaches IoU delta; the best threshold's accuracy is averaged over
    deltas ``maxbox_ious`` (30, 50, 70 %). Computed on the same maps and
    boxes as above (SAT's center crop), not on wsolevaluation's resized
    full images.

    Args:
        thresholds (Sequence[float]): SAT's list. Defaults to
            (0.30, 0.35, 0.40, 0.45) (``train.py``, CUB).
        iou_thr (float): Defaults to 0.5.
        maxbox_thresholds (Sequence[float], optional): Defaults to
            ``np.arange(0, 1, 0.01)`` (wsolevaluation's ``cam_curve_interval``
            0.01).
        maxbox_ious (Sequence[float]): Defaults to (0.3, 0.5, 0.7).
        topk (int): k of Top-k Loc. Defaults to 5.
        prefix (str, optional): Metric name prefix. Defaults to ``'wsol'``.
    """
    default_prefix: Optional[str] = 'wsol'

    def __init__(self,
                 thresholds: Sequence[float] = (0.30, 0.35, 0.40, 0.45),
                 iou_thr: float = 0.5,
                 maxbox_thresholds: Optional[Sequence[float]] = None,
                 maxbox_ious: Sequence[float] = (0.3, 0.5, 0.7),
                 topk: int = 5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.thresholds = [float(t) for t in thresholds]
        if not self.thresholds:
            raise ValueError('WSOLMetric needs at least one threshold')
        self.iou_thr = float(iou_thr)
        if maxbox_thresholds is None:
            maxbox_thresholds = np.arange(0, 1, 0.01)
        self.maxbox_thresholds = [float(t) for t in maxbox_thresholds]
        self.maxbox_ious = [float(d) for d in maxbox_ious]
        self.topk = int(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            for key in ('pred_score', 'loc_map', 'gt_label', 'gt_bboxes'):
                if key not in sample:
                    raise KeyError(
                        f'WSOLMetric needs `{key}` in every sample; got '
                        f'{sorted(sample)} (is the dataset one with boxes, '
                        'and the head a WSOL head?)')
            score = torch.as_tensor(sample['pred_score']).float()
            label = int(torch.as_tensor(sample['gt_label']).reshape(-1)[0])
            loc = torch.as_tensor(sample['loc_map']).float().numpy()
            h, w = loc.shape
            gts = gt_boxes_in_map(
                torch.as_tensor(sample['gt_bboxes']).numpy(), h, w)
            if len(gts) == 0:
                raise ValueError(
                    f'no ground-truth box for {sample.get("img_path")}')
            ious = [
                box_iou_inclusive(largest_component_box(loc, t), gts).max()
                for t in self.thresholds
            ]
            maxbox = [
                box_iou_inclusive(boxes, gts).max()
                for boxes in contour_boxes(loc, self.maxbox_thresholds)
            ]
            k = min(self.topk, score.numel())
            self.results.append(
                dict(
                    top1=bool(score.argmax() == label),
                    topk=bool((score.topk(k).indices == label).any()),
                    ious=np.asarray(ious, dtype=np.float64),
                    maxbox=np.asarray(maxbox, dtype=np.float64)))

    def compute_metrics(self, results: List[dict]) -> dict:
        top1 = np.array([r['top1'] for r in results])
        topk = np.array([r['topk'] for r in results])
        ious = np.stack([r['ious'] for r in results])  # (n, T)
        hit = ious >= self.iou_thr
        gt_known = hit.mean(0) * 100
        top1_loc = (hit & top1[:, None]).mean(0) * 100
        topk_loc = (hit & topk[:, None]).mean(0) * 100
        best = int(np.argmax(gt_known + top1_loc))
        maxbox = np.stack([r['maxbox'] for r in results])  # (n, T')
        per_delta = [float((maxbox >= d).mean(0).max() * 100)
                     for d in self.maxbox_ious]
        metrics = dict(
            top1_cls=float(top1.mean() * 100),
            top5_cls=float(topk.mean() * 100),
            top1_loc=float(top1_loc[best]),
            top5_loc=float(topk_loc[best]),
            gt_known_loc=float(gt_known[best]),
            best_threshold=self.thresholds[best],
            maxboxacc_v2=float(np.mean(per_delta)))
        for d, v in zip(self.maxbox_ious, per_delta):
            metrics[f'maxboxacc@iou{int(round(d * 100))}'] = v
        if len(self.thresholds) > 1:
            for t, g, t1 in zip(self.thresholds, gt_known, top1_loc):
                metrics[f'gt_known_loc@{t:.2f}'] = float(g)
                metrics[f'top1_loc@{t:.2f}'] = float(t1)
        return metrics
