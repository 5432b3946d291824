# Copyright (c) mmssl contributors. All rights reserved.
"""Box extraction (SAT's rule and MaxBoxAccV2's) and the WSOL metric, on
hand-made maps, with the boxes the official code (github.com/wpy1999/SAT:
evaluator.py, utils/func.py) gives on them."""
import numpy as np
import pytest
import torch

from mmssl.evaluation.functional import (
    box_iou_inclusive,
    contour_boxes,
    largest_component_box,
    normalize_loc_map,
    resize_loc_map,
)
from mmssl.evaluation.metrics import WSOLMetric
from mmssl.evaluation.metrics.wsol import gt_boxes_in_map


def spec_map():
    m = np.full((8, 8), 0.1, np.float32)
    m[1:5, 1:4] = 0.9
    m[5, 4] = 0.7  # diagonal neighbour of (4, 3)
    m[6:8, 6:8] = 1.0  # 4 px, the maximum
    m[0, 7] = 0.2
    return m


def test_normalisation():
    n = normalize_loc_map(spec_map())
    assert n[1, 1] == pytest.approx(0.888879, abs=1e-6)
    assert n[5, 4] == pytest.approx(0.666659, abs=1e-6)
    assert n[7, 7] == pytest.approx(0.999989, abs=1e-6)
    assert n[0, 7] == pytest.approx(0.111110, abs=1e-6)
    assert n[0, 0] == 0


def test_largest_component_8_connected():
    n = normalize_loc_map(spec_map())
    box = largest_component_box(n, 0.5)
    assert box.tolist() == [1, 1, 5, 6]  # 13 px through the diagonal
    assert box_iou_inclusive(box, [1, 1, 4, 5])[0, 0] == pytest.approx(
        0.666667, abs=1e-6)
    box = largest_component_box(n, 0.7)
    assert box.tolist() == [1, 1, 4, 5]
    assert box_iou_inclusive(box, [1, 1, 4, 5])[0, 0] == 1.0


@pytest.mark.parametrize('t,box,iou', [(0.3, [3, 3, 20, 24], 0.484848),
                                       (0.5, [4, 4, 16, 20], 0.868778),
                                       (0.7, [5, 5, 15, 19], 0.859375)])
def test_upsampled_map_boxes(t, box, iou):
    up = resize_loc_map(normalize_loc_map(spec_map()), (32, 32))
    got = largest_component_box(up, t)
    assert got.tolist() == box
    assert box_iou_inclusive(got, [4, 4, 15, 19])[0, 0] == pytest.approx(
        iou, abs=1e-6)


def test_constant_map_gives_the_whole_image():
    n = normalize_loc_map(np.ones((8, 8)))
    assert largest_component_box(n, 0.5).tolist() == [0, 0, 8, 8]


def test_contour_boxes_one_per_region():
    n = normalize_loc_map(spec_map())
    boxes = contour_boxes(n, [0.5, 0.95])
    # at 0.5: the 13-px region and the 2x2 corner (ends clipped to W - 1)
    assert sorted(boxes[0].tolist()) == [[1, 1, 5, 6], [6, 6, 7, 7]]
    assert boxes[1].tolist() == [[6, 6, 7, 7]]
    empty = contour_boxes(np.zeros((4, 4), np.float32), [0.5])
    assert empty[0].tolist() == [[0, 0, 0, 0]]


def test_iou_inclusive_convention():
    assert box_iou_inclusive([0, 0, 1, 1], [0, 0, 1, 1])[0, 0] == 1
    # [0,0,1,1] covers 4 px, [1,1,2,2] 4 px, overlap 1 px
    assert box_iou_inclusive([0, 0, 1, 1], [1, 1, 2, 2])[0, 0] == \
        pytest.approx(1 / 7)
    assert box_iou_inclusive([0, 0, 1, 1], [5, 5, 6, 6])[0, 0] == 0


def test_gt_boxes_clipped_and_truncated():
    boxes = gt_boxes_in_map([[-3.5, 2.7, 40.2, 31.9]], 32, 32)
    assert boxes.tolist() == [[0, 2, 31, 31]]


def _sample(loc_map, gt_boxes, label, score):
    return dict(loc_map=torch.as_tensor(loc_map),
                gt_bboxes=torch.as_tensor(gt_boxes, dtype=torch.float32),
                gt_label=torch.tensor([label]),
                pred_score=torch.as_tensor(score))


def test_wsol_metric_hand_made():
    n = normalize_loc_map(spec_map())
    metric = WSOLMetric(thresholds=(0.5, 0.7), topk=2)
    metric.process(None, [
        # box at 0.5 has IoU 0.67, at 0.7 IoU 1; class right
        _sample(n, [[1, 1, 4, 5]], 0, [0.7, 0.2, 0.1]),
        # same map, class wrong at top-1 but in the top-2
        _sample(n, [[1, 1, 4, 5]], 1, [0.7, 0.2, 0.1]),
        # a box far away: never localised
        _sample(n, [[0, 6, 2, 7]], 2, [0.1, 0.2, 0.7]),
    ])
    out = metric.compute_metrics(metric.results)
    assert out['top1_cls'] == pytest.approx(200 / 3)
    assert out['top5_cls'] == 100
    assert out['gt_known_loc@0.50'] == pytest.approx(200 / 3)
    assert out['gt_known_loc@0.70'] == pytest.approx(200 / 3)
    assert out['top1_loc@0.50'] == pytest.approx(100 / 3)
    # ties keep the first threshold; both give the same numbers here
    assert out['best_threshold'] == 0.5
    assert out['gt_known_loc'] == pytest.approx(200 / 3)
    assert out['top1_loc'] == pytest.approx(100 / 3)
    assert out['top5_loc'] == pytest.approx(200 / 3)
    # MaxBoxAccV2: best contour box per image, best of 100 thresholds
    assert 0 <= out['maxboxacc@iou70'] <= out['maxboxacc@iou50'] <= \
        out['maxboxacc@iou30'] <= 100
    assert out['maxboxacc@iou50'] == pytest.approx(200 / 3)
    assert out['maxboxacc_v2'] == pytest.approx(
        np.mean([out[f'maxboxacc@iou{d}'] for d in (30, 50, 70)]))


def test_wsol_metric_needs_boxes():
    metric = WSOLMetric()
    with pytest.raises(KeyError, match='gt_bboxes'):
        metric.process(None, [dict(loc_map=torch.zeros(4, 4),
                                   gt_label=torch.tensor([0]),
                                   pred_score=torch.tensor([1.]))])
