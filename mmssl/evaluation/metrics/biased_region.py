# Copyright (c) mmssl contributors. All rights reserved.
"""False positives of a class on a region that is background in the
ground truth but biased towards that class (MARS's railroad under a
train, Jo et al., ICCV 2023, Fig. 1d; the benchmark is ours,
configs/mars/README.md explains)."""
import os.path as osp
from typing import Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric

from mmssl.registry import METRICS


@METRICS.register_module()
class BiasedRegionMetric(BaseMetric):
    """Share (%) of biased-region pixels predicted as ``biased_class``.

    The region of each image is a PNG (non-zero inside) with the image's
    name, in ``region_dir`` or, by default, in ``BiasedRegion/`` next to
    the image directory (the layout of
    :func:`~mmssl.datasets.synthetic.make_biased_voc`). Reported as
    ``fpr`` (pooled over pixels) and ``fpr_img`` (mean over images with a
    region).

    Args:
        biased_class (int | str): Class index or name.
        region_dir (str, optional): Directory of the region PNGs.
        region_subdir (str): Without ``region_dir``, the folder next to
            the image directory that holds them: ``'BiasedRegion'`` (the
            whole region) or ``'BiasedRegionFar'`` (its pixels far from
            the object, written by ``make_biased_voc``).
        prefix (str, optional): Defaults to ``'biased'``.
    """
    default_prefix: Optional[str] = 'biased'

    def __init__(self,
                 biased_class: Union[int, str],
                 region_dir: Optional[str] = None,
                 region_subdir: str = 'BiasedRegion',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.biased_class = biased_class
        self.region_dir = region_dir
        self.region_subdir = region_subdir

    def _class_index(self) -> int:
        if isinstance(self.biased_class, int):
            return self.biased_class
        classes = (self.dataset_meta or {}).get('classes', ())
        if self.biased_class not in classes:
            raise KeyError(f'biased_class {self.biased_class!r} is not one '
                           f'of the dataset classes {tuple(classes)}')
        return list(classes).index(self.biased_class)

    def _region_path(self, img_path: str) -> str:
        name = osp.splitext(osp.basename(img_path))[0] + '.png'
        if self.region_dir is not None:
            return osp.join(self.region_dir, name)
        root = osp.dirname(osp.dirname(img_path))
        return osp.join(root, self.region_subdir, name)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        from mmssl.datasets.wsss import read_mask
        cls = self._class_index()
        for sample in data_samples:
            pred = sample['pred_sem_seg']['data'].squeeze(0).cpu().numpy()
            region = read_mask(self._region_path(sample['img_path'])) > 0
            if region.shape != pred.shape:
                raise ValueError(
                    f"region {self._region_path(sample['img_path'])} is "
                    f'{region.shape} but the prediction is {pred.shape}')
            self.results.append((int((region & (pred == cls)).sum()),
                                 int(region.sum())))

    def compute_metrics(self, results: list) -> dict:
        fp = np.array([r[0] for r in results], dtype=np.float64)
        n = np.array([r[1] for r in results], dtype=np.float64)
        has = n > 0
        return dict(
            fpr=float(fp.sum() / max(n.sum(), 1) * 100),
            fpr_img=float((fp[has] / n[has]).mean() * 100) if has.any()
            else float('nan'))
