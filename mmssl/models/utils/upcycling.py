# Copyright (c) mmssl contributors. All rights reserved.
"""UpCycling's feature-level operations, as plain functions.

Hwang et al., ICCV 2023 (arXiv 2211.11950) name hybrid pseudo labels,
F-GT and (v1 only) F-RoT; how each works here is our choice
(configs/upcycling/README.md explains). Feature maps are BEV
tensors ``(C, H, W)`` laid out like mmdet3d's ``PointPillarsScatter``
output: row ``i`` is LiDAR y, column ``j`` is LiDAR x, cell ``(i, j)`` of a
map with cell size ``(sx, sy)`` has its centre at
``(x0 + (j + 0.5) * sx, y0 + (i + 0.5) * sy)``. A scene may carry several
maps (the paper's "multi-type" features: e.g. the three stages of the
SECOND backbone), each with its own stride; every function here treats
them alike.

Boxes are ``(N, 7+)`` LiDAR boxes in mmdet3d's convention
``(x, y, z_bottom, l, w, h, yaw)``, yaw counter-clockwise from +x.
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmcv.ops import box_iou_rotated
from torch import Tensor

__all__ = [
    'bev_cell_centers', 'boxes_bev_masks', 'bev_iou', 'build_fgt_bank',
    'sample_fgt', 'paste_fgt', 'transform_boxes', 'transform_bev',
    'transform_points', 'random_transform', 'filter_pseudo_labels',
    'anchor_head_loss'
]


def bev_cell_centers(shape: Tuple[int, int], pc_range: Sequence[float],
                     device=None) -> Tuple[Tensor, Tensor]:
    """Metric x and y of every cell centre of a BEV map of ``shape``
    ``(H, W)`` covering ``pc_range`` ``(x0, y0, z0, x1, y1, z1)``."""
    h, w = shape
    sx = (pc_range[3] - pc_range[0]) / w
    sy = (pc_range[4] - pc_range[1]) / h
    xs = pc_range[0] + (torch.arange(w, device=device) + 0.5) * sx
    ys = pc_range[1] + (torch.arange(h, device=device) + 0.5) * sy
    yy, xx = torch.meshgrid(ys, xs, indexing='ij')
    return xx, yy


def boxes_bev_masks(boxes: Tensor, shape: Tuple[int, int],
                    pc_range: Sequence[float],
                    margin_cells: float = 0.) -> Tensor:
    """Cells whose centre falls inside each box's BEV rectangle.

    Args:
        boxes (Tensor): ``(N, 7+)`` LiDAR boxes.
        shape (tuple): ``(H, W)`` of the map.
        pc_range (Sequence[float]): Extent of the map.
        margin_cells (float): Enlarge each box by this many cells on every
            side (1 cell by default: strided features bleed past the
            box).

    Returns:
        Tensor: ``(N, H, W)`` bool.
    """
    h, w = shape
    xx, yy = bev_cell_centers(shape, pc_range, boxes.device)
    if len(boxes) == 0:
        return torch.zeros((0, h, w), dtype=torch.bool, device=boxes.device)
    cell = max((pc_range[3] - pc_range[0]) / w,
               (pc_range[4] - pc_range[1]) / h)
    b = boxes[:, :7].float()
    dx = xx[None] - b[:, 0, None, None]
    dy = yy[None] - b[:, 1, None, None]
    cos, sin = torch.cos(b[:, 6]), torch.sin(b[:, 6])
    along = dx * cos[:, None, None] + dy * sin[:, None, None]
    across = -dx * sin[:, None, None] + dy * cos[:, None, None]
    half_l = (b[:, 3] / 2 + margin_cells * cell)[:, None, None]
    half_w = (b[:, 4] / 2 + margin_cells * cell)[:, None, None]
    return (along.abs() <= half_l) & (across.abs() <= half_w)


def bev_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Rotated BEV IoU of two sets of LiDAR boxes (mmcv's CPU/GPU op)."""
    if len(boxes1) == 0 or len(boxes2) == 0:
        return boxes1.new_zeros((len(boxes1), len(boxes2)))
    return box_iou_rotated(boxes1[:, [0, 1, 3, 4, 6]].float(),
                           boxes2[:, [0, 1, 3, 4, 6]].float())


