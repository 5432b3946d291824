# Copyright (c) mmssl contributors. All rights reserved.
"""`mim train mmssl CONFIG` through the ``mmssl/.mim`` extension that
setup.py builds (links to configs/, tools/, demo/, model-index.yml)."""
import importlib.util
import os
import os.path as osp
import runpy
import subprocess
import sys

import pytest

from tests.helpers.runner_utils import ROOT

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec('mim') is None,
    reason='openmim is not installed (pip extra `mim`; tools/setup_env.sh '
    'installs it)')


def _ensure_mim_extension():
    """What `pip install -e .` does to mmssl/.mim (setup.py's
    add_mim_extension), for a checkout installed before it existed."""
    if not osp.isfile(osp.join(ROOT, 'mmssl', '.mim', 'tools', 'train.py')):
        runpy.run_path(osp.join(ROOT, 'setup.py'),
                       run_name='mmssl_setup')['add_mim_extension']('symlink')


def _develop_layout(tmp_path):
    """A path entry where mmssl is found the way a `setup.py develop`
    install is: mim locates a package by its distribution's location, and
    pip's PEP 660 editable installs put that in site-packages, where no
    mmssl/.mim is (open-mmlab/mim#114)."""
    entry = tmp_path / 'site'
    entry.mkdir()
    egg = entry / 'mmssl.egg-info'
    egg.mkdir()
    from mmssl import __version__
    (egg / 'PKG-INFO').write_text(
        f'Metadata-Version: 2.1\nName: mmssl\nVersion: {__version__}\n')
    os.symlink(osp.join(ROOT, 'mmssl'), entry / 'mmssl')
    return str(entry)


def test_setup_links_configs_tools_and_model_index():
    _ensure_mim_extension()
    mim = osp.join(ROOT, 'mmssl', '.mim')
    for name in ('configs', 'tools', 'model-index.yml'):
        assert osp.exists(osp.join(mim, name)), name
    assert osp.isfile(osp.join(mim, 'configs', 'fixmatch',
                               'fixmatch_digits-cnn_2k_digits-4.py'))


def test_mim_train_and_test_find_config_by_name(tmp_path):
    _ensure_mim_extension()
    work_dir = tmp_path / 'work'
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=_develop_layout(tmp_path))
    # The config by file name only: mim looks it up in mmssl/.mim/configs.
    proc = subprocess.run(
        [sys.executable, '-m', 'mim', 'train', 'mmssl',
         'fixmatch_digits-cnn_2k_digits-4.py', '--work-dir', str(work_dir),
         '--cfg-options', 'max_iters=3', 'train_cfg.val_interval=1000',
         'default_hooks.logger.interval=1',
         'default_hooks.checkpoint.interval=3'],
        cwd=str(tmp_path), env=env, capture_output=True, text=True,
        timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'Training finished successfully' in out
    assert osp.join('.mim', 'tools', 'train.py') in out
    assert 'Iter(train) [3/3]' in out
    assert (work_dir / 'iter_3.pth').is_file()

    proc = subprocess.run(
        [sys.executable, '-m', 'mim', 'test', 'mmssl',
         'fixmatch_digits-cnn_2k_digits-4.py', '--checkpoint',
         str(work_dir / 'iter_3.pth'), '--work-dir', str(work_dir)],
        cwd=str(tmp_path), env=env, capture_output=True, text=True,
        timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'test results: accuracy/top1=' in out
