# Copyright (c) mmssl contributors. All rights reserved.
import copy
from typing import Optional, Sequence

import numpy as np
from mmengine.dataset import Compose
from torch.utils.data import ConcatDataset, Dataset

from mmssl.registry import DATASETS

from .splits import load_split, make_openset_split, make_ssl_split


def _build(dataset):
    return DATASETS.build(dataset) if isinstance(dataset, dict) else dataset


def _with_seen_classes(split: dict, labels, seen_classes,
                       path: str) -> dict:
    """A split read from a file, used with ``seen_classes``: its labeled
    samples must all be of seen classes."""
    seen = sorted(int(c) for c in seen_classes)
    if split.get('seen_classes') is not None:
        if sorted(split['seen_classes']) != seen:
            raise ValueError(
                f'split file {path} was made for seen_classes='
                f'{split["seen_classes"]}, the config has {seen}')
        return split
    lab = np.asarray(labels)[np.asarray(split['labeled'], dtype=np.int64)]
    bad = sorted(set(lab.tolist()) - set(seen))
    if bad:
        raise ValueError(f'split file {path} labels samples of classes {bad}'
                         f', which are not in seen_classes={seen}')
    return dict(split, seen_classes=seen)


@DATASETS.register_module()
class SemiSplitDataset(Dataset):
    """One side (labeled or unlabeled) of a semi-supervised split of a
    classification dataset.

    The split is drawn from the wrapped dataset's labels with ``seed``
    (``num_labels_per_class`` per class; with ``seen_classes``, an open-set
    split whose labeled side holds seen classes only), or read from
    ``split_file`` so that runs share the exact same labeled set.
    :class:`~mmssl.engine.hooks.SaveSplitHook` writes the split used to
    ``<work_dir>/split.json``.

    Unlabeled samples carry no ``gt_label``. For open-set splits, labeled
    samples' labels are mapped to ``0..K-1`` in the order of
    ``seen_classes``.

    Args:
        dataset (dict | Dataset): The full training set (a
            :class:`BaseClsDataset`), without pipeline.
        subset (str): ``'labeled'`` or ``'unlabeled'``.
        num_labels_per_class (int): Labeled samples per class.
        seed (int): Seed of the split.
        split_file (str, optional): Read the split from this JSON file
            instead of drawing it.
        seen_classes (Sequence[int], optional): Make an open-set split.
        unseen_ratio (float, optional): Open-set: share of unseen-class
            samples in the unlabeled set (None keeps all).
        pipeline (list): Transforms applied to each sample.
        split (dict, optional): An already drawn split (as returned by
            :func:`make_ssl_split`); overrides the other split arguments.
        include_labeled_in_unlabeled (bool): The unlabeled side also holds
            the labeled samples (without their labels), as USB does for
            its classic CV benchmarks (``include_lb_to_ulb=True``). The
            split itself (and its file) keeps the two sides disjoint.
            Defaults to False (the mmssl digits protocol).
        num_labels (int, optional): Open-set: draw this many labels
            uniformly from the seen-class samples instead of
            ``num_labels_per_class`` per class (WAD's official draw).
        log_true_labels (bool): Unlabeled samples carry their true label
            as ``true_label`` in the data sample's metainfo (seen classes
            as ``0..K-1``, unseen ones as -1), for the heads' diagnostics
            only (mask ratios on seen vs unseen images, pseudo-label
            accuracy); no loss reads it. Defaults to False.
    """

    def __init__(self,
                 dataset,
                 subset: str = 'labeled',
                 num_labels_per_class: int = 4,
                 seed: int = 0,
                 split_file: Optional[str] = None,
                 seen_classes: Optional[Sequence[int]] = None,
                 unseen_ratio: Optional[float] = None,
                 pipeline: Sequence = (),
                 split: Optional[dict] = None,
                 include_labeled_in_unlabeled: bool = False,
                 num_labels: Optional[int] = None,
                 log_true_labels: bool = False):
        if subset not in ('labeled', 'unlabeled'):
            raise ValueError(f"subset must be 'labeled' or 'unlabeled', got "
                             f'{subset!r}')
        self.dataset = _build(dataset)
        self.subset = subset
        labels = self.dataset.get_gt_labels()
        if split is not None:
            self.split = split
        elif split_file:
            self.split = load_split(split_file, labels)
            if seen_classes is not None:
                self.split = _with_seen_classes(self.split, labels,
                                                seen_classes, split_file)
        elif seen_classes is not None:
            self.split = make_openset_split(labels, seen_classes,
                                            num_labels_per_class, seed,
                                            unseen_ratio, num_labels)
        else:
            if num_labels is not None:
                raise ValueError('num_labels (a total, drawn at random) '
                                 'needs seen_classes; a standard split '
                                 'takes num_labels_per_class')
            self.split = make_ssl_split(labels, num_labels_per_class, seed)
        self.indices = list(self.split[subset])
        self.include_labeled_in_unlabeled = include_labeled_in_unlabeled
        if subset == 'unlabeled' and include_labeled_in_unlabeled:
            self.indices = sorted(self.indices + list(self.split['labeled']))
        self.log_true_labels = log_true_labels
        self._labels = labels if log_true_labels else None
        self.label_map = None
        metainfo = copy.deepcopy(self.dataset.metainfo)
        if self.split.get('seen_classes') is not None:
            seen = self.split['seen_classes']
            self.label_map = {c: i for i, c in enumerate(seen)}
            classes = metainfo.get('classes', ())
            if classes:
                metainfo['classes'] = tuple(classes[c] for c in seen)
        self._metainfo = metainfo
        self.pipeline = Compose(pipeline)

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Datasets are loaded in ``__init__`` (kept for ConcatDataset)."""

    def __len__(self) -> int:
        return len(self.indices)

    def get_data_info(self, idx: int) -> dict:
        info = copy.deepcopy(self.dataset.get_data_info(self.indices[idx]))
        if self.subset == 'unlabeled':
            label = info.pop('gt_label', None)
            if self.log_true_labels and label is not None:
                label = int(label)
                if self.label_map is not None:
                    label = self.label_map.get(label, -1)
                info['true_label'] = label
        elif self.label_map is not None:
            info['gt_label'] = self.label_map[int(info['gt_label'])]
        info['sample_idx'] = idx
        return info

    def __getitem__(self, idx: int) -> dict:
        return self.pipeline(self.get_data_info(idx))


@DATASETS.register_module()
class OpenSetTestDataset(Dataset):
    """A test set with seen and unseen classes for open-set evaluation.

    Seen classes are mapped to ``0..K-1`` in the order of ``seen_classes``;
    every unseen class becomes the single label ``K``.

    Args:
        dataset (dict | Dataset): The full test set.
        seen_classes (Sequence[int]): The classes of the labeled set.
        pipeline (list): Transforms applied to each sample.
    """

    def __init__(self, dataset, seen_classes: Sequence[int],
                 pipeline: Sequence = ()):
        self.dataset = _build(dataset)
        self.seen_classes = [int(c) for c in seen_classes]
        self.label_map = {c: i for i, c in enumerate(self.seen_classes)}
        self.num_seen = len(self.seen_classes)
        metainfo = copy.deepcopy(self.dataset.metainfo)
        classes = metainfo.get('classes', ())
        if classes:
            metainfo['classes'] = tuple(
                classes[c] for c in self.seen_classes) + ('unseen', )
        metainfo['num_seen_classes'] = self.num_seen
        self._metainfo = metainfo
        self.pipeline = Compose(pipeline)

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Datasets are loaded in ``__init__``."""

    def __len__(self) -> int:
        return len(self.dataset)

    def get_data_info(self, idx: int) -> dict:
        info = copy.deepcopy(self.dataset.get_data_info(idx))
        info['gt_label'] = self.label_map.get(int(info['gt_label']),
                                              self.num_seen)
        info['sample_idx'] = idx
        return info

    def __getitem__(self, idx: int) -> dict:
        return self.pipeline(self.get_data_info(idx))