def build_fgt_bank(features: Sequence[Tensor], boxes: Tensor, labels: Tensor,
                   pc_range: Sequence[float],
                   margin_cells: float = 1.) -> List[Dict]:
    """Cut the feature patches of the labeled objects of one scene (the F-GT
    object bank).

    Args:
        features (Sequence[Tensor]): The scene's maps, each ``(C, H, W)``.
        boxes (Tensor): ``(N, 7)`` ground-truth boxes of the scene.
        labels (Tensor): ``(N,)`` their classes.
        pc_range (Sequence[float]): Extent of every map.
        margin_cells (float): Cells added around each box.

    Returns:
        list[dict]: One entry per box with a non-empty patch on every map:
        ``box`` (7,), ``label`` (int), ``patches``: per map
        ``(row0, col0, feat (C, h, w), mask (h, w))``; stored on the CPU
        in the maps' dtype.
    """
    masks = [boxes_bev_masks(boxes, f.shape[-2:], pc_range, margin_cells)
             for f in features]
    bank = []
    for k in range(len(boxes)):
        patches = []
        for feat, mask in zip(features, masks):
            rows = torch.nonzero(mask[k].any(1)).flatten()
            cols = torch.nonzero(mask[k].any(0)).flatten()
            if len(rows) == 0:
                break
            r0, r1 = int(rows[0]), int(rows[-1]) + 1
            c0, c1 = int(cols[0]), int(cols[-1]) + 1
            patches.append((r0, c0, feat[:, r0:r1, c0:c1].detach().cpu(),
                            mask[k, r0:r1, c0:c1].cpu()))
        if len(patches) == len(features):
            bank.append(dict(box=boxes[k, :7].detach().cpu().float(),
                             label=int(labels[k]), patches=patches))
    return bank


def sample_fgt(bank: Sequence[Dict], occupied: Tensor,
               sample_counts: Dict[int, int],
               present_labels: Optional[Tensor] = None,
               rng: Optional[np.random.RandomState] = None) -> List[Dict]:
    """Draw objects of the bank to paste into one unlabeled scene.

    For each class ``c``, ``sample_counts[c]`` minus the objects of class
    ``c`` already present are drawn without replacement (SECOND's database
    sampling rule); a draw is rejected when its BEV box overlaps (rotated
    IoU > 0) any ``occupied`` box or an earlier accepted draw.

    Args:
        bank (Sequence[dict]): Entries of :func:`build_fgt_bank`.
        occupied (Tensor): ``(M, 7)`` boxes already in the scene (the
            teacher's detections above the collision score).
        sample_counts (dict): Wanted objects per class.
        present_labels (Tensor, optional): Classes of the objects already
            present (the pseudo labels), subtracted from the counts.
        rng (np.random.RandomState, optional): Random source.

    Returns:
        list[dict]: The accepted bank entries.
    """
    rng = rng or np.random
    taken = [occupied[:, :7].detach().cpu().float()]
    accepted = []
    by_class: Dict[int, List[int]] = {}
    for i, entry in enumerate(bank):
        by_class.setdefault(entry['label'], []).append(i)
    for cls, count in sample_counts.items():
        if present_labels is not None:
            count -= int((present_labels == cls).sum())
        pool = by_class.get(cls, [])
        if count <= 0 or not pool:
            continue
        order = rng.permutation(len(pool))[:count]
        candidates = torch.stack([bank[pool[i]]['box'] for i in order])
        for i, box in zip(order, candidates):
            current = torch.cat(taken)
            if len(current) and bev_iou(box[None], current).max() > 0:
                continue
            taken.append(box[None])
            accepted.append(bank[pool[i]])
    return accepted


