# Copyright (c) mmssl contributors. All rights reserved.
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmssl.registry import METRICS


@METRICS.register_module()
class Accuracy(BaseMetric):
    """Top-k accuracy and balanced (mean per-class) accuracy, in percent.

    Reads ``pred_score`` and ``gt_label`` from the predicted
    :class:`ClsDataSample` dicts.

    Args:
        topk (int | tuple[int]): The k of the top-k accuracies.
            Defaults to 1.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'accuracy'`` -> ``accuracy/top1``.
    """
    default_prefix: Optional[str] = 'accuracy'

    def __init__(self,
                 topk=1,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = (topk, ) if isinstance(topk, int) else tuple(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(
                dict(score=sample['pred_score'].detach().cpu().float(),
                     label=int(sample['gt_label'][0])))

    def compute_metrics(self, results: list) -> dict:
        scores = torch.stack([r['score'] for r in results])
        labels = torch.tensor([r['label'] for r in results])
        out = {}
        for k in self.topk:
            k_ = min(k, scores.size(1))
            hit = scores.topk(k_, dim=1).indices.eq(labels[:, None]).any(1)
            out[f'top{k}'] = hit.float().mean().item() * 100
        pred = scores.argmax(1).numpy()
        y = labels.numpy()
        recalls = [(pred[y == c] == c).mean() for c in np.unique(y)]
        out['balanced'] = float(np.mean(recalls)) * 100
        return out
