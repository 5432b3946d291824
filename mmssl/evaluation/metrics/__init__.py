# Copyright (c) mmssl contributors. All rights reserved.
from .accuracy import Accuracy
from .openset import OpenSetMetric
from .single_label import ConfusionMatrix, SingleLabelMetric
from .volume_seg import VolumeSegMetric
from .wsol import WSOLMetric

__all__ = ['Accuracy', 'ConfusionMatrix', 'OpenSetMetric',
           'SingleLabelMetric', 'VolumeSegMetric', 'WSOLMetric']