def paste_fgt(features: Sequence[Tensor],
              entries: Sequence[Dict]) -> List[Tensor]:
    """Overwrite the cells of each entry's mask with its patch, at the
    object's original position (no resampling of features).

    Args:
        features (Sequence[Tensor]): The maps of one scene, ``(C, H, W)``.
        entries (Sequence[dict]): Bank entries to paste.

    Returns:
        list[Tensor]: New maps (the inputs are not modified).
    """
    out = [f.clone() for f in features]
    for entry in entries:
        for level, (r0, c0, patch, mask) in enumerate(entry['patches']):
            target = out[level]
            h, w = mask.shape
            region = target[:, r0:r0 + h, c0:c0 + w]
            m = mask.to(target.device)[None]
            region.copy_(torch.where(
                m, patch.to(target.device, target.dtype), region))
    return out


def transform_boxes(boxes: Tensor, angle: float = 0., scale: float = 1.,
                    flip_y: bool = False) -> Tensor:
    """Apply ``p -> scale * R(angle) * F p`` to LiDAR boxes, where ``F``
    mirrors y when ``flip_y``. Heights and z are kept (a BEV map has no
    vertical axis to scale)."""
    out = boxes.clone()
    if len(out) == 0:
        return out
    x, y, yaw = out[:, 0].clone(), out[:, 1].clone(), out[:, 6].clone()
    if flip_y:
        y = -y
        yaw = -yaw
    cos, sin = math.cos(angle), math.sin(angle)
    out[:, 0] = scale * (cos * x - sin * y)
    out[:, 1] = scale * (sin * x + cos * y)
    out[:, 3:5] = out[:, 3:5] * scale
    yaw = yaw + angle
    out[:, 6] = torch.atan2(torch.sin(yaw), torch.cos(yaw))
    return out


def transform_bev(features: Tensor, pc_range: Sequence[float],
                  angle: float = 0., scale: float = 1., flip_y: bool = False,
                  mode: str = 'bilinear') -> Tensor:
    """Resample BEV maps ``(B, C, H, W)`` so that the content at metric
    position ``p`` moves to ``scale * R(angle) * F p`` (the same map as
    :func:`transform_boxes`); cells that come from outside the map are 0.

    This is the feature-level augmentation the paper's abstract says
    distorts intermediate features: conv features are not rotation or
    scale equivariant and bilinear resampling blurs them. A flip of a map
    whose y range is symmetric is an exact row flip.

    Cell centres are taken at the metric centre of each cell; for maps of
    strided convolutions (SECOND's stage ``s``) the receptive-field centre
    lies up to ``(s - 1) / 2`` input cells towards -x/-y, which a rotation
    of the stride-8 map misplaces by up to about half a cell.
    """
    cx = (pc_range[0] + pc_range[3]) / 2
    cy = (pc_range[1] + pc_range[4]) / 2
    hx = (pc_range[3] - pc_range[0]) / 2
    hy = (pc_range[4] - pc_range[1]) / 2
    if flip_y and abs(cy) < 1e-6:
        # a y range symmetric about the sensor: the flip is a row flip,
        # exact (no resampling)
        features = features.flip(-2)
        flip_y = False
    if angle == 0 and scale == 1 and not flip_y:
        return features
    cos, sin = math.cos(angle), math.sin(angle)
    # inverse map: p_in = F R(-angle) p_out / scale
    inv = torch.tensor([[cos, sin], [-sin, cos]], dtype=torch.float64) / scale
    if flip_y:
        inv = torch.tensor([[1., 0.], [0., -1.]], dtype=torch.float64) @ inv
    d = torch.diag(torch.tensor([hx, hy], dtype=torch.float64))
    c = torch.tensor([cx, cy], dtype=torch.float64)
    lin = torch.linalg.inv(d) @ inv @ d
    shift = torch.linalg.inv(d) @ (inv @ c - c)
    theta = torch.cat([lin, shift[:, None]], 1).to(features)
    grid = F.affine_grid(
        theta[None].expand(len(features), 2, 3), list(features.shape),
        align_corners=False)
    return F.grid_sample(features, grid, mode=mode, padding_mode='zeros',
                         align_corners=False)