@DATASETS.register_module()
class SemiDataset(ConcatDataset):
    """The training set of a semi-supervised experiment: the labeled and the
    unlabeled side of one split, concatenated (labeled first).

    Meant for mmdet's ``MultiSourceSampler`` with ``source_ratio=[1, mu]``,
    which draws each batch from both parts. The split arguments are those of
    :class:`SemiSplitDataset` and are given once, so a config changes the
    number of labels with one key
    (``train_dataloader.dataset.num_labels_per_class``).

    The arguments ``num_labels_per_class``, ``seed``, ``split_file``,
    ``seen_classes``, ``unseen_ratio``, ``include_labeled_in_unlabeled``,
    ``num_labels`` and ``log_true_labels`` are those of
    :class:`SemiSplitDataset`.

    Args:
        dataset (dict | Dataset): The full training set, without pipeline.
        labeled_pipeline (list): Transforms of labeled samples.
        unlabeled_pipeline (list): Transforms of unlabeled samples.
    """

    def __init__(self,
                 dataset,
                 labeled_pipeline: Sequence = (),
                 unlabeled_pipeline: Sequence = (),
                 num_labels_per_class: int = 4,
                 seed: int = 0,
                 split_file: Optional[str] = None,
                 seen_classes: Optional[Sequence[int]] = None,
                 unseen_ratio: Optional[float] = None,
                 include_labeled_in_unlabeled: bool = False,
                 num_labels: Optional[int] = None,
                 log_true_labels: bool = False):
        labeled = SemiSplitDataset(
            _build(dataset), 'labeled', num_labels_per_class, seed,
            split_file, seen_classes, unseen_ratio, labeled_pipeline,
            num_labels=num_labels)
        unlabeled = SemiSplitDataset(
            labeled.dataset, 'unlabeled', pipeline=unlabeled_pipeline,
            split=labeled.split,
            include_labeled_in_unlabeled=include_labeled_in_unlabeled,
            log_true_labels=log_true_labels)
        super().__init__([labeled, unlabeled])
        self.split = labeled.split

    @property
    def metainfo(self) -> dict:
        return self.labeled.metainfo

    def full_init(self) -> None:
        """Both parts are loaded in ``__init__``."""

    @property
    def labeled(self) -> SemiSplitDataset:
        return self.datasets[0]

    @property
    def unlabeled(self) -> SemiSplitDataset:
        return self.datasets[1]
