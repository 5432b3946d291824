# Copyright (c) mmssl contributors. All rights reserved.
from .accuracy import Accuracy
from .biased_region import BiasedRegionMetric
from .diagnosis import DiagnosisMetric
from .kitti import KittiMetric
from .openset import OpenSetMetric
from .seg_iou import ClasswiseIoUMetric
from .single_label import ConfusionMatrix, SingleLabelMetric
from .volume_seg import VolumeSegMetric
from .wsol import WSOLMetric

__all__ = ['Accuracy', 'KittiMetric', 'BiasedRegionMetric',
           'ClasswiseIoUMetric',
           'ConfusionMatrix', 'DiagnosisMetric',
           'OpenSetMetric', 'SingleLabelMetric', 'VolumeSegMetric',
           'WSOLMetric']