def transform_points(points: Tensor, angle: float = 0., scale: float = 1.,
                     flip_y: bool = False) -> Tensor:
    """The raw-point version of :func:`transform_boxes` (global flip,
    rotation about z and scaling of x, y, z, as mmdet3d's
    ``RandomFlip3D``/``GlobalRotScaleTrans`` do to a point cloud)."""
    out = points.clone()
    x, y = out[:, 0].clone(), out[:, 1].clone()
    if flip_y:
        y = -y
    cos, sin = math.cos(angle), math.sin(angle)
    out[:, 0] = scale * (cos * x - sin * y)
    out[:, 1] = scale * (sin * x + cos * y)
    out[:, 2] = scale * out[:, 2]
    return out


def random_transform(rng: np.random.RandomState, rot_range: Sequence[float],
                     scale_range: Sequence[float] = (1., 1.),
                     flip_ratio: float = 0.) -> Dict:
    """Draw ``dict(angle, scale, flip_y)`` for the functions above."""
    return dict(angle=float(rng.uniform(*rot_range)),
                scale=float(rng.uniform(*scale_range)),
                flip_y=bool(rng.rand() < flip_ratio))


def filter_pseudo_labels(boxes: Tensor, scores: Tensor, labels: Tensor,
                         score_thr: Sequence[float]
                         ) -> Tuple[Tensor, Tensor, Tensor]:
    """Keep the teacher's detections whose score passes their class's
    threshold (the 3DIoUMatch classification filter; our
    PointPillars head has no IoU branch, so there is no IoU filter)."""
    thr = scores.new_tensor(list(score_thr))[labels.long()]
    keep = scores >= thr
    return boxes[keep], scores[keep], labels[keep]


def anchor_head_loss(head, outs: tuple, samples,
                     teacher_cls_scores: Optional[List[Tensor]] = None,
                     ignore_score_thr: Optional[float] = None) -> Dict:
    """mmdet3d ``Anchor3DHead.loss_by_feat`` on ``outs = head(x)`` with
    ``samples``' ``gt_instances_3d``, where anchors that are negatives but
    that the teacher scores ``>= ignore_score_thr`` (any class, sigmoid
    of ``teacher_cls_scores``: the teacher head's logits on the same
    input) get no classification loss.

    A pseudo-label threshold splits the teacher's detections into
    positives and *background*: objects it sees with a score under the
    threshold would be trained as background. This drops them from the
    loss instead (the uncertain region is ignored, as dense
    semi-supervised detectors do; not in the UpCycling abstract, see
    configs/upcycling/README.md). ``ignore_score_thr=None`` is the plain
    head loss.
    """
    if ignore_score_thr is None:
        return head.loss_by_feat(
            *outs, [s.gt_instances_3d for s in samples],
            [s.metainfo for s in samples])
    cls_scores, bbox_preds, dir_preds = outs
    metas = [s.metainfo for s in samples]
    anchors = head.get_anchors([c.shape[-2:] for c in cls_scores], metas,
                               device=cls_scores[0].device)
    targets = head.anchor_target_3d(
        anchors, [s.gt_instances_3d for s in samples], metas,
        num_classes=head.num_classes,
        label_channels=head.cls_out_channels,
        sampling=head.sampling)
    (labels, weights, bbox_t, bbox_w, dir_t, dir_w, num_pos,
     num_neg) = targets
    n = head.num_classes
    weights = list(weights)
    for lvl, t_cls in enumerate(teacher_cls_scores):
        prob = t_cls.detach().permute(0, 2, 3, 1).reshape(
            t_cls.shape[0], -1, n).sigmoid().amax(-1)
        uncertain = (prob >= ignore_score_thr) & (labels[lvl] == n)
        weights[lvl] = weights[lvl].masked_fill(uncertain, 0.)
    total = num_pos + num_neg if head.sampling else num_pos
    losses_cls, losses_bbox, losses_dir = [], [], []
    for args in zip(cls_scores, bbox_preds, dir_preds, labels, weights,
                    bbox_t, bbox_w, dir_t, dir_w):
        cls, box, dir_ = head._loss_by_feat_single(
            *[a.float() if a.is_floating_point() else a for a in args],
            num_total_samples=total)
        losses_cls.append(cls)
        losses_bbox.append(box)
        losses_dir.append(dir_)
    return dict(loss_cls=losses_cls, loss_bbox=losses_bbox,
                loss_dir=losses_dir)
