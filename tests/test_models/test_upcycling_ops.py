# Copyright (c) mmssl contributors. All rights reserved.
"""UpCycling's feature-level operations (teacher filter, F-GT, F-RoT)."""
import math

import numpy as np
import pytest
import torch
from mmdet3d.structures import LiDARInstance3DBoxes

from mmssl.models.utils.upcycling import (
    bev_iou,
    boxes_bev_masks,
    build_fgt_bank,
    filter_pseudo_labels,
    paste_fgt,
    sample_fgt,
    transform_bev,
    transform_boxes,
    transform_points,
)

PC_RANGE = [0, -12.8, -3, 25.6, 12.8, 1]  # 0.32 m cells on an 80x80 map


def _box(x, y, yaw, length=4., width=1.6, z=-1.7, h=1.5):
    return torch.tensor([[x, y, z, length, width, h, yaw]])


def test_box_masks_match_mmdet3d_points_in_boxes():
    boxes = torch.cat([_box(8., 3., 0.4), _box(15., -5., -1.2, 1.8, 0.7)])
    mask = boxes_bev_masks(boxes, (80, 80), PC_RANGE)
    ys = PC_RANGE[1] + (torch.arange(80) + 0.5) * 0.32
    xs = PC_RANGE[0] + (torch.arange(80) + 0.5) * 0.32
    yy, xx = torch.meshgrid(ys, xs, indexing='ij')
    # cell centres at the boxes' mid height, asked to mmdet3d's own test
    pts = torch.stack([xx.flatten(), yy.flatten(),
                       torch.full((6400, ), -0.95)], 1)
    ref = LiDARInstance3DBoxes(boxes).points_in_boxes_all(pts) \
        if torch.cuda.is_available() else None
    from mmdet3d.structures.ops import box_np_ops
    inside = box_np_ops.points_in_rbbox(pts.numpy(), boxes.numpy())
    assert ref is None or (ref.T.reshape(2, 80, 80) > 0).eq(mask).all()
    assert np.array_equal(inside.T.reshape(2, 80, 80), mask.numpy())
    # the margin grows each box by whole cells
    grown = boxes_bev_masks(boxes, (80, 80), PC_RANGE, margin_cells=1)
    assert (grown | mask).eq(grown).all() and grown.sum() > mask.sum()


def test_fgt_bank_paste_and_collision():
    torch.manual_seed(0)
    feats = [torch.randn(4, 80, 80), torch.randn(8, 40, 40)]
    boxes = torch.cat([_box(8., 3., 0.4), _box(15., -5., -1.2)])
    bank = build_fgt_bank(feats, boxes, torch.tensor([2, 2]), PC_RANGE,
                          margin_cells=1)
    assert len(bank) == 2 and bank[0]['label'] == 2
    assert [p[2].shape[0] for p in bank[0]['patches']] == [4, 8]
    # pasting into an empty scene writes exactly the masked cells
    empty = [torch.zeros_like(f) for f in feats]
    pasted = paste_fgt(empty, bank[:1])
    for level, f in enumerate(feats):
        mask = boxes_bev_masks(boxes[:1], f.shape[-2:], PC_RANGE, 1)[0]
        assert torch.equal(pasted[level][:, mask], f[:, mask])
        assert pasted[level][:, ~mask].abs().sum() == 0
    assert empty[0].abs().sum() == 0  # inputs untouched
    # a bank object overlapping an occupied box is rejected
    occupied = _box(8.5, 3.2, 0.)
    got = sample_fgt(bank, occupied, {2: 2}, rng=np.random.RandomState(0))
    assert [e['box'][0].item() for e in got] == [15.]
    # the counts subtract the objects already present
    got = sample_fgt(bank, occupied[:0], {2: 2},
                     present_labels=torch.tensor([2]),
                     rng=np.random.RandomState(0))
    assert len(got) == 1
    # two bank objects that overlap each other are never both pasted
    twins = build_fgt_bank(feats, torch.cat([_box(8., 3., 0.4)] * 2),
                           torch.tensor([2, 2]), PC_RANGE)
    assert len(sample_fgt(twins, occupied[:0], {2: 2})) == 1


@pytest.mark.parametrize('t', [
    dict(angle=0.3), dict(flip_y=True), dict(scale=1.05),
    dict(angle=-0.5, scale=0.95, flip_y=True)
])
def test_feature_and_box_transforms_agree(t):
    """A map painted inside a box, transformed, is still inside the
    transformed box (the labels follow the features)."""
    box = _box(10., 2., 0.7)
    mask = boxes_bev_masks(box, (80, 80), PC_RANGE)[0].float()
    moved = transform_bev(mask[None, None], PC_RANGE, **t)[0, 0]
    new_box = transform_boxes(box, **t)
    inside = boxes_bev_masks(new_box, (80, 80), PC_RANGE, margin_cells=1)[0]
    assert moved.sum() > 0.8 * mask.sum() * t.get('scale', 1.)**2
    assert moved[~inside].sum() < 0.02 * moved.sum()
    pts = torch.tensor([[10., 2., -1., 0.5]])
    moved_pts = transform_points(pts, **t)
    assert torch.allclose(moved_pts[0, :2] / t.get('scale', 1.),
                          transform_boxes(
                              torch.tensor([[10., 2., 0, 1, 1, 1, 0.]]),
                              angle=t.get('angle', 0.),
                              flip_y=t.get('flip_y', False))[0, :2],
                          atol=1e-5)


def test_flip_is_exact_and_yaw_wraps():
    f = torch.randn(1, 3, 80, 80)
    flipped = transform_bev(f, PC_RANGE, flip_y=True)
    assert torch.equal(flipped, f.flip(2))
    assert torch.equal(transform_bev(f, PC_RANGE), f)
    # a range not symmetric about y = 0: resampled, still a mirror
    shifted = [0, -10.24, -3, 25.6, 15.36, 1]
    mirrored = transform_bev(f, shifted, flip_y=True, mode='nearest')
    assert mirrored.abs().sum() > 0
    b = transform_boxes(_box(5., 1., 3.0), angle=0.5)
    assert -math.pi <= b[0, 6] <= math.pi
    assert b[0, 6] == pytest.approx(3.5 - 2 * math.pi, abs=1e-5)


def test_filter_pseudo_labels_per_class():
    boxes = torch.cat([_box(5. * i, 0., 0.) for i in range(4)])
    scores = torch.tensor([0.3, 0.5, 0.6, 0.2])
    labels = torch.tensor([0, 0, 2, 1])
    b, s, lab = filter_pseudo_labels(boxes, scores, labels, [0.4, 0.1, 0.7])
    assert lab.tolist() == [0, 1] and b[:, 0].tolist() == [5., 15.]
    assert bev_iou(b, b).diagonal().gt(0.99).all()
