# Copyright (c) mmssl contributors. All rights reserved.
"""Package metadata lives in setup.cfg; this file adds OpenMMLab's ``.mim``
extension (as mmdet's setup.py does) and keeps `pip install -e .` working
with older pip versions."""
import os
import os.path as osp
import shutil
import sys
import warnings

from setuptools import setup

ROOT = osp.dirname(osp.abspath(__file__))
# What `mim train/test mmssl CONFIG` looks for under mmssl/.mim.
MIM_FILES = ['tools', 'configs', 'demo', 'model-index.yml']


def add_mim_extension(mode=None):
    """Put ``tools``, ``configs``, ``demo`` and ``model-index.yml`` under
    ``mmssl/.mim`` so that OpenMMLab's ``mim`` finds them.

    Args:
        mode (str, optional): ``'symlink'`` (editable installs: links to
            the repository's files), ``'copy'`` (wheels and sdists) or None
            to pick from the setup command, as mmdet does.
    """
    if mode is None:
        if {'develop', 'editable_wheel'} & set(sys.argv):
            mode = 'symlink'
        elif {'sdist', 'bdist_wheel'} & set(sys.argv):
            mode = 'copy'
        else:
            return
    mim_path = osp.join(ROOT, 'mmssl', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for filename in MIM_FILES:
        src = osp.join(ROOT, filename)
        if not osp.exists(src):
            continue
        tar = osp.join(mim_path, filename)
        if osp.islink(tar) or osp.isfile(tar):
            os.remove(tar)
        elif osp.isdir(tar):
            shutil.rmtree(tar)
        if mode == 'symlink':
            try:
                os.symlink(osp.relpath(src, mim_path), tar)
            except OSError:  # no symlinks (Windows without privilege)
                mode = 'copy'
                warnings.warn(f'cannot link {tar}; copying instead')
        if mode == 'copy':
            if osp.isdir(src):
                shutil.copytree(src, tar, ignore=shutil.ignore_patterns(
                    '__pycache__', '*.pyc', 'records'))
            else:
                shutil.copyfile(src, tar)


if __name__ == '__main__':
    add_mim_extension()
    setup()
