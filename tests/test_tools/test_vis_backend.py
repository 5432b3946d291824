# Copyright (c) mmssl contributors. All rights reserved.
"""tools/train.py --vis-backend: TensorBoard gets the losses and the
heads' diagnostics (util_ratio) as scalars."""
import glob
import importlib.util
import os
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config

from mmssl.utils.config import add_vis_backend
from tests.helpers.runner_utils import ROOT

FIXMATCH = osp.join(ROOT, 'configs', 'fixmatch',
                    'fixmatch_digits-cnn_2k_digits-4.py')
# Four iterations, logged every iteration, no validation or
# checkpoint: a few seconds on a CPU.
FAST = ['max_iters=4', 'train_cfg.val_interval=1000',
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=1000']


def test_add_vis_backend_appends_once():
    cfg = Config(dict(visualizer=dict(
        type='Visualizer', vis_backends=[dict(type='LocalVisBackend')])))
    add_vis_backend(cfg, 'local')
    assert cfg.visualizer.vis_backends == [dict(type='LocalVisBackend')]
    cfg = Config(dict())
    add_vis_backend(cfg, 'local')
    assert cfg.visualizer.vis_backends == [dict(type='LocalVisBackend')]


def test_missing_backend_package_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, 'find_spec',
        lambda name, *a: None if name == 'wandb' else real(name, *a))
    with pytest.raises(ImportError, match=r"pip install -e '\.\[wandb\]'"):
        add_vis_backend(Config(dict()), 'wandb')


@pytest.mark.skipif(importlib.util.find_spec('tensorboard') is None,
                    reason='tensorboard is not installed (pip extra '
                    '`tensorboard`, tools/setup_env.sh installs it)')
def test_train_writes_diagnostics_to_tensorboard(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import (
        EventAccumulator,
    )
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'train.py'), FIXMATCH,
         '--work-dir', str(tmp_path), '--vis-backend', 'tensorboard',
         '--cfg-options', *FAST],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    events = glob.glob(str(tmp_path / '*' / 'vis_data' / 'events.out.*'))
    assert len(events) == 1, events
    acc = EventAccumulator(events[0])
    acc.Reload()
    tags = acc.Tags()['scalars']
    for tag in ('util_ratio', 'loss_u', 'loss', 'lr'):
        assert tag in tags, tags
    steps = [e.step for e in acc.Scalars('util_ratio')]
    assert steps == [1, 2, 3, 4]
    assert all(0 <= e.value <= 1 for e in acc.Scalars('util_ratio'))
