# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's candidate generation, ranking and selection on hand-made
detections and classifier probabilities (our reconstruction of the
class-guided candidate selection)."""
import pytest
import torch

from mmssl.models.utils.tsddnet import (
    crop_rois,
    detection_candidates,
    expand_boxes,
    jitter_boxes,
    manual_candidates,
    refine_manual_box,
    select_pseudo_box,
)


def test_jitter_boxes_spec_set():
    box = torch.tensor([40., 40., 60., 80.])
    out = jitter_boxes(box)
    # the box first, 36 scale pairs (one is the box) + 8 shifts
    assert torch.equal(out[0], box)
    assert len(out) == 1 + 35 + 8
    widths = (out[:, 2] - out[:, 0]).unique()
    assert torch.allclose(widths.sort().values,
                          torch.tensor([16., 18., 20., 22., 25., 30.]))
    # every box keeps the centre or moves by 0.1 of the size
    cx = (out[:, 0] + out[:, 2]) / 2
    assert set(torch.round(cx).tolist()) == {48., 50., 52.}


def test_jitter_boxes_clip_and_drop_degenerate():
    out = jitter_boxes(torch.tensor([0., 0., 10., 10.]), img_shape=(20, 20))
    assert out.min() >= 0 and out[:, 2:].max() <= 20
    assert ((out[:, 2] - out[:, 0]) >= 1).all()
    # clipping makes duplicates: they are dropped
    assert len({tuple(b) for b in out.tolist()}) == len(out)


def test_manual_candidates_keep_overlapping_detections():
    manual = torch.tensor([10., 10., 30., 30.])
    dets = torch.tensor([[12., 12., 31., 31.], [60., 60., 80., 80.]])
    cands = manual_candidates(manual, dets, min_det_iou=0.3,
                              scales=(1.0, ), shifts=(0.0, ))
    assert torch.equal(cands[0], manual)
    assert len(cands) == 2 and torch.equal(cands[1], dets[0])


def test_detection_candidates_top_k_and_threshold():
    dets = torch.tensor([[0., 0., 10., 10.], [20., 20., 30., 30.],
                         [40., 40., 50., 50.], [60., 60., 70., 70.]])
    scores = torch.tensor([0.9, 0.2, 0.5, 0.8])
    boxes, det_scores = detection_candidates(
        dets, scores, top_k=2, score_thr=0.3, scales=(1.0, ),
        shifts=(0.0, ))
    # 0.2 fails the threshold; of 0.9 / 0.8 / 0.5 the top two remain
    assert torch.equal(boxes, dets[[0, 3]])
    assert torch.allclose(det_scores, torch.tensor([0.9, 0.8]))
    boxes, det_scores = detection_candidates(dets, scores, score_thr=0.95)
    assert boxes.shape == (0, 4) and det_scores.shape == (0, )


def test_refine_manual_box_needs_margin_and_overlap():
    cands = torch.tensor([[10., 10., 30., 30.],    # manual box
                          [9., 9., 32., 34.],      # overlapping, better
                          [50., 50., 70., 70.]])   # elsewhere, best
    probs = torch.tensor([0.60, 0.70, 0.99])
    out = refine_manual_box(cands, probs, delta=0.05, min_iou=0.5)
    # the far box never replaces the manual one; the overlapping one does
    assert out['refined'] and out['index'] == 1
    assert torch.equal(out['box'], cands[1])
    assert out['manual_score'] == pytest.approx(0.60)
    assert out['score'] == pytest.approx(0.70)
    # a gain below delta keeps the manual box
    out = refine_manual_box(cands, torch.tensor([0.60, 0.64, 0.99]),
                            delta=0.05)
    assert not out['refined'] and out['index'] == 0
    assert torch.equal(out['box'], cands[0])


def test_select_pseudo_box_ranks_by_cls_times_det():
    cands = torch.tensor([[0., 0., 10., 10.], [20., 20., 30., 30.],
                          [40., 40., 50., 50.]])
    cls = torch.tensor([0.95, 0.80, 0.90])
    det = torch.tensor([0.40, 0.90, 0.35])
    out = select_pseudo_box(cands, cls, det, gamma=1., cls_thr=0.7,
                            det_thr=0.3)
    # scores 0.38, 0.72, 0.315: the class probability alone would pick 0
    assert out['index'] == 1 and out['accepted']
    assert out['score'] == pytest.approx(0.72)
    assert torch.equal(out['box'], cands[1])
    # gamma = 0: the class probability alone
    assert select_pseudo_box(cands, cls, det, gamma=0.)['index'] == 0
    # the winner's class probability under cls_thr: rejected
    out = select_pseudo_box(cands, cls, det, cls_thr=0.85)
    assert out['index'] == 1 and not out['accepted']
    out = select_pseudo_box(torch.zeros((0, 4)), torch.zeros(0),
                            torch.zeros(0))
    assert out['box'] is None and not out['accepted']


def test_crop_rois_margin_and_gradient():
    img = torch.arange(64.).reshape(1, 1, 8, 8).requires_grad_()
    # no margin: the 2x2 crop of rows/cols 2..6 averages its quadrants
    crop = crop_rois(img, torch.tensor([[0., 2., 2., 6., 6.]]), 2,
                     margin=0.)
    assert crop.shape == (1, 1, 2, 2)
    assert crop[0, 0, 0, 0].item() == pytest.approx(
        img[0, 0, 2:4, 2:4].mean().item())
    crop.sum().backward()
    assert img.grad[0, 0, 2:6, 2:6].gt(0).all()
    assert img.grad[0, 0, :2].eq(0).all()
    assert torch.allclose(
        expand_boxes(torch.tensor([[10., 10., 30., 20.]]), 0.1),
        torch.tensor([[8., 9., 32., 21.]]))
