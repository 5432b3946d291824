# Copyright (c) mmssl contributors. All rights reserved.
import glob
import json
import math
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmssl.evaluation.metrics import ConfusionMatrix
from mmssl.registry import METRICS
from mmssl.utils.checkpoint import safe_torch_load
from tests.helpers.runner_utils import DIGITS_CFG, small_digits_cfg


def _onehot(pred, num_classes):
    score = torch.full((num_classes, ), 0.1)
    score[pred] = 0.8
    return score


def _samples(preds, labels, num_classes=3, **extra):
    out = []
    for i, (p, y) in enumerate(zip(preds, labels)):
        sample = dict(pred_score=_onehot(p, num_classes),
                      gt_label=torch.tensor([y]))
        for key, values in extra.items():
            if values[i] is not None:
                sample[key] = values[i]
        out.append(sample)
    return out


def _evaluate(cfg, samples):
    metric = METRICS.build(cfg)
    metric.process(None, samples)
    return metric.evaluate(len(samples))


# labels 0 0 1 1 2 2, predictions 0 1 1 1 0 2:
#   class 0: TP 1 FP 1 FN 1 -> P 1/2, R 1/2, F1 1/2
#   class 1: TP 2 FP 1 FN 0 -> P 2/3, R 1,   F1 4/5
#   class 2: TP 1 FP 0 FN 1 -> P 1,   R 1/2, F1 2/3
LABELS = [0, 0, 1, 1, 2, 2]
PREDS = [0, 1, 1, 1, 0, 2]


def test_single_label_hand_computed():
    out = _evaluate(dict(type='SingleLabelMetric'),
                    _samples(PREDS, LABELS))
    assert out['single-label/precision'] == pytest.approx(100 * 13 / 18)
    assert out['single-label/recall'] == pytest.approx(100 * 2 / 3)
    assert out['single-label/f1-score'] == pytest.approx(100 * 59 / 90)
    assert out['single-label/precision_classwise'] == pytest.approx(
        [50.0, 66.6667, 100.0])
    assert out['single-label/recall_classwise'] == pytest.approx(
        [50.0, 100.0, 50.0])
    assert out['single-label/f1-score_classwise'] == pytest.approx(
        [50.0, 80.0, 66.6667])
    assert out['single-label/support_classwise'] == [2, 2, 2]
    # Plain Python values: json-serialisable, safe in checkpoints.
    for value in out.values():
        json.dumps(value)
        assert isinstance(value, (float, list))


def test_single_label_modes_and_absent_class():
    # A 4th class, never present nor predicted, counts as 0 in the macro
    # average (sklearn's zero_division=0 over all classes).
    out = _evaluate(dict(type='SingleLabelMetric', classwise='scalar'),
                    _samples(PREDS, LABELS, num_classes=4))
    assert out['single-label/recall'] == pytest.approx(100 * 2 / 4)
    assert out['single-label/recall_1'] == pytest.approx(100.0)
    assert out['single-label/precision_3'] == 0.0
    assert not any(k.endswith('_classwise') for k in out)

    metric = METRICS.build(dict(type='SingleLabelMetric', classwise='scalar'))
    metric.dataset_meta = dict(classes=('cat', 'dog', 'bird'))
    metric.process(None, _samples(PREDS, LABELS))
    out = metric.evaluate(len(LABELS))
    assert out['single-label/f1-score_dog'] == pytest.approx(80.0)

    out = _evaluate(dict(type='SingleLabelMetric', classwise='none'),
                    _samples(PREDS, LABELS))
    assert sorted(out) == ['single-label/f1-score', 'single-label/precision',
                           'single-label/recall']
    with pytest.raises(ValueError, match='classwise'):
        METRICS.build(dict(type='SingleLabelMetric', classwise='yes'))


def test_single_label_pred_label_only():
    samples = [dict(pred_label=torch.tensor([p]), gt_label=torch.tensor([y]))
               for p, y in zip(PREDS, LABELS)]
    out = _evaluate(dict(type='SingleLabelMetric', num_classes=3), samples)
    assert out['single-label/recall_classwise'] == pytest.approx(
        [50.0, 100.0, 50.0])


