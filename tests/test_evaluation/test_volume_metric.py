# Copyright (c) mmssl contributors. All rights reserved.
import math

import numpy as np
import pytest
import torch

from mmssl.evaluation.functional import dice_score, hd95
from mmssl.evaluation.metrics import VolumeSegMetric


def _cube(shape, lo, hi):
    m = np.zeros(shape, bool)
    m[tuple(slice(a, b) for a, b in zip(lo, hi))] = True
    return m


def test_dice_and_hd95_in_millimetres():
    a = _cube((20, 20, 20), (5, 5, 5), (10, 10, 10))
    b = _cube((20, 20, 20), (5, 5, 7), (10, 10, 12))  # shifted 2 along x
    assert dice_score(a, b) == pytest.approx(0.6)
    assert hd95(a, b) == pytest.approx(2.0)
    assert hd95(a, b, spacing=(2., 1., 3.)) == pytest.approx(6.0)
    assert hd95(a, a) == 0
    assert dice_score(np.zeros(3), np.zeros(3)) == 1.0
    assert math.isnan(hd95(a, np.zeros_like(a)))


def test_volume_seg_metric():
    gt = np.zeros((12, 12, 12), np.int64)
    gt[2:8, 2:8, 2:8] = 1
    gt[4:6, 4:6, 4:6] = 2
    pred = gt.copy()
    pred[2:8, 2:8, 8] = 1  # organ one voxel too wide along x
    metric = VolumeSegMetric(classes=('background', 'organ', 'lesion'))
    metric.process(None, [
        dict(pred_seg=torch.from_numpy(pred), gt_seg=torch.from_numpy(gt),
             spacing=(2., 1., 0.5)),
        # a volume whose prediction misses the lesion
        dict(pred_seg=torch.from_numpy(np.where(gt == 2, 1, gt)),
             gt_seg=torch.from_numpy(gt), spacing=(1., 1., 1.)),
    ])
    out = metric.compute_metrics(metric.results)
    organ_1 = dice_score(pred == 1, gt == 1)
    organ_2 = dice_score(np.where(gt == 2, 1, gt) == 1, gt == 1)
    assert out['dice/organ'] == pytest.approx((organ_1 + organ_2) / 2 * 100)
    assert out['dice/lesion'] == pytest.approx(50.0)  # 1 and 0
    assert out['hd95/lesion'] == 0.0  # only the defined volume counts
    assert out['hd95_undefined/lesion'] == 1
    assert out['hd95/organ'] == pytest.approx(
        (hd95(pred == 1, gt == 1, (2., 1., .5)) +
         hd95(np.where(gt == 2, 1, gt) == 1, gt == 1)) / 2)
    assert out['mDice'] == pytest.approx(
        (out['dice/organ'] + out['dice/lesion']) / 2)
    with pytest.raises(ValueError, match='shape'):
        metric.process(None, [dict(pred_seg=torch.zeros(2, 2, 2),
                                   gt_seg=torch.zeros(2, 2, 3))])
