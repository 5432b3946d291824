# Copyright (c) mmssl contributors. All rights reserved.
"""Per-class Dice and HD95 (mm) of volumetric segmentations."""
import json
import os
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmssl.evaluation.functional import dice_score, hd95
from mmssl.registry import METRICS


@METRICS.register_module()
class VolumeSegMetric(BaseMetric):
    """Dice and 95th-percentile Hausdorff distance per foreground class.

    Each sample carries ``pred_seg`` and ``gt_seg`` (integer label volumes
    of the same shape) and ``spacing`` (voxel size along the array's axes)
    in its metainfo, so HD95 is in millimetres. With ``original_grid``
    (the default) and a sample that records its label file and geometry
    (``seg_map_path``, ``geometry``: the NIfTI pipeline's), the prediction
    is first brought back to the label file's grid (reorientation and
    resampling undone) and compared with the label as stored, at the
    file's spacing: Dice and HD95 at the original resolution. Per class,
    the metric is the mean over volumes; HD95 skips volumes where the
    class is absent from the prediction or the ground truth (it is
    undefined there; the count of such volumes is reported as
    ``hd95_undefined/<class>``).

    Args:
        classes (Sequence[str], optional): Class names, background first;
            defaults to the dataset's ``classes``.
        ignore_background (bool): Skip class 0. Defaults to True.
        original_grid (bool): Evaluate on the label file's grid when
            the sample allows it. Defaults to True.
        prefix (str, optional): Defaults to ``'seg3d'``.
        per_case_file (str, optional): Also write every volume's Dice (%)
            and HD95 (mm) per class to this JSON file (a list of
            ``{"case", "dice": {class: value}, "hd95": {class: value}}``,
            HD95 ``null`` where undefined), for statistics over cases.
            Defaults to None (not written).
    """
    default_prefix: Optional[str] = 'seg3d'

    def __init__(self,
                 classes: Optional[Sequence[str]] = None,
                 ignore_background: bool = True,
                 original_grid: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 per_case_file: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.per_case_file = per_case_file
        self.classes = None if classes is None else tuple(classes)
        self.ignore_background = ignore_background
        self.original_grid = original_grid

    def _names(self) -> tuple:
        if self.classes is not None:
            return self.classes
        meta = self.dataset_meta or {}
        return tuple(meta.get('classes', ()))

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            for key in ('pred_seg', 'gt_seg'):
                if key not in sample:
                    raise KeyError(f'VolumeSegMetric needs `{key}` in '
                                   f'every sample; got {sorted(sample)}')
            pred = torch.as_tensor(sample['pred_seg']).cpu().numpy()
            gt = torch.as_tensor(sample['gt_seg']).cpu().numpy()
            pred, gt = pred.reshape(pred.shape[-3:]), gt.reshape(
                gt.shape[-3:])
            spacing = sample.get('spacing')
            if self.original_grid and sample.get('seg_map_path') and \
                    sample.get('geometry') is not None:
                from mmssl.datasets.transforms.volume import (
                    invert_geometry,
                    load_nifti,
                    unpack_label,
                )
                pred = invert_geometry(unpack_label(pred),
                                       sample['geometry'])
                gt, affine, _ = load_nifti(sample['seg_map_path'],
                                          kind='label')
                gt = np.rint(np.asarray(gt)).astype(np.int64)
                spacing = tuple(np.linalg.norm(affine[:3, :3], axis=0))
            if pred.shape != gt.shape:
                raise ValueError(
                    f'prediction {pred.shape} and ground truth {gt.shape} '
                    f'of {sample.get("img_path")} differ in shape')
            num = max(len(self._names()), int(gt.max()) + 1,
                      int(pred.max()) + 1)
            start = 1 if self.ignore_background else 0
            self.results.append(dict(
                dice=[dice_score(pred == c, gt == c)
                      for c in range(start, num)],
                hd95=[hd95(pred == c, gt == c, spacing)
                      for c in range(start, num)],
                start=start,
                case=osp.basename(str(sample.get('img_path', '')))))

    def compute_metrics(self, results: List[dict]) -> dict:
        names = self._names()
        start = results[0]['start']
        num = max(len(r['dice']) for r in results)
        metrics = {}
        dices, hds = [], []
        for k in range(num):
            c = start + k
            name = names[c] if c < len(names) else str(c)
            d = [r['dice'][k] for r in results if k < len(r['dice'])]
            h = np.array([r['hd95'][k] for r in results
                          if k < len(r['hd95'])], dtype=float)
            metrics[f'dice/{name}'] = float(np.mean(d) * 100)
            defined = h[~np.isnan(h)]
            metrics[f'hd95/{name}'] = float(defined.mean()) \
                if len(defined) else float('nan')
            metrics[f'hd95_undefined/{name}'] = int(np.isnan(h).sum())
            dices.append(metrics[f'dice/{name}'])
            hds.append(metrics[f'hd95/{name}'])
        if self.per_case_file:
            self._write_per_case(results, names, start)
        metrics['mDice'] = float(np.mean(dices))
        metrics['mHD95'] = float(np.nanmean(hds)) if not np.all(
            np.isnan(hds)) else float('nan')
        return metrics

    def _write_per_case(self, results: List[dict], names, start: int):
        rows = []
        for r in results:
            row = dict(case=r.get('case', ''), dice={}, hd95={})
            for k, (d, h) in enumerate(zip(r['dice'], r['hd95'])):
                c = start + k
                name = names[c] if c < len(names) else str(c)
                row['dice'][name] = float(d * 100)
                row['hd95'][name] = None if np.isnan(h) else float(h)
            rows.append(row)
        folder = osp.dirname(osp.abspath(self.per_case_file))
        os.makedirs(folder, exist_ok=True)
        with open(self.per_case_file, 'w') as f:
            json.dump(rows, f, indent=1)
