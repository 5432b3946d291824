# Copyright (c) mmssl contributors. All rights reserved.
from .cls_data_sample import ClsDataSample
from .volume_data_sample import VolumeDataSample

__all__ = ['ClsDataSample', 'VolumeDataSample']
