# Copyright (c) mmssl contributors. All rights reserved.
import pytest
import torch

from mmssl.evaluation.functional import pseudo_label_quality


def _box(x, y, length=4., width=2.):
    return [x, y, -1., length, width, 1.5, 0.]


def test_precision_recall_per_class_and_threshold():
    gt = (torch.tensor([_box(10, 0), _box(20, 5), _box(30, -5, 0.8, 0.8)]),
          torch.tensor([1, 1, 0]))
    # a car found well (IoU 1), a car found shifted by 1 m (IoU 0.6), a
    # false car, a pedestrian found
    pred = (torch.tensor([_box(10, 0), _box(21, 5), _box(40, 10),
                          _box(30, -5, 0.8, 0.8)]),
            torch.tensor([0.9, 0.5, 0.3, 0.2]), torch.tensor([1, 1, 1, 0]))
    rows = pseudo_label_quality([pred], [gt], [0.1, 0.4, 0.95], [0.5, 0.7])
    low, mid, high = rows
    assert low[1]['num_pred'] == 3 and low[1]['num_gt'] == 2
    assert low[1]['precision'] == pytest.approx(1 / 3)  # IoU 0.6 < 0.7
    assert low[1]['recall'] == pytest.approx(1 / 2)
    assert low[0]['precision'] == 1 and low[0]['recall'] == 1
    assert mid[1]['precision'] == pytest.approx(1 / 2)
    assert mid[0]['num_pred'] == 0 and mid[0]['recall'] == 0
    assert high[1]['per_scene'] == 0 and high[1]['precision'] == 0
    # at IoU 0.5 the shifted car counts
    loose = pseudo_label_quality([pred], [gt], [0.4], [0.5, 0.5])[0]
    assert loose[1]['precision'] == 1 and loose[1]['recall'] == 1


def test_scene_counts_must_match():
    with pytest.raises(ValueError, match='scenes'):
        pseudo_label_quality([], [(torch.zeros(0, 7), torch.zeros(0))],
                             [0.4], [0.5])
