# Copyright (c) mmssl contributors. All rights reserved.
"""Print the environment mmssl runs in: ``python -m mmssl.utils.collect_env``.

Paste its output into bug reports. Every entry is read from the installed
packages; a package that fails to import is reported with its error instead
of stopping the report.
"""
import importlib
import platform
import sys
from collections import OrderedDict


def _version(module_name: str) -> str:
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # report, never crash
        return f'not importable ({type(e).__name__}: {e})'
    return getattr(module, '__version__', 'unknown')


def _mmcv_ops() -> str:
    try:
        from mmcv.ops import (
            get_compiler_version,
            get_compiling_cuda_version,
            nms,  # noqa: F401
        )
    except Exception as e:
        return f'NOT available ({type(e).__name__}: {e})'
    return (f'available (compiler: {get_compiler_version()}, '
            f'CUDA: {get_compiling_cuda_version()})')


def collect_env() -> 'OrderedDict[str, str]':
    """Collect the versions and devices mmssl depends on."""
    env = OrderedDict()
    env['sys.platform'] = sys.platform
    env['Python'] = sys.version.replace('\n', '')
    env['machine'] = platform.machine()
    import mmssl
    env['mmssl'] = mmssl.__version__
    env['torch'] = _version('torch')
    try:
        import torch
        env['torch.cuda'] = str(torch.version.cuda)
        env['CUDA available'] = str(torch.cuda.is_available())
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                env[f'GPU {i}'] = torch.cuda.get_device_name(i)
        env['device'] = 'cuda' if torch.cuda.is_available() else 'cpu'
        env['CPU threads'] = str(torch.get_num_threads())
    except Exception as e:
        env['device'] = f'unknown ({e})'
    env['numpy'] = _version('numpy')
    env['mmengine'] = _version('mmengine')
    env['mmcv'] = _version('mmcv')
    env['mmcv ops'] = _mmcv_ops()
    env['mmdet'] = _version('mmdet')
    env['mmseg'] = _version('mmseg')
    env['mmdet3d'] = _version('mmdet3d')
    env['opencv'] = _version('cv2')
    env['setuptools'] = _version('setuptools')
    return env


def main() -> None:
    for name, value in collect_env().items():
        print(f'{name}: {value}')


if __name__ == '__main__':
    main()
