# Copyright (c) mmssl contributors. All rights reserved.
import logging
import math
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from sklearn.metrics import roc_auc_score

from mmssl.registry import METRICS


def _to_int(value) -> int:
    if isinstance(value, torch.Tensor):
        return int(value.reshape(-1)[0])
    return int(np.asarray(value).reshape(-1)[0])


def _to_float(value) -> float:
    if isinstance(value, torch.Tensor):
        return float(value.detach().reshape(-1)[0])
    return float(np.asarray(value).reshape(-1)[0])


@METRICS.register_module()
class OpenSetMetric(BaseMetric):
    """Metrics of open-set semi-supervised classification, in percent.

    The test set follows :class:`~mmssl.datasets.OpenSetTestDataset`: the
    ``K`` seen classes are labelled ``0..K-1`` and every unseen class is
    labelled ``K``. ``K`` is the length of ``pred_score`` (and must match
    ``dataset_meta['num_seen_classes']`` when the dataset sets it).

    Fields read from each predicted sample (a dict):

    - ``pred_score`` (Tensor, required): the ``K`` closed-set class
      probabilities.
    - ``gt_label`` (Tensor, required): ``0..K`` as above.
    - ``ood_score`` (float | Tensor, optional): the outlier score, higher
      meaning more likely unseen. Defaults to ``1 - max(pred_score)``, the
      maximum-softmax-probability (MSP) baseline, which assumes that
      ``pred_score`` holds probabilities.
    - ``open_pred_label`` (int | Tensor, optional): the method's own
      ``(K+1)``-way decision, ``K`` meaning "unseen".

    Returned keys (with the default prefix):

    - ``openset/closed_acc``: top-1 accuracy (argmax of ``pred_score``) on
      the seen-class samples only.
    - ``openset/auroc``: area under the ROC curve of ``ood_score`` for
      telling unseen (positive) from seen samples
      (:func:`sklearn.metrics.roc_auc_score`); threshold-free.
    - ``openset/balanced_acc``: the mean recall over the ``K+1`` classes
      (the seen classes and "unseen" as one class) that occur in the
      ground truth. The ``(K+1)``-way prediction of a sample is its
      ``open_pred_label`` when given, else ``K`` if
      ``ood_score > ood_threshold``, else the argmax of ``pred_score``.
    - ``openset/unknown_recall``: the share of unseen samples whose
      ``(K+1)``-way prediction is "unseen" (the last term of
      ``balanced_acc``); ``openset/seen_rejected``: the share of seen
      samples predicted "unseen". Both ``nan`` without such samples.

    A value that is undefined on the evaluated samples (``closed_acc``
    without seen samples, ``auroc`` without both seen and unseen samples) is
    ``nan``, and a warning says why; the other metrics are still computed.

    Args:
        ood_threshold (float): Outlier-score threshold used by
            ``balanced_acc`` for samples without ``open_pred_label``.
            Defaults to 0.5 (with the MSP default: unseen when the top class
            probability is below 0.5).
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'openset'``.
    """
    default_prefix: Optional[str] = 'openset'

    def __init__(self,
                 ood_threshold: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ood_threshold = float(ood_threshold)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            score = torch.as_tensor(sample['pred_score']).detach().cpu()
            score = score.float().reshape(-1)
            ood = sample.get('ood_score')
            if ood is None:  # maximum-softmax-probability baseline
                ood = 1.0 - float(score.max())
            else:
                ood = _to_float(ood)
            open_pred = sample.get('open_pred_label')
            self.results.append(dict(
                num_seen=int(score.numel()),
                closed_pred=int(score.argmax()),
                label=_to_int(sample['gt_label']),
                ood_score=ood,
                open_pred=None if open_pred is None else _to_int(open_pred)))

    def compute_metrics(self, results: list) -> dict:
        num_seen = {r['num_seen'] for r in results}
        if len(num_seen) != 1:
            raise ValueError('all `pred_score`s must have the same length, '
                             f'got lengths {sorted(num_seen)}')
        k = num_seen.pop()
        expected = (self.dataset_meta or {}).get('num_seen_classes')
        if expected is not None and int(expected) != k:
            raise ValueError(f'pred_score has {k} classes but the dataset '
                             f'has {expected} seen classes')
        labels = np.array([r['label'] for r in results])
        if labels.min() < 0 or labels.max() > k:
            raise ValueError(f'gt labels must be in 0..{k} ({k} seen classes '
                             f'+ unseen={k}), got {labels.min()}..'
                             f'{labels.max()}')
        closed_pred = np.array([r['closed_pred'] for r in results])
        ood = np.array([r['ood_score'] for r in results], dtype=float)
        unseen = labels == k

        out = {}
        if unseen.all():
            self._warn('closed_acc is undefined: no seen-class sample')
            out['closed_acc'] = math.nan
        else:
            out['closed_acc'] = float(
                (closed_pred[~unseen] == labels[~unseen]).mean()) * 100

        if unseen.all() or not unseen.any():
            kind = 'unseen' if unseen.all() else 'seen'
            self._warn(f'auroc is undefined: all {len(labels)} samples are '
                       f'{kind}; it needs both seen and unseen samples')
            out['auroc'] = math.nan
        elif not np.isfinite(ood).all():
            self._warn('auroc is undefined: non-finite ood_score')
            out['auroc'] = math.nan
        else:
            out['auroc'] = float(roc_auc_score(unseen, ood)) * 100

        open_pred = np.array([
            r['open_pred'] if r['open_pred'] is not None else
            (k if r['ood_score'] > self.ood_threshold else r['closed_pred'])
            for r in results])
        recalls = [(open_pred[labels == c] == c).mean()
                   for c in np.unique(labels)]
        out['balanced_acc'] = float(np.mean(recalls)) * 100
        out['unknown_recall'] = float((open_pred[unseen] == k).mean()) * 100 \
            if unseen.any() else math.nan
        # Seen-class test images wrongly rejected as unknown.
        out['seen_rejected'] = float((open_pred[~unseen] == k).mean()) * 100 \
            if (~unseen).any() else math.nan
        return out

    @staticmethod
    def _warn(msg: str) -> None:
        print_log(f'OpenSetMetric: {msg}; reporting nan.', logger='current',
                  level=logging.WARNING)
