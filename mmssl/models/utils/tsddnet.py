# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's class-label-guided candidate selection and ROI cropping
(Wang et al., IEEE TMI 2024, arXiv 2306.06982; the rule is our choice,
configs/tsddnet/README.md explains), as plain functions.

The paper's abstract states *that* coarse manual ROIs are refined and
pseudo-ROIs made for class-only images by a candidate selection guided by
the class labels; the candidate set, the score and every threshold below
are our reconstruction ([inferred]) and are arguments, so configs
can change them.
"""
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmcv.ops import roi_align
from mmdet.structures.bbox import bbox_overlaps

#: Candidate generation: scales of the manual box's width and height
#: (independently) and shifts in units of its size.
JITTER_SCALES = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5)
JITTER_SHIFTS = (-0.1, 0.0, 0.1)


def jitter_boxes(box: torch.Tensor,
                 scales: Sequence[float] = JITTER_SCALES,
                 shifts: Sequence[float] = JITTER_SHIFTS,
                 img_shape: Optional[Tuple[int, int]] = None) -> torch.Tensor:
    """Scale and shift variants of one box (candidate generation).

    Every (width scale, height scale) pair about the box centre, then
    every (x shift, y shift) pair of the unscaled box, in units of its
    width and height; the box itself comes first and duplicates are
    dropped. With the default values that is 36 + 8 = 44 boxes (our design
    caps candidates at about 60 per image with the detections).

    Args:
        box (Tensor): ``(4, )`` box ``x0, y0, x1, y1``.
        scales (Sequence[float]): Width and height scales.
        shifts (Sequence[float]): Centre shifts, fractions of the size.
        img_shape (tuple, optional): ``(h, w)``: clip to the image.

    Returns:
        Tensor: ``(M, 4)`` boxes, ``M >= 1``, the input first.
    """
    box = torch.as_tensor(box, dtype=torch.float32).reshape(4)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    w, h = box[2] - box[0], box[3] - box[1]
    out = [box]
    for sw in scales:
        for sh in scales:
            out.append(torch.stack([cx - sw * w / 2, cy - sh * h / 2,
                                    cx + sw * w / 2, cy + sh * h / 2]))
    for dx in shifts:
        for dy in shifts:
            out.append(box + torch.stack([dx * w, dy * h, dx * w, dy * h]))
    out = torch.stack(out)
    if img_shape is not None:
        out[:, 0::2] = out[:, 0::2].clamp(0, img_shape[1])
        out[:, 1::2] = out[:, 1::2].clamp(0, img_shape[0])
    out = out[(out[:, 2] - out[:, 0] >= 1) & (out[:, 3] - out[:, 1] >= 1)]
    keep, seen = [], set()
    for i, b in enumerate(out.tolist()):
        key = tuple(round(v, 3) for v in b)
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return out[keep]


def manual_candidates(manual: torch.Tensor,
                      det_boxes: torch.Tensor,
                      min_det_iou: float = 0.3,
                      img_shape: Optional[Tuple[int, int]] = None,
                      **jitter) -> torch.Tensor:
    """Candidates of a boxed image (D_F): the manual box
    (first), its jitters and the detections with IoU >= ``min_det_iou``
    to it."""
    cands = jitter_boxes(manual, img_shape=img_shape, **jitter)
    det_boxes = torch.as_tensor(det_boxes, dtype=torch.float32).reshape(
        -1, 4)
    if len(det_boxes):
        iou = bbox_overlaps(det_boxes, cands[:1]).squeeze(1)
        cands = torch.cat([cands, det_boxes[iou >= min_det_iou]])
    return cands


def detection_candidates(det_boxes: torch.Tensor,
                         det_scores: torch.Tensor,
                         top_k: int = 5,
                         score_thr: float = 0.3,
                         img_shape: Optional[Tuple[int, int]] = None,
                         **jitter) -> Tuple[torch.Tensor, torch.Tensor]:
    """Candidates of a class-only image (D_P): the top
    ``top_k`` detections (after NMS) scoring at least ``score_thr``, each
    followed by its jitters, which inherit its score.

    Returns:
        tuple: ``(boxes (M, 4), det_scores (M, ))``; empty when no
        detection passes.
    """
    det_boxes = torch.as_tensor(det_boxes, dtype=torch.float32).reshape(
        -1, 4)
    det_scores = torch.as_tensor(det_scores, dtype=torch.float32).reshape(
        -1)
    order = det_scores.argsort(descending=True)
    order = order[det_scores[order] >= score_thr][:top_k]
    boxes, scores = [], []
    for i in order.tolist():
        jit = jitter_boxes(det_boxes[i], img_shape=img_shape, **jitter)
        boxes.append(jit)
        scores.append(det_scores[i].expand(len(jit)))
    if not boxes:
        return det_boxes.new_zeros((0, 4)), det_scores.new_zeros(0)
    return torch.cat(boxes), torch.cat(scores)


def refine_manual_box(candidates: torch.Tensor,
                      cls_probs: torch.Tensor,
                      delta: float = 0.05,
                      min_iou: float = 0.5) -> Dict:
    """Refine a coarse manual box (D_F).

    ``candidates[0]`` is the manual box ``b``; the score of a candidate
    ``c`` is ``s(c) = p_Cls(y | crop(c))``, the classifier's probability of
    the image's known class. The best candidate among those with IoU >=
    ``min_iou`` to ``b`` replaces ``b`` only when ``s(c*) - s(b) >=
    delta`` (refine, never relocate the lesion the sonologist marked).

    Args:
        candidates (Tensor): ``(M, 4)`` boxes, the manual box first.
        cls_probs (Tensor): ``(M, )`` ``p_Cls(y | c)``.
        delta (float): Margin over the manual box's score.
        min_iou (float): Minimum IoU of a replacement to the manual box.

    Returns:
        dict: ``box`` (the kept or new box), ``index`` (its candidate
        index), ``score``, ``manual_score``, ``refined`` (bool).
    """
    candidates = torch.as_tensor(candidates, dtype=torch.float32)
    cls_probs = torch.as_tensor(cls_probs, dtype=torch.float32)
    iou = bbox_overlaps(candidates, candidates[:1]).squeeze(1)
    scores = torch.where(iou >= min_iou, cls_probs,
                         torch.full_like(cls_probs, -1.))
    best = int(scores.argmax())
    refined = bool(scores[best] - cls_probs[0] >= delta) and best != 0
    index = best if refined else 0
    return dict(box=candidates[index], index=index,
                score=float(cls_probs[index]),
                manual_score=float(cls_probs[0]), refined=refined)


def select_pseudo_box(candidates: torch.Tensor,
                      cls_probs: torch.Tensor,
                      det_scores: torch.Tensor,
                      gamma: float = 1.,
                      cls_thr: float = 0.7,
                      det_thr: float = 0.3) -> Dict:
    """Choose a pseudo-ROI for a class-only image (D_P).

    ``s(c) = p_Cls(y | c) * score_Det(c) ** gamma``; ``c* = argmax s``,
    accepted when ``p_Cls(y | c*) >= cls_thr`` and ``score_Det(c*) >=
    det_thr``. Without candidates nothing is accepted.

    Returns:
        dict: ``box`` (None when no candidate), ``index``, ``score``
        (``s(c*)``), ``cls_prob``, ``det_score``, ``accepted`` (bool).
    """
    candidates = torch.as_tensor(candidates, dtype=torch.float32)
    if len(candidates) == 0:
        return dict(box=None, index=-1, score=0., cls_prob=0.,
                    det_score=0., accepted=False)
    cls_probs = torch.as_tensor(cls_probs, dtype=torch.float32)
    det_scores = torch.as_tensor(det_scores, dtype=torch.float32)
    score = cls_probs * det_scores.clamp(min=0).pow(gamma)
    best = int(score.argmax())
    accepted = bool(cls_probs[best] >= cls_thr
                    and det_scores[best] >= det_thr)
    return dict(box=candidates[best], index=best, score=float(score[best]),
                cls_prob=float(cls_probs[best]),
                det_score=float(det_scores[best]), accepted=accepted)


def expand_boxes(boxes: torch.Tensor, margin: float) -> torch.Tensor:
    """Grow ``(N, 4)`` boxes by ``margin`` of their width/height on each
    side (the classifier's context margin, m = 0.1 by default)."""
    w = (boxes[:, 2] - boxes[:, 0]) * margin
    h = (boxes[:, 3] - boxes[:, 1]) * margin
    return torch.stack([boxes[:, 0] - w, boxes[:, 1] - h,
                        boxes[:, 2] + w, boxes[:, 3] + h], dim=1)


def crop_rois(images: torch.Tensor,
              rois: torch.Tensor,
              out_size: int,
              margin: float = 0.1) -> torch.Tensor:
    """Crop and resize ROIs of a batch with RoIAlign (mmcv), differentiable
    with respect to the images (not the boxes).

    Args:
        images (Tensor): ``(N, C, H, W)``.
        rois (Tensor): ``(K, 5)``: batch index, ``x0, y0, x1, y1`` in the
            images' pixels.
        out_size (int): Side of the square crops.
        margin (float): Context margin (see :func:`expand_boxes`).

    Returns:
        Tensor: ``(K, C, out_size, out_size)``.
    """
    rois = rois.to(images.dtype)
    boxes = expand_boxes(rois[:, 1:], margin)
    rois = torch.cat([rois[:, :1], boxes], dim=1).detach()
    return roi_align(images, rois, (out_size, out_size), 1.0, 2, 'avg',
                     True)
