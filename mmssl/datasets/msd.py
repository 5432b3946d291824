# Copyright (c) mmssl contributors. All rights reserved.
"""Volumes in the Medical Segmentation Decathlon layout, read with
nibabel."""
import json
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset

from mmssl.registry import DATASETS

MSD_LAYOUT = (
    'expected the Medical Segmentation Decathlon layout: <data_root>/'
    'dataset.json with "labels" ({"0": "background", ...}), "training" '
    '([{"image": "./imagesTr/x.nii.gz", "label": "./labelsTr/x.nii.gz"}, '
    '...]) and "test" (["./imagesTs/y.nii.gz", ...]), and the NIfTI files '
    'it lists (as unpacked from the MSD Task*.tar, or NIH pancreas / LiTS '
    'converted to it)')


@DATASETS.register_module()
class MSDDataset(BaseDataset):
    """A Medical Segmentation Decathlon task (``dataset.json`` +
    ``imagesTr/``, ``labelsTr/``, ``imagesTs/``).

    Samples carry ``img_path`` and, for the ``'training'`` list,
    ``seg_map_path``; ``classes`` come from ``labels`` and ``modality``
    (of the first channel, e.g. ``'CT'``, when given) from ``modality``.
    Volumes are read by
    the pipeline (:class:`~mmssl.datasets.transforms.LoadNiftiFromFile`).

    Args:
        data_root (str): The task folder.
        split (str): ``'training'`` or ``'test'``. Defaults to
            ``'training'``.
        cases (Sequence[int], optional): Keep only these positions of the
            list (e.g. a train/test partition of ``training``).
        dataset_json (str): Defaults to ``'dataset.json'``.
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments.
    """
    METAINFO: dict = dict(classes=())

    def __init__(self,
                 data_root: str,
                 split: str = 'training',
                 cases: Optional[Sequence[int]] = None,
                 dataset_json: str = 'dataset.json',
                 **kwargs):
        if split not in ('training', 'test'):
            raise ValueError(f"split must be 'training' or 'test', got "
                             f'{split!r}')
        self.split = split
        self.cases = None if cases is None else [int(c) for c in cases]
        self.dataset_json = dataset_json
        kwargs.setdefault('serialize_data', False)
        super().__init__(data_root=data_root, **kwargs)

    def _path(self, rel: str, what: str) -> str:
        path = osp.normpath(osp.join(self.data_root, rel))
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{what} {path} listed in {self.dataset_json} is missing; '
                f'{MSD_LAYOUT}')
        return path

    def load_data_list(self) -> List[dict]:
        path = osp.join(self.data_root, self.dataset_json)
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} not found; {MSD_LAYOUT}')
        try:
            with open(path) as f:
                meta = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f'{path} is not valid JSON: {e}') from None
        labels = meta.get('labels')
        if not isinstance(labels, dict) or not labels:
            raise ValueError(f'{path} has no "labels" mapping; {MSD_LAYOUT}')
        classes = [labels[k] for k in sorted(labels, key=int)]
        self._metainfo['classes'] = tuple(classes)
        modality = meta.get('modality')
        if isinstance(modality, dict) and modality:
            self._metainfo['modality'] = str(
                modality[sorted(modality, key=str)[0]])
        entries = meta.get(self.split)
        if not isinstance(entries, list):
            raise ValueError(f'{path} has no "{self.split}" list; '
                             f'{MSD_LAYOUT}')
        positions = range(len(entries)) if self.cases is None else self.cases
        data_list = []
        for i in positions:
            if not 0 <= i < len(entries):
                raise IndexError(f'case {i} is not in the {len(entries)} '
                                 f'"{self.split}" cases of {path}')
            entry = entries[i]
            if self.split == 'test':
                image = entry if isinstance(entry, str) else entry['image']
                data_list.append(dict(img_path=self._path(image, 'image'),
                                      case=i))
                continue
            if not isinstance(entry, dict) or 'image' not in entry \
                    or 'label' not in entry:
                raise ValueError(f'{path}: training entry {i} needs "image" '
                                 f'and "label"; got {entry!r}')
            data_list.append(
                dict(img_path=self._path(entry['image'], 'image'),
                     seg_map_path=self._path(entry['label'], 'label'),
                     case=i))
        return data_list
