# Copyright (c) mmssl contributors. All rights reserved.
from .base_cls_dataset import BaseClsDataset
from .bus import BUSDataset, BUSIDataset, mask_to_box, write_bus_coco
from .cifar import CIFAR10Dataset, CIFAR100Dataset
from .digits import DigitsDataset, digits_split
from .image_folder import CIFAR10JPEGDataset, ImageFolderDataset
from .msd import MSDDataset
from .semi import *  # noqa: F401,F403
from .transforms import *  # noqa: F401,F403
from .wsol import CUBDataset, VOCBoxClsDataset
from .wsss import BiasedVOCDataset, COCOWSSSDataset, VOCWSSSDataset

__all__ = [
    'BaseClsDataset', 'CIFAR10Dataset', 'CIFAR100Dataset', 'DigitsDataset',
    'digits_split', 'ImageFolderDataset', 'CIFAR10JPEGDataset', 'CUBDataset',
    'VOCBoxClsDataset',
    'MSDDataset', 'VOCWSSSDataset', 'BiasedVOCDataset', 'COCOWSSSDataset',
    'BUSDataset', 'BUSIDataset', 'mask_to_box', 'write_bus_coco'
]

# These need mmdet3d: imported on first use, not with the package.
_LAZY = {
    **dict.fromkeys(['BEVFeatureDataset', 'SemiDet3DDataset',
                     'semi_det3d_collate'], '.bev_features'),
    **dict.fromkeys(['KITTI_CLASSES', 'kitti_infos', 'make_gt_database',
                     'make_kitti_split', 'read_calib', 'read_label',
                     'read_velodyne'], '.kitti'),
}


def __getattr__(name):
    # The modules that import mmdet3d load on first use (mmssl/registry.py).
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
