# Copyright (c) mmssl contributors. All rights reserved.
from .rng_state_hook import RNGStateHook
from .save_split_hook import SaveSplitHook
from .visualization_hook import (
    BEVVisualizationHook,
    ClsVisualizationHook,
    LesionVisualizationHook,
    TestImageHook,
    VolumeSegVisualizationHook,
)

__all__ = [
    'RNGStateHook', 'SaveSplitHook', 'ClsVisualizationHook',
    'TestImageHook', 'VolumeSegVisualizationHook', 'BEVVisualizationHook',
    'LesionVisualizationHook'
]
