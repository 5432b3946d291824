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
import math
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
                       num_labels_per_class: Optional[int], seed: int,
                       unseen_ratio: Optional[float] = None,
                       num_labels: Optional[int] = None) -> Dict:
    """An open-set / class-mismatch split.

    Labeled samples come from ``seen_classes`` only: ``num_labels_per_class``
    per seen class or, with ``num_labels``, that many drawn uniformly from
    all seen-class samples (not balanced over classes, as WAD's official
    ``Get_initial_dataset`` draws its 800 labels with ``random.sample``).
    The unlabeled set holds the remaining seen-class samples plus
    unseen-class samples. With ``unseen_ratio`` m (share of unseen samples
    in the unlabeled set, in [0, 1)) ``ceil(m * T / (1 - m))`` unseen
    samples are drawn with ``seed``, T being the number of seen unlabeled
    samples (WAD's ``Get_mismatch_unlabeled_dataset``, float arithmetic
    included: m = 0.8 and T = 9,200 give 36,801); ``None`` keeps all of
    them.

    Returns:
        dict: The split, with ``seen_classes``.
    """
    labels = np.asarray(labels, dtype=np.int64)
    seen = np.asarray(sorted(set(int(c) for c in seen_classes)))
    is_seen = np.isin(labels, seen)
    if not is_seen.any():
        raise ValueError(f'no sample belongs to seen_classes={list(seen)}')
    seen_idx = np.flatnonzero(is_seen)
    if num_labels is not None:
        if not 0 < num_labels <= len(seen_idx):
            raise ValueError(
                f'num_labels must be in 1..{len(seen_idx)} (the seen-class '
                f'samples), got {num_labels}')
        rng = np.random.RandomState(seed)
        pick = np.sort(rng.choice(len(seen_idx), num_labels, replace=False))
        sub = dict(labeled=pick,
                   unlabeled=np.setdiff1d(np.arange(len(seen_idx)), pick))
    else:
        sub = make_ssl_split(labels[is_seen], num_labels_per_class, seed)
    labeled = seen_idx[np.asarray(sub['labeled'], dtype=np.int64)]
    seen_unlabeled = seen_idx[np.asarray(sub['unlabeled'], dtype=np.int64)]
    unseen = np.flatnonzero(~is_seen)
    if unseen_ratio is not None:
        if not 0 <= unseen_ratio < 1:
            raise ValueError(f'unseen_ratio must be in [0, 1), got '
                             f'{unseen_ratio}')
        want = math.ceil(unseen_ratio * len(seen_unlabeled) /
                         (1 - unseen_ratio))
        if want > len(unseen):
            raise ValueError(
                f'unseen_ratio={unseen_ratio} needs {want} unseen samples, '
                f'only {len(unseen)} exist')
        rng = np.random.RandomState(seed + 1)
        unseen = np.sort(rng.choice(unseen, want, replace=False))
    unlabeled = np.sort(np.concatenate([seen_unlabeled, unseen]))
    return dict(type='openset', seed=int(seed),
                num_labels_per_class=None if num_labels is not None
                else int(num_labels_per_class),
                num_labels=int(len(labeled)),
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


USB_LAYOUT = ('USB writes data/<dataset>/labeled_idx/lb_labels<N>_<imb>_'
              'seed<S>_idx.npy and ulb_labels<N>_<imb>_seed<S>_idx.npy')


def load_usb_split(path: str, labels: Optional[Sequence[int]] = None,
                   ulb_path: Optional[str] = None) -> Dict:
    """Read a split saved by USB (microsoft/Semi-supervised-learning,
    ``sample_labeled_unlabeled_data`` in ``semilearn/datasets/utils.py``).

    USB saves the labeled indices to ``lb_labels<N>_<imb>_seed<S>_idx.npy``
    and the unlabeled ones to ``ulb_labels...`` beside it (plain int64
    ``np.save`` arrays, indices into the training set in the order of the
    official CIFAR pickles; USB adds the labeled samples to the unlabeled
    stream later, with ``include_lb_to_ulb``). The files are read with
    ``allow_pickle=False``, so a tampered file cannot run code.

    Args:
        path (str): The ``lb_..._idx.npy`` file (or the ``ulb_`` one).
        labels (Sequence[int], optional): The training labels, to check
            that the indices fit this dataset.
        ulb_path (str, optional): The unlabeled file; default: ``path``
            with ``lb_`` replaced by ``ulb_``. If it does not exist, every
            sample that is not labeled is unlabeled.

    Returns:
        dict: An mmssl split (``type='usb'``).
    """
    folder, name = osp.split(path)
    if name.startswith('ulb_'):
        name = name[1:]
        path = osp.join(folder, name)
    if not name.startswith('lb_'):
        raise ValueError(f'{path} is not a USB split file ({USB_LAYOUT})')
    ulb_path = ulb_path or osp.join(folder, 'u' + name)

    def read(p):
        if not osp.isfile(p):
            raise FileNotFoundError(f'USB split file not found: {p} '
                                    f'({USB_LAYOUT})')
        try:
            arr = np.load(p, allow_pickle=False)
        except ValueError as e:
            raise ValueError(f'cannot read USB split file {p} as an integer '
                             f'array ({str(e).splitlines()[0]})') from None
        if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f'USB split file {p} holds a {arr.dtype} array '
                             f'of shape {arr.shape}, not 1-D indices')
        return arr.astype(np.int64)

    labeled = read(path)
    n = len(labels) if labels is not None else None
    if osp.isfile(ulb_path):
        unlabeled = read(ulb_path)
    elif n is not None:
        unlabeled = np.setdiff1d(np.arange(n), labeled)
    else:
        raise FileNotFoundError(f'USB split file not found: {ulb_path}; '
                                'give the labels to take every other sample'
                                ' as unlabeled')
    both = np.concatenate([labeled, unlabeled])
    if len(both) and (both.min() < 0 or (n is not None and both.max() >= n)):
        raise ValueError(
            f'USB split {path} has indices {both.min()}..{both.max()}, but '
            f'the training set has {n} samples: was it saved for another '
            'dataset?')
    if len(np.intersect1d(labeled, unlabeled)):
        raise ValueError(f'USB split {path}: labeled and unlabeled indices '
                         'overlap')
    if n is None:
        n = int(both.max()) + 1 if len(both) else 0
    split = dict(type='usb', source=osp.abspath(path), seed=None,
                 num_labels=int(len(labeled)), num_samples=int(n),
                 labeled=np.sort(labeled).tolist(),
                 unlabeled=np.sort(unlabeled).tolist())
    if labels is not None:
        lab = np.asarray(labels, dtype=np.int64)
        counts = np.bincount(lab[labeled], minlength=int(lab.max()) + 1)
        split['labels_checksum'] = labels_checksum(lab)
        if len(set(counts[counts > 0].tolist())) == 1:
            split['num_labels_per_class'] = int(counts[counts > 0][0])
    return split


def load_split(path: str, labels: Optional[Sequence[int]] = None) -> Dict:
    """Read a split file; with ``labels``, check it belongs to that data.

    ``.npy`` files are read as USB's saved ``labeled_idx`` files
    (:func:`load_usb_split`); anything else as an mmssl ``split.json``.
    """
    if path.endswith('.npy'):
        return load_usb_split(path, labels)
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
