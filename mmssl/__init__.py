# Copyright (c) mmssl contributors. All rights reserved.
"""mmssl: semi- and weakly supervised computer vision on OpenMMLab."""
import warnings

from .version import __version__, version_info

# Tested stack (see README "Supported versions"). Unlike mmdet/mmseg, mmssl
# warns instead of asserting, so a newer combination can still be tried.
_TESTED = {'mmengine': '0.10.7', 'mmcv': '2.1.0'}


def _check_versions() -> None:
    for name, tested in _TESTED.items():
        try:
            module = __import__(name)
        except ImportError:
            warnings.warn(f'mmssl needs {name} (tested: {tested}); run '
                          'tools/setup_env.sh to install the tested stack.')
            continue
        version = getattr(module, '__version__', '?')
        if version != tested:
            warnings.warn(f'{name}=={version} is installed; mmssl is tested '
                          f'with {name}=={tested}.')


_check_versions()

from .utils.checkpoint import (  # noqa: E402
    register_atomic_local_backend,
    register_checkpoint_loaders,
)

# Keep torch.load(weights_only=True) and teach it mmengine's checkpoint types.
register_checkpoint_loaders()
# Checkpoints are written to a temporary name and renamed: a run killed while
# saving never leaves a partial checkpoint under the final name.
register_atomic_local_backend()

__all__ = ['__version__', 'version_info']
