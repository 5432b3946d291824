# Copyright (c) mmssl contributors. All rights reserved.
from .base_cls_dataset import BaseClsDataset
from .bev_features import (
    BEVFeatureDataset,
    SemiDet3DDataset,
    semi_det3d_collate,
)
from .bus import BUSDataset, BUSIDataset, mask_to_box, write_bus_coco
from .cifar import CIFAR10Dataset, CIFAR100Dataset
from .digits import DigitsDataset, digits_split
from .image_folder import CIFAR10JPEGDataset, ImageFolderDataset
from .kitti import (
    KITTI_CLASSES,
    kitti_infos,
    make_gt_database,
    make_kitti_split,
    read_calib,
    read_label,
    read_velodyne,
)
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
    'BUSDataset', 'BUSIDataset', 'mask_to_box', 'write_bus_coco',
    'BEVFeatureDataset', 'SemiDet3DDataset', 'semi_det3d_collate',
    'KITTI_CLASSES', 'kitti_infos', 'make_gt_database', 'make_kitti_split',
    'read_calib', 'read_label', 'read_velodyne'
]
