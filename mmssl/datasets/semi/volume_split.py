# Copyright (c) mmssl contributors. All rights reserved.
"""Labeled/unlabeled splits of a list of volumes (by count or by file),
saved like the classification splits."""
import copy
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.dataset import Compose
from torch.utils.data import ConcatDataset, Dataset

from mmssl.registry import DATASETS

from .splits import load_split


def make_volume_split(names: Sequence[str],
                      num_labeled: Optional[int] = None,
                      labeled_names: Optional[Sequence[str]] = None,
                      seed: int = 0) -> Dict:
    """Choose the labeled volumes of a training list.

    Either ``num_labeled`` volumes drawn with ``seed``
    (``np.random.RandomState(seed).permutation``) or exactly the files
    ``labeled_names`` (base names such as ``'case_001.nii.gz'``); every
    other volume is unlabeled.

    Returns:
        dict: ``{"type": "volume", "seed", "num_samples", "names",
        "labeled": [...], "unlabeled": [...]}`` (positions in ``names``).
    """
    names = [osp.basename(n) for n in names]
    if (num_labeled is None) == (labeled_names is None):
        raise ValueError('give exactly one of num_labeled and labeled_names')
    if labeled_names is not None:
        wanted = [osp.basename(n) for n in labeled_names]
        missing = sorted(set(wanted) - set(names))
        if missing:
            raise ValueError(f'labeled volumes not in the training list: '
                             f'{missing}')
        labeled = sorted(names.index(n) for n in wanted)
    else:
        if not 0 < num_labeled <= len(names):
            raise ValueError(f'num_labeled must be in 1..{len(names)}, got '
                             f'{num_labeled}')
        order = np.random.RandomState(seed).permutation(len(names))
        labeled = sorted(int(i) for i in order[:num_labeled])
    unlabeled = [i for i in range(len(names)) if i not in set(labeled)]
    return dict(type='volume', seed=seed, num_samples=len(names),
                names=names, labeled=labeled, unlabeled=unlabeled)


def _build(dataset):
    return DATASETS.build(dataset) if isinstance(dataset, dict) else dataset


@DATASETS.register_module()
class VolumeSplitDataset(Dataset):
    """One side of a labeled/unlabeled split of a volume dataset (an
    :class:`~mmssl.datasets.MSDDataset` without pipeline). Unlabeled
    volumes lose their ``seg_map_path``, unless ``log_labels``.

    Args:
        dataset (dict | Dataset): The training volumes.
        subset (str): ``'labeled'`` or ``'unlabeled'``.
        num_labeled (int, optional): Labeled volumes, drawn with ``seed``.
        labeled_names (Sequence[str], optional): Or exactly these files.
        seed (int): Seed of the draw.
        split_file (str, optional): Read the split from this JSON file
            (e.g. another run's ``split.json``).
        pipeline (list): Transforms of each volume.
        split (dict, optional): An already drawn split.
        log_labels (bool): Unlabeled volumes keep their label file, for
            logging only: the pipeline must end with
            ``LabelForLoggingOnly`` (it moves the label to ``log_seg``)
            before ``PackVolumeInputs``; a packed unlabeled sample with a
            ``gt_seg`` is an error. Defaults to False.
    """

    def __init__(self,
                 dataset,
                 subset: str = 'labeled',
                 num_labeled: Optional[int] = None,
                 labeled_names: Optional[Sequence[str]] = None,
                 seed: int = 0,
                 split_file: Optional[str] = None,
                 pipeline: Sequence = (),
                 split: Optional[Dict] = None,
                 log_labels: bool = False):
        if subset not in ('labeled', 'unlabeled'):
            raise ValueError(f"subset must be 'labeled' or 'unlabeled', got "
                             f'{subset!r}')
        self.dataset = _build(dataset)
        self.subset = subset
        names = [osp.basename(self.dataset.get_data_info(i)['img_path'])
                 for i in range(len(self.dataset))]
        if split is None:
            if split_file is not None:
                split = load_split(split_file)
                if split.get('names') != names:
                    raise ValueError(f'split file {split_file} lists other '
                                     'volumes than this dataset')
            else:
                split = make_volume_split(names, num_labeled, labeled_names,
                                          seed)
        self.split = split
        self.indices = list(split[subset])
        self.pipeline = Compose(list(pipeline))
        self.log_labels = bool(log_labels)

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self.dataset.metainfo)

    def __len__(self) -> int:
        return len(self.indices)

    def get_data_info(self, idx: int) -> dict:
        info = copy.deepcopy(self.dataset.get_data_info(self.indices[idx]))
        if self.subset == 'unlabeled' and not self.log_labels:
            info.pop('seg_map_path', None)
        info['sample_idx'] = idx
        return info

    def __getitem__(self, idx: int) -> dict:
        out = self.pipeline(self.get_data_info(idx))
        if self.subset == 'unlabeled' and self.log_labels:
            sample = out.get('data_samples') if isinstance(out, dict) \
                else None
            if sample is not None and 'gt_seg' in sample:
                raise ValueError(
                    'an unlabeled volume kept its label as gt_seg (it would '
                    'be trained on): end the unlabeled pipeline with '
                    'LabelForLoggingOnly before PackVolumeInputs')
        return out


@DATASETS.register_module()
class VolumeSemiDataset(ConcatDataset):
    """Labeled and unlabeled volumes of one split, concatenated (labeled
    first), for mmdet's ``MultiSourceSampler``.

    Args:
        dataset (dict | Dataset): The training volumes, without pipeline.
        labeled_pipeline (list): Transforms of labeled volumes.
        unlabeled_pipeline (list): Transforms of unlabeled volumes.
        num_labeled, labeled_names, seed, split_file: See
            :class:`VolumeSplitDataset`.
        log_unlabeled_labels (bool): The unlabeled part's ``log_labels``.
            Defaults to False.
    """

    def __init__(self,
                 dataset,
                 labeled_pipeline: Sequence = (),
                 unlabeled_pipeline: Sequence = (),
                 num_labeled: Optional[int] = None,
                 labeled_names: Optional[Sequence[str]] = None,
                 seed: int = 0,
                 split_file: Optional[str] = None,
                 log_unlabeled_labels: bool = False):
        labeled = VolumeSplitDataset(dataset, 'labeled', num_labeled,
                                     labeled_names, seed, split_file,
                                     labeled_pipeline)
        unlabeled = VolumeSplitDataset(labeled.dataset, 'unlabeled',
                                       pipeline=unlabeled_pipeline,
                                       split=labeled.split,
                                       log_labels=log_unlabeled_labels)
        super().__init__([labeled, unlabeled])
        self.split = labeled.split

    @property
    def metainfo(self) -> dict:
        return self.datasets[0].metainfo

    def full_init(self) -> None:
        """Both parts are loaded in ``__init__``."""
