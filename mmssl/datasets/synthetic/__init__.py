# Copyright (c) mmssl contributors. All rights reserved.
from .biased_voc import make_biased_scene, make_biased_voc
from .cub import SYNTHETIC_CUB_CLASSES, make_synthetic_cub
from .phantom import (
                      PHANTOM_LABELS,
                      PHANTOM_V2_LABELS,
                      make_phantom_case,
                      make_phantom_case_v2,
                      make_phantom_msd,
)
from .ultrasound import make_ultrasound_dataset, render_lesion_image

__all__ = [
    'SYNTHETIC_CUB_CLASSES', 'make_synthetic_cub', 'PHANTOM_LABELS',
    'PHANTOM_V2_LABELS', 'make_phantom_case', 'make_phantom_case_v2',
    'make_phantom_msd', 'make_biased_scene',
    'make_biased_voc', 'make_ultrasound_dataset', 'render_lesion_image'
]
from .lidar import make_lidar_scene, make_synthetic_kitti  # noqa: E402

__all__ += ['make_lidar_scene', 'make_synthetic_kitti']
