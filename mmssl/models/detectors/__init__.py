# Copyright (c) mmssl contributors. All rights reserved.
from .tsddnet import TSDDNet, stage1_state_dict
from .upcycling import UpCycling

__all__ = ['TSDDNet', 'stage1_state_dict', 'UpCycling']