def test_confusion_matrix_hand_computed(tmp_path):
    out = _evaluate(dict(type='ConfusionMatrix'), _samples(PREDS, LABELS))
    matrix = out['confusion_matrix/result']
    # rows: true class, columns: predicted class
    assert matrix == [[1, 1, 0],
                      [0, 2, 0],
                      [1, 0, 1]]
    assert all(type(v) is int for row in matrix for v in row)
    json.dumps(matrix)

    pytest.importorskip('matplotlib')
    out_file = str(tmp_path / 'sub' / 'cm.png')
    fig = ConfusionMatrix.plot(matrix, ['a', 'b', 'c'], out_file)
    assert osp.getsize(out_file) > 0
    assert fig.axes[0].get_xlabel() == 'Predicted label'
    ConfusionMatrix.plot(torch.tensor(matrix), normalize=True)
    with pytest.raises(ValueError, match='class names'):
        ConfusionMatrix.plot(matrix, ['a', 'b'])


# Open set, K = 2 seen classes, label 2 = unseen.
#   label  pred_score  ood   argmax  (K+1)-way at threshold 0.5
#   0      .8 .2       .1    0 ok    0 ok
#   0      .3 .7       .5    1 bad   1 bad (0.5 is not > 0.5)
#   1      .4 .6       .3    1 ok    1 ok
#   2      .6 .4       .9    -       2 ok
#   2      .1 .9       .4    -       1 bad
OS_SCORES = [[.8, .2], [.3, .7], [.4, .6], [.6, .4], [.1, .9]]
OS_LABELS = [0, 0, 1, 2, 2]
OS_OOD = [0.1, 0.5, torch.tensor(0.3), 0.9, np.float32(0.4)]


def _open_samples(scores, labels, **extra):
    out = []
    for i, (s, y) in enumerate(zip(scores, labels)):
        sample = dict(pred_score=torch.tensor(s), gt_label=torch.tensor([y]))
        for key, values in extra.items():
            if values[i] is not None:
                sample[key] = values[i]
        out.append(sample)
    return out


def test_openset_hand_computed():
    out = _evaluate(dict(type='OpenSetMetric'),
                    _open_samples(OS_SCORES, OS_LABELS, ood_score=OS_OOD))
    assert out['openset/closed_acc'] == pytest.approx(100 * 2 / 3)
    # unseen .9 beats all 3 seen scores, .4 beats .1 and .3: 5 of 6 pairs
    assert out['openset/auroc'] == pytest.approx(100 * 5 / 6)
    # recalls: class 0 1/2, class 1 1/1, unseen 1/2
    assert out['openset/balanced_acc'] == pytest.approx(100 * 2 / 3)


def test_openset_open_pred_label():
    # The method's own decisions, all correct: balanced 100, the closed
    # accuracy and AUROC do not use them.
    out = _evaluate(dict(type='OpenSetMetric'), _open_samples(
        OS_SCORES, OS_LABELS, ood_score=OS_OOD,
        open_pred_label=[torch.tensor([0]), 0, torch.tensor([1]), 2, 2]))
    assert out['openset/balanced_acc'] == pytest.approx(100.0)
    assert out['openset/closed_acc'] == pytest.approx(100 * 2 / 3)
    assert out['openset/auroc'] == pytest.approx(100 * 5 / 6)
    # Only the last sample has one (2, correct); the others use the
    # threshold: class 0 1/2, class 1 1/1, unseen 2/2.
    out = _evaluate(dict(type='OpenSetMetric'), _open_samples(
        OS_SCORES, OS_LABELS, ood_score=OS_OOD,
        open_pred_label=[None, None, None, None, torch.tensor([2])]))
    assert out['openset/balanced_acc'] == pytest.approx(100 * 5 / 6)


def test_openset_msp_fallback_and_threshold():
    # No ood_score: 1 - max(pred_score) = .1, .45 (seen), .4, .5 (unseen).
    scores = [[.9, .1], [.45, .55], [.6, .4], [.5, .5]]
    labels = [0, 1, 2, 2]
    out = _evaluate(dict(type='OpenSetMetric'),
                    _open_samples(scores, labels))
    assert out['openset/closed_acc'] == pytest.approx(100.0)
    # .4 beats .1 only, .5 beats both: 3 of 4 pairs
    assert out['openset/auroc'] == pytest.approx(75.0)
    # threshold .5: no sample is called unseen -> recalls 1, 1, 0
    assert out['openset/balanced_acc'] == pytest.approx(100 * 2 / 3)
    out = _evaluate(dict(type='OpenSetMetric', ood_threshold=0.46),
                    _open_samples(scores, labels))
    # threshold .46: only .5 is unseen -> recalls 1, 1, 1/2
    assert out['openset/balanced_acc'] == pytest.approx(100 * 5 / 6)


