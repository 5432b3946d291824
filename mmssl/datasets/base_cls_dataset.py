# Copyright (c) mmssl contributors. All rights reserved.
from typing import List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset


class BaseClsDataset(BaseDataset):
    """Base class of mmssl's image classification datasets.

    Each item of the data list is a dict with ``gt_label`` (int) and either
    ``img`` (an HxWxC uint8 array held in memory) or ``img_path``. Subclasses
    implement :meth:`load_data_list` and set ``METAINFO['classes']``.

    Args:
        classes (Sequence[str], optional): Class names; overrides the
            dataset's own. Defaults to None.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ``indices``, ``lazy_init`` ...).
    """
    METAINFO: dict = dict(classes=())

    def __init__(self, classes: Optional[Sequence[str]] = None, **kwargs):
        metainfo = dict(kwargs.pop('metainfo', None) or {})
        if classes is not None:
            metainfo['classes'] = tuple(classes)
        kwargs.setdefault('serialize_data', False)
        super().__init__(metainfo=metainfo, **kwargs)

    @property
    def classes(self) -> tuple:
        return tuple(self.metainfo.get('classes', ()))

    def get_gt_labels(self) -> np.ndarray:
        """Ground-truth labels of all samples, in dataset order."""
        return np.array(
            [self.get_data_info(i)['gt_label'] for i in range(len(self))],
            dtype=np.int64)

    def get_cat_ids(self, idx: int) -> List[int]:
        """Category ids of sample ``idx`` (used by class-aware samplers)."""
        return [int(self.get_data_info(idx)['gt_label'])]
