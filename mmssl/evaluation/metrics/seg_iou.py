# Copyright (c) mmssl contributors. All rights reserved.
from collections import OrderedDict

import numpy as np
from mmseg.evaluation import IoUMetric

from mmssl.registry import METRICS


@METRICS.register_module()
class ClasswiseIoUMetric(IoUMetric):
    """mmseg's ``IoUMetric`` that also returns every class's IoU as
    ``IoU.<class>`` (mmseg only prints them), so logs, ``scalars.json``
    and the leaderboard can read them."""

    def compute_metrics(self, results: list) -> dict:
        metrics = super().compute_metrics(results)
        if not results:
            return metrics
        totals = [sum(r[i] for r in results) for i in range(4)]
        inter, union = (np.asarray(t.cpu() if hasattr(t, 'cpu') else t,
                                   dtype=np.float64) for t in totals[:2])
        with np.errstate(invalid='ignore', divide='ignore'):
            iou = inter / union * 100
        out = OrderedDict(metrics)
        for name, value in zip(self.dataset_meta['classes'], iou):
            out[f'IoU.{name}'] = round(float(value), 2)
        return out
