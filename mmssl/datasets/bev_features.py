# Copyright (c) mmssl contributors. All rights reserved.
"""Stored front-end features of unlabeled LiDAR scenes (UpCycling's
"smashed data", Hwang et al., ICCV 2023, abstract) and the
labeled + unlabeled training set that mixes them with labeled raw scenes.

A feature directory, written by ``tools/upcycling/export_features.py``,
holds ``index.pkl`` and one ``<sample_idx>.npz`` per scene (compressed,
float16 maps ``feat_0``, ``feat_1``, ... plus the calibration the back end
and the metric need). Nothing in it is a point cloud.
"""
import os.path as osp
import zipfile
from typing import Dict, List, Sequence

import mmengine
import numpy as np
import torch
from mmdet3d.structures import Box3DMode, Det3DDataSample, LiDARInstance3DBoxes
from mmengine.dataset import pseudo_collate
from torch.utils.data import ConcatDataset, Dataset

from mmssl.registry import DATASETS, FUNCTIONS

# 2: files and sample_idx by KITTI frame id (1: by list position)
FEATURE_INDEX_VERSION = 2


def save_scene_features(path: str, maps: Sequence[torch.Tensor],
                        **meta) -> int:
    """Write one scene's maps as compressed float16 ``.npz``; returns the
    file size in bytes."""
    arrays = {f'feat_{i}': m.detach().cpu().numpy().astype(np.float16)
              for i, m in enumerate(maps)}
    arrays.update({k: np.asarray(v) for k, v in meta.items()})
    with open(path, 'wb') as f:
        np.savez_compressed(f, **arrays)
    return osp.getsize(path)


def load_scene_features(path: str) -> Dict:
    """Read a file of :func:`save_scene_features` (no pickle)."""
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'missing feature file: {path}; export the unlabeled scenes '
            'with tools/upcycling/export_features.py')
    try:
        with np.load(path, allow_pickle=False) as data:
            out = {k: data[k] for k in data.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ValueError(f'corrupt feature file {path}: {e}') from e
    maps = [out.pop(f'feat_{i}') for i in range(
        sum(k.startswith('feat_') for k in out))]
    if not maps:
        raise ValueError(f'feature file {path} holds no feat_* arrays')
    out['maps'] = maps
    return out


@DATASETS.register_module()
class BEVFeatureDataset(Dataset):
    """Unlabeled scenes as stored BEV features.

    Each item is ``dict(inputs=dict(features=[maps]), data_samples=
    Det3DDataSample)`` with the scene's ``sample_idx``, ``lidar2cam``,
    ``cam2img`` and LiDAR box type in the sample's metainfo and no
    annotations.

    Args:
        feature_dir (str): Directory of ``index.pkl`` and the ``.npz``
            files.
        index_file (str): Index file name. Defaults to ``'index.pkl'``.
    """

    def __init__(self, feature_dir: str, index_file: str = 'index.pkl'):
        self.feature_dir = feature_dir
        path = osp.join(feature_dir, index_file)
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'missing feature index: {path}; export the unlabeled '
                'scenes first (tools/upcycling/export_features.py)')
        index = mmengine.load(path)
        if index.get('version') != FEATURE_INDEX_VERSION:
            raise ValueError(f'{path}: feature index version '
                             f'{index.get("version")}, expected '
                             f'{FEATURE_INDEX_VERSION}')
        self.meta = index['meta']
        self.data_list: List[dict] = index['data_list']

    @property
    def metainfo(self) -> dict:
        return dict(self.meta)

    def __len__(self) -> int:
        return len(self.data_list)

    def __getitem__(self, idx: int) -> dict:
        info = self.data_list[idx]
        data = load_scene_features(
            osp.join(self.feature_dir, info['feature_path']))
        sample = Det3DDataSample()
        sample.set_metainfo(dict(
            sample_idx=info['sample_idx'],
            feature_split=self.meta.get('split'),
            feature_dir=self.feature_dir,
            front_sha256=self.meta.get('front_sha256'),
            lidar2cam=data['lidar2cam'], cam2img=data['cam2img'],
            box_type_3d=LiDARInstance3DBoxes, box_mode_3d=Box3DMode.LIDAR))
        return dict(inputs=dict(features=[torch.from_numpy(m)
                                          for m in data['maps']]),
                    data_samples=sample)


@DATASETS.register_module()
class SemiDet3DDataset(ConcatDataset):
    """Labeled scenes then unlabeled ones (raw points or stored features),
    for mmdet's ``MultiSourceSampler``; every item says which it is, so
    :func:`semi_det3d_collate` can split a batch.

    Args:
        labeled (dict | Dataset): e.g. an ``mmdet3d.KittiDataset`` of the
            labeled infos.
        unlabeled (dict | Dataset): A :class:`BEVFeatureDataset`, or an
            ``mmdet3d.KittiDataset`` of the unlabeled infos (raw-point
            mean teacher).
    """

    def __init__(self, labeled, unlabeled):
        super().__init__([
            DATASETS.build(d) if isinstance(d, dict) else d
            for d in (labeled, unlabeled)
        ])

    @property
    def metainfo(self) -> dict:
        return self.datasets[0].metainfo

    def full_init(self) -> None:
        """Both parts are loaded in ``__init__``."""

    def __getitem__(self, idx: int) -> dict:
        item = super().__getitem__(idx)
        item['source'] = ('labeled' if idx < self.cumulative_sizes[0]
                          else 'unlabeled')
        return item


@FUNCTIONS.register_module()
def semi_det3d_collate(data_batch: Sequence[dict]) -> dict:
    """Collate labeled and unlabeled items separately:
    ``dict(labeled=..., unlabeled=...)`` (each a ``pseudo_collate``)."""
    out = {}
    for source in ('labeled', 'unlabeled'):
        items = [{k: v for k, v in d.items() if k != 'source'}
                 for d in data_batch if d.get('source') == source]
        if items:
            out[source] = pseudo_collate(items)
    if 'labeled' not in out:
        raise ValueError('a training batch without labeled scenes: use '
                         "MultiSourceSampler with source_ratio for both")
    return out
