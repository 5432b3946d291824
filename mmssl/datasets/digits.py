# Copyright (c) mmssl contributors. All rights reserved.
from typing import List

import numpy as np

from mmssl.registry import DATASETS

from .base_cls_dataset import BaseClsDataset


def digits_split(seed: int, test_size: float = 0.3):
    """The digits protocol's stratified train/test split.

    ``sklearn.datasets.load_digits`` with a ``test_size`` stratified split
    and ``random_state=seed`` (mmssl's digits benchmark protocol).

    Returns:
        tuple: ``(images, labels, train_idx, test_idx)``; images are
        (N, 8, 8) uint8 arrays scaled from sklearn's 0..16 to 0..255.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    images = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    labels = digits.target.astype(np.int64)
    index = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        index, test_size=test_size, random_state=seed, stratify=labels)
    return images, labels, np.sort(train_idx), np.sort(test_idx)


@DATASETS.register_module()
class DigitsDataset(BaseClsDataset):
    """scikit-learn's bundled handwritten digits (real data, no download).

    1,797 grayscale 8x8 images of the digits 0-9 (the UCI optical
    recognition test set), shipped inside scikit-learn. Pixels are scaled
    from 0..16 to 0..255 and returned as (8, 8, 1) uint8 images.

    Args:
        split (str): ``'train'``, ``'test'`` or ``'all'``. Defaults to
            ``'train'``.
        seed (int): ``random_state`` of the stratified split. Defaults to 0.
        test_size (float): Fraction held out for testing. Defaults to 0.3.
        **kwargs: Passed to :class:`BaseClsDataset`.
    """
    METAINFO = dict(classes=tuple(str(i) for i in range(10)))

    def __init__(self,
                 split: str = 'train',
                 seed: int = 0,
                 test_size: float = 0.3,
                 **kwargs):
        if split not in ('train', 'test', 'all'):
            raise ValueError(
                f"DigitsDataset split must be 'train', 'test' or 'all', "
                f'got {split!r}')
        self.split = split
        self.seed = seed
        self.test_size = test_size
        kwargs.setdefault('data_root', '')
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        images, labels, train_idx, test_idx = digits_split(
            self.seed, self.test_size)
        index = dict(
            train=train_idx, test=test_idx,
            all=np.arange(len(labels)))[self.split]
        return [
            dict(img=images[i][..., None], gt_label=int(labels[i]),
                 source_idx=int(i))
            for i in index
        ]
