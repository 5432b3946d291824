# Copyright (c) mmssl contributors. All rights reserved.
"""How good are a teacher's pseudo labels? Precision and recall of its
3D detections against the ground truth (which a benchmark on synthetic or
fully labeled data has for its "unlabeled" scenes), per class and score
threshold."""
from typing import Dict, List, Sequence, Tuple

import torch
from mmcv.ops import box_iou_rotated
from torch import Tensor


def pseudo_label_quality(preds: Sequence[Tuple[Tensor, Tensor, Tensor]],
                         gts: Sequence[Tuple[Tensor, Tensor]],
                         score_thrs: Sequence[float],
                         iou_thrs: Sequence[float]) -> List[Dict]:
    """Per score threshold and class: ``precision`` (the detections at or
    above the threshold that overlap a box of their class with rotated
    BEV IoU >= the class's ``iou_thrs``), ``recall`` (the ground-truth
    boxes overlapped so by such a detection) and ``per_scene`` (detections
    kept per scene). ``1 - recall`` is the share of real objects that a
    pseudo-label threshold leaves to be trained as background.

    Args:
        preds: Per scene ``(boxes (N, 7+), scores (N,), labels (N,))``,
            LiDAR boxes ``(x, y, z, l, w, h, yaw)``.
        gts: Per scene ``(boxes (M, 7+), labels (M,))``.
        score_thrs: Thresholds to report.
        iou_thrs: Per class, the BEV IoU of a match (KITTI: 0.5 for
            pedestrians and cyclists, 0.7 for cars).

    Returns:
        list[dict]: One per threshold: ``thr`` and per class index
        ``dict(precision, recall, per_scene, num_pred, num_gt)``.
    """
    if len(preds) != len(gts):
        raise ValueError(f'{len(preds)} scenes of predictions, {len(gts)} '
                         'of ground truth')
    num_classes = len(iou_thrs)
    out = []
    for thr in score_thrs:
        tp_pred = torch.zeros(num_classes)
        tp_gt = torch.zeros(num_classes)
        n_pred = torch.zeros(num_classes)
        n_gt = torch.zeros(num_classes)
        for (boxes, scores, labels), (gt_boxes, gt_labels) in zip(preds, gts):
            keep = scores >= thr
            boxes, labels = boxes[keep], labels[keep]
            for c in range(num_classes):
                p, g = boxes[labels == c], gt_boxes[gt_labels == c]
                n_pred[c] += len(p)
                n_gt[c] += len(g)
                if len(p) and len(g):
                    iou = box_iou_rotated(p[:, [0, 1, 3, 4, 6]].float(),
                                          g[:, [0, 1, 3, 4, 6]].float())
                    hit = iou >= iou_thrs[c]
                    tp_pred[c] += hit.any(1).sum()
                    tp_gt[c] += hit.any(0).sum()
        row: Dict = dict(thr=float(thr))
        row.update({
            c: dict(precision=float(tp_pred[c] / n_pred[c].clamp(min=1)),
                    recall=float(tp_gt[c] / n_gt[c].clamp(min=1)),
                    per_scene=float(n_pred[c] / max(len(preds), 1)),
                    num_pred=int(n_pred[c]), num_gt=int(n_gt[c]))
            for c in range(num_classes)})
        out.append(row)
    return out
