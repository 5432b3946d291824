# Copyright (c) mmssl contributors. All rights reserved.
import torch

from mmssl.registry import METRICS


def _samples(scores, labels):
    return [dict(pred_score=torch.tensor(s), gt_label=torch.tensor([y]))
            for s, y in zip(scores, labels)]


def test_accuracy_hand_computed():
    metric = METRICS.build(dict(type='Accuracy', topk=(1, 2)))
    scores = [[0.7, 0.2, 0.1],   # pred 0, label 0: top1 hit
              [0.5, 0.4, 0.1],   # pred 0, label 1: top2 hit
              [0.1, 0.2, 0.7],   # pred 2, label 2: top1 hit
              [0.6, 0.1, 0.3]]   # pred 0, label 1: miss (top2 = 0, 2)
    labels = [0, 1, 2, 1]
    metric.process(None, _samples(scores, labels))
    out = metric.evaluate(4)
    assert out['accuracy/top1'] == 50.0
    assert out['accuracy/top2'] == 75.0
    # recalls: class0 1/1, class1 0/2, class2 1/1 -> mean 2/3
    assert abs(out['accuracy/balanced'] - 200 / 3) < 1e-9
