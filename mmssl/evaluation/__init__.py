# Copyright (c) mmssl contributors. All rights reserved.
from .metrics import *  # noqa: F401,F403

# Needs mmdet3d: imported on first use, not with the package.
_LAZY = {'KittiMetric': '.metrics.kitti'}


def __getattr__(name):
    # The modules that import mmdet3d load on first use (mmssl/registry.py).
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
