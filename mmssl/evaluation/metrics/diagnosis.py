# Copyright (c) mmssl contributors. All rights reserved.
"""Image-level diagnosis metrics of a lesion detector/classifier
(TSDDNet): AUC, accuracy, sensitivity and specificity."""
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from sklearn.metrics import roc_auc_score

from mmssl.registry import METRICS


@METRICS.register_module()
class DiagnosisMetric(BaseMetric):
    """Binary diagnosis metrics from each sample's ``diag_scores`` (class
    probabilities) against its ``img_label`` (the diagnosis index).

    ``positive`` is the index of the positive class (malignant);
    sensitivity = TP / (TP + FN), specificity = TN / (TN + FP), both at
    ``p(positive) >= thr``; AUC is the ROC area of ``p(positive)`` (NaN
    when the evaluated set has one class only). All in percent.

    Args:
        positive (int): Positive class index. Defaults to 1.
        thr (float): Decision threshold on ``p(positive)``. Defaults to 0.5.
        collect_device (str): See :class:`mmengine.evaluator.BaseMetric`.
        prefix (str, optional): Defaults to ``'diag'``.
    """
    default_prefix = 'diag'

    def __init__(self, positive: int = 1, thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.positive = positive
        self.thr = thr

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'diag_scores' not in sample:
                raise KeyError(
                    'DiagnosisMetric needs predictions with "diag_scores"; '
                    'the model does not output a diagnosis')
            if 'img_label' not in sample:
                raise KeyError('DiagnosisMetric needs "img_label" in the '
                               "samples' meta keys (PackDetInputs "
                               'meta_keys)')
            scores = torch.as_tensor(sample['diag_scores']).float().cpu()
            self.results.append(
                (int(sample['img_label']), float(scores[self.positive])))

    def compute_metrics(self, results: List) -> dict:
        labels = np.array([r[0] for r in results]) == self.positive
        scores = np.array([r[1] for r in results])
        pred = scores >= self.thr
        tp, tn = int((pred & labels).sum()), int((~pred & ~labels).sum())
        pos, neg = int(labels.sum()), int((~labels).sum())
        auc = roc_auc_score(labels, scores) if pos and neg else float('nan')
        return dict(
            auc=100 * float(auc),
            accuracy=100 * (tp + tn) / max(len(labels), 1),
            sensitivity=100 * tp / pos if pos else float('nan'),
            specificity=100 * tn / neg if neg else float('nan'))