def test_openset_undefined_values_are_nan():
    out = _evaluate(dict(type='OpenSetMetric'),
                    _open_samples(OS_SCORES[:3], OS_LABELS[:3]))
    assert math.isnan(out['openset/auroc'])
    assert out['openset/closed_acc'] == pytest.approx(100 * 2 / 3)
    assert out['openset/balanced_acc'] == pytest.approx(100 * 3 / 4)
    out = _evaluate(dict(type='OpenSetMetric'),
                    _open_samples(OS_SCORES[3:], OS_LABELS[3:]))
    assert math.isnan(out['openset/auroc'])
    assert math.isnan(out['openset/closed_acc'])
    with pytest.raises(ValueError, match='gt labels'):
        _evaluate(dict(type='OpenSetMetric'),
                  _open_samples([[.5, .5]], [3]))


def test_openset_warning_message(capsys):
    from mmengine.logging import MMLogger
    MMLogger.get_instance('test_openset_warning')
    _evaluate(dict(type='OpenSetMetric'),
              _open_samples(OS_SCORES[:3], OS_LABELS[:3]))
    captured = capsys.readouterr()
    assert 'auroc is undefined: all 3 samples are seen' in (
        captured.out + captured.err)


def test_metrics_through_runner(tmp_path):
    """A real validation: non-scalar metrics log and checkpoint cleanly."""
    work_dir = str(tmp_path / 'work')
    cfg = small_digits_cfg(work_dir, by_epoch=True, length=2,
                           batch_size=128)
    cfg.default_hooks.logger.interval = 50
    base = Config.fromfile(DIGITS_CFG)
    cfg.val_dataloader = base.val_dataloader
    cfg.val_cfg = dict(type='ValLoop')
    cfg.train_cfg.val_interval = 1
    cfg.val_evaluator = [
        dict(type='Accuracy'),
        dict(type='SingleLabelMetric'),
        dict(type='SingleLabelMetric', classwise='scalar', prefix='sl'),
        dict(type='ConfusionMatrix'),
    ]
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()

    assert 0 <= metrics['accuracy/top1'] <= 100
    assert len(metrics['single-label/precision_classwise']) == 10
    assert metrics['sl/recall_9'] == pytest.approx(
        metrics['single-label/recall_classwise'][9], abs=1e-4)
    matrix = np.array(metrics['confusion_matrix/result'])
    assert matrix.shape == (10, 10)
    assert matrix.sum() == len(runner.val_dataloader.dataset)
    # the diagonal is the top-1 accuracy
    assert 100 * np.trace(matrix) / matrix.sum() == pytest.approx(
        metrics['accuracy/top1'])

    # Text log: every metric, the lists included.
    log_file, = glob.glob(osp.join(runner.log_dir, '*.log'))
    text = open(log_file).read()
    assert 'Epoch(val) [2]' in text
    assert 'single-label/precision_classwise: [' in text
    assert 'confusion_matrix/result: [[' in text

    # json log: scalars of each val epoch, written without error; mmengine
    # leaves non-scalar values out.
    json_file = osp.join(runner.log_dir, 'vis_data',
                         f'{runner.timestamp}.json')
    records = [json.loads(line) for line in open(json_file)]
    val = [r for r in records if 'accuracy/top1' in r]
    assert len(val) == 3  # epochs 1 and 2, then the explicit val_loop.run()
    for record in val:
        assert 'single-label/f1-score' in record
        assert 'sl/precision_0' in record
        assert 'confusion_matrix/result' not in record
        assert 'single-label/precision_classwise' not in record
    assert osp.isfile(osp.join(runner.log_dir, 'vis_data', 'scalars.json'))

    # The message hub, non-scalar metrics included, is saved in the
    # checkpoint after the first val epoch, and loads with weights_only.
    ckpt = safe_torch_load(osp.join(work_dir, 'epoch_2.pth'))
    info = ckpt['message_hub']['runtime_info']
    assert np.array(info['val/confusion_matrix/result']).shape == (10, 10)


def test_openset_checks_num_seen_classes():
    metric = METRICS.build(dict(type='OpenSetMetric'))
    metric.dataset_meta = dict(num_seen_classes=3)
    metric.process(None, _open_samples(OS_SCORES, OS_LABELS))
    with pytest.raises(ValueError, match='3 seen classes'):
        metric.evaluate(len(OS_LABELS))
