# Copyright (c) mmssl contributors. All rights reserved.
from .semi_dataset import OpenSetTestDataset, SemiDataset, SemiSplitDataset
from .splits import load_split, make_openset_split, make_ssl_split, save_split
from .volume_split import (
                           VolumeSemiDataset,
                           VolumeSplitDataset,
                           make_volume_split,
)

__all__ = [
    'SemiDataset', 'SemiSplitDataset', 'OpenSetTestDataset', 'make_ssl_split',
    'make_openset_split', 'save_split', 'load_split', 'VolumeSemiDataset',
    'VolumeSplitDataset', 'make_volume_split'
]
