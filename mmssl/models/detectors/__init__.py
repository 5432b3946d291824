# Copyright (c) mmssl contributors. All rights reserved.
from .tsddnet import TSDDNet, stage1_state_dict

# Needs mmdet3d: imported on first use, not with the package.
_LAZY = {'UpCycling': '.upcycling'}

__all__ = ['TSDDNet', 'stage1_state_dict']


def __getattr__(name):
    # The modules that import mmdet3d load on first use (mmssl/registry.py).
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
