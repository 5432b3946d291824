# Copyright (c) mmssl contributors. All rights reserved.
from .accuracy import Accuracy
from .biased_region import BiasedRegionMetric
from .diagnosis import DiagnosisMetric
from .openset import OpenSetMetric
from .seg_iou import ClasswiseIoUMetric
from .single_label import ConfusionMatrix, SingleLabelMetric
from .volume_seg import VolumeSegMetric
from .wsol import WSOLMetric

# Needs mmdet3d: imported on first use, not with the package.
_LAZY = {'KittiMetric': '.kitti'}

__all__ = ['Accuracy', 'BiasedRegionMetric',
           'ClasswiseIoUMetric',
           'ConfusionMatrix', 'DiagnosisMetric',
           'OpenSetMetric', 'SingleLabelMetric', 'VolumeSegMetric',
           'WSOLMetric']


def __getattr__(name):
    # The modules that import mmdet3d load on first use (mmssl/registry.py).
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
