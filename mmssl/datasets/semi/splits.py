# Copyright (c) mmssl contributors. All rights reserved.
"""Reproducible labeled/unlabeled splits, saved as JSON.

A split is a dict of index lists into a training set plus what made it::

    {"type": "ssl" | "openset", "seed": 0, "num_labels_per_class": 4,
     "num_samples": 1257, "labels_checksum": "...",
     "labeled": [...], "unlabeled": [...],
     "seen_classes": [...]}          # open-set splits only

Two runs, or two methods, given the same ``split_file`` train on exactly the
same labeled samples.
"""
import hashlib
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np


def labels_checksum(labels: Sequence[int]) -> str:
    """A short hash of the label array: detects a split file applied to the
    wrong dataset."""
    arr = np.asarray(labels, dtype=np.int64)
    return hashlib.sha1(arr.tobytes()).hexdigest()[:16]


def make_ssl_split(labels: Sequence[int], num_labels_per_class: int,
                   seed: int) -> Dict:
    """Draw ``num_labels_per_class`` labeled samples per class with ``seed``;
    every other sample is unlabeled.

    Args:
        labels (Sequence[int]): Ground-truth labels of the training set.
        num_labels_per_class (int): Labeled samples per class.
        seed (int): Seed of the draw (``np.random.RandomState``).

    Returns:
        dict: The split (see the module docstring).
    """
    labels = np.asarray(labels, dtype=np.int64)
    if num_labels_per_class <= 0:
        raise ValueError('num_labels_per_class must be positive, got '
                         f'{num_labels_per_class}')
    rng = np.random.RandomState(seed)
    labeled = []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        if len(idx) < num_labels_per_class:
            raise ValueError(
                f'class {c} has {len(idx)} samples, fewer than '
                f'num_labels_per_class={num_labels_per_class}')
        labeled.extend(rng.choice(idx, num_labels_per_class, replace=False))
    labeled = np.sort(np.asarray(labeled, dtype=np.int64))
    unlabeled = np.setdiff1d(np.arange(len(labels)), labeled)
    return dict(type='ssl', seed=int(seed),
                num_labels_per_class=int(num_labels_per_class),
                num_samples=int(len(labels)),
                labels_checksum=labels_checksum(labels),
                labeled=labeled.tolist(), unlabeled=unlabeled.tolist())


def make_openset_split(labels: Sequence[int], seen_classes: Sequence[int],
                       num_labels_per_class: int, seed: int,
                       unseen_ratio: Optional[float] = None) -> Dict:
    """An open-set / class-mismatch split.

    Labeled samples come from ``seen_classes`` only; the unlabeled set holds
    the remaining seen-class samples plus unseen-class samples. With
    ``unseen_ratio`` (share of unseen samples in the unlabeled set, in
    [0, 1)) unseen samples are subsampled with ``seed`` to that share;
    ``None`` keeps all of them.

    Returns:
        dict: The split, with ``seen_classes``.
    """
    labels = np.asarray(labels, dtype=np.int64)
    seen = np.asarray(sorted(set(int(c) for c in seen_classes)))
    is_seen = np.isin(labels, seen)
    if not is_seen.any():
        raise ValueError(f'no sample belongs to seen_classes={list(seen)}')
    sub = make_ssl_split(labels[is_seen], num_labels_per_class, seed)
    seen_idx = np.flatnonzero(is_seen)
    labeled = seen_idx[sub['labeled']]
    seen_unlabeled = seen_idx[sub['unlabeled']]
    unseen = np.flatnonzero(~is_seen)
    if unseen_ratio is not None:
        if not 0 <= unseen_ratio < 1:
            raise ValueError(f'unseen_ratio must be in [0, 1), got '
                             f'{unseen_ratio}')
        want = int(round(unseen_ratio * len(seen_unlabeled) /
                         (1 - unseen_ratio)))
        if want > len(unseen):
            raise ValueError(
                f'unseen_ratio={unseen_ratio} needs {want} unseen samples, '
                f'only {len(unseen)} exist')
        rng = np.random.RandomState(seed + 1)
        unseen = np.sort(rng.choice(unseen, want, replace=False))
    unlabeled = np.sort(np.concatenate([seen_unlabeled, unseen]))
    return dict(type='openset', seed=int(seed),
                num_labels_per_class=int(num_labels_per_class),
                num_samples=int(len(labels)),
                labels_checksum=labels_checksum(labels),
                seen_classes=seen.tolist(), unseen_ratio=unseen_ratio,
                labeled=labeled.tolist(), unlabeled=unlabeled.tolist())


def save_split(split: Dict, path: str) -> str:
    """Write ``split`` to ``path`` as JSON (creating folders)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(split, f)
    return path


def load_split(path: str, labels: Optional[Sequence[int]] = None) -> Dict:
    """Read a split file; with ``labels``, check it belongs to that data."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'split file not found: {path}')
    with open(path) as f:
        try:
            split = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f'split file {path} is not valid JSON: {e}') \
                from None
    for key in ('labeled', 'unlabeled', 'num_samples'):
        if key not in split:
            raise ValueError(f'split file {path} has no {key!r} entry')
    if labels is not None:
        if len(labels) != split['num_samples'] or \
                split.get('labels_checksum') not in (
                    None, labels_checksum(labels)):
            raise ValueError(
                f'split file {path} was made for another dataset '
                f'({split["num_samples"]} samples, labels checksum '
                f'{split.get("labels_checksum")}); this one has '
                f'{len(labels)} samples, checksum {labels_checksum(labels)}')
    return split
