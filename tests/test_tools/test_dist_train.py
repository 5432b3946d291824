# Copyright (c) mmssl contributors. All rights reserved.
"""Two CPU processes (gloo) train through tools/dist_train.sh."""
import os
import os.path as osp
import socket
import subprocess
import sys

import torch

from tests.helpers.runner_utils import DIGITS_CFG, ROOT

CFG = f'''
_base_ = [{DIGITS_CFG!r}]
custom_imports = dict(imports=['tests.helpers.runner_utils'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='DumpRankWeightsHook')]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=6,
                 val_interval=1000)
train_dataloader = dict(batch_size=16,
                        sampler=dict(type='InfiniteSampler', shuffle=True))
param_scheduler = []
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=6),
                     logger=dict(interval=2))
log_processor = dict(by_epoch=False)
val_cfg = None
val_dataloader = None
val_evaluator = None
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_process_training_ends_with_identical_weights(tmp_path):
    cfg_path = tmp_path / 'dist_cfg.py'
    cfg_path.write_text(CFG)
    work_dir = tmp_path / 'work'
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(_free_port()),
               OMP_NUM_THREADS='1')
    proc = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'), str(cfg_path), '2',
         '--work-dir', str(work_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'Distributed training: True' in proc.stdout + proc.stderr
    rank0 = torch.load(work_dir / 'rank0.pth', weights_only=True)
    rank1 = torch.load(work_dir / 'rank1.pth', weights_only=True)
    assert rank0.keys() == rank1.keys()
    params = [k for k in rank0 if not k.endswith(
        ('running_mean', 'running_var', 'num_batches_tracked'))]
    assert len(params) > 10
    for k in params:  # DDP keeps every parameter in sync
        assert torch.equal(rank0[k], rank1[k]), k
    # BN statistics are per rank (broadcast_buffers=False): they differ
    # because each rank trained on its own shard of the data.
    stats = [k for k in rank0 if k.endswith('running_mean')]
    assert any(not torch.equal(rank0[k], rank1[k]) for k in stats)
    assert (work_dir / 'iter_6.pth').is_file()
