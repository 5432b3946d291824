# Copyright (c) mmssl contributors. All rights reserved.
from .accuracy import Accuracy
from .biased_region import BiasedRegionMetric
from .openset import OpenSetMetric
from .single_label import ConfusionMatrix, SingleLabelMetric
from .volume_seg import VolumeSegMetric
from .wsol import WSOLMetric

__all__ = ['Accuracy', 'BiasedRegionMetric', 'ConfusionMatrix',
           'OpenSetMetric', 'SingleLabelMetric', 'VolumeSegMetric',
           'WSOLMetric']
