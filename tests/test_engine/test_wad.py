# Copyright (c) mmssl contributors. All rights reserved.
"""WAD's stages through mmengine: the SimCLR teacher trained from its
config (inside the WAD run when no checkpoint is given), knowledge saved per
round, instances moved to the labeled set, and exact resume (mid-round and
at a round boundary)."""
import json
import os.path as osp
import uuid

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from tests.helpers.runner_utils import ROOT, Interrupted

WAD = osp.join(ROOT, 'configs', 'wad', 'wad_digits-cnn_6x1500_digits-6-24.py')
TEACHER = osp.join(ROOT, 'configs', 'wad',
                   'wad-teacher_simclr_digits-cnn_4k_digits-6-24.py')


def _teacher_cfg(tmp_path, iters=20):
    path = tmp_path / 'teacher_short.py'
    path.write_text(f"_base_ = ['{TEACHER}']\n"
                    f'train_cfg = dict(max_iters={iters})\n'
                    f'default_hooks = dict(checkpoint=dict(interval='
                    f'{iters}))\n')
    return str(path)


def _wad_cfg(work_dir, teacher_cfg, checkpoint=None, iters=10, rounds=2):
    cfg = Config.fromfile(WAD)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'wad-{uuid.uuid4().hex[:8]}'
    cfg.train_cfg.teacher = dict(config=teacher_cfg, checkpoint=checkpoint)
    cfg.train_cfg.rounds = rounds
    cfg.train_cfg.iters_per_round = iters
    # A faster transfer schedule so that both rounds move instances.
    cfg.train_cfg.alpha = 0.3
    cfg.train_cfg.split = 3
    cfg.default_hooks.checkpoint.interval = 5
    cfg.default_hooks.logger.interval = 5
    return cfg


@pytest.fixture(scope='module')
def teacher(tmp_path_factory):
    """Stage 1 trained inside a WAD run (checkpoint=None), and that run."""
    tmp = tmp_path_factory.mktemp('wad')
    cfg = _wad_cfg(tmp / 'run', _teacher_cfg(tmp))
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    ckpt = open(tmp / 'run' / 'teacher' / 'last_checkpoint').read().strip()
    assert open(tmp / 'run' / 'teacher' / 'teacher_done.txt').read() == ckpt
    return dict(tmp=tmp, cfg_path=_teacher_cfg(tmp), ckpt=ckpt,
                metrics=metrics, run=tmp / 'run')


def test_stages_run_and_save_their_outputs(teacher):
    assert osp.basename(teacher['ckpt']) == 'iter_20.pth'
    assert set(teacher['metrics']) == {
        'openset/closed_acc', 'openset/auroc', 'openset/balanced_acc',
        'openset/unknown_recall', 'openset/seen_rejected'}
    k1 = json.load(open(teacher['run'] / 'knowledge' / 'round1.json'))
    k2 = json.load(open(teacher['run'] / 'knowledge' / 'round2.json'))
    assert k1['teacher'] == teacher['ckpt']
    assert len(k1['unlabeled']) == len(k1['weights'])
    assert all(w >= 0 for w in k1['weights'])
    assert all(0 <= y < 6 for y in k1['pseudo_labels'])
    # Round 1 moved int(0.3 * (1 - 1/3)^2 * |U|) instances out of U.
    moved = int(0.3 * (2 / 3)**2 * len(k1['unlabeled']))
    assert len(k2['unlabeled']) == len(k1['unlabeled']) - moved
    ckpt = torch.load(teacher['run'] / 'iter_20.pth', map_location='cpu',
                      weights_only=True)
    added = ckpt['message_hub']['runtime_info']['wad_added']
    # Saved at the end of round 2's training, before its transfer.
    assert len(added) == moved


def test_knowledge_diagnostics_from_true_labels(teacher):
    k1 = json.load(open(teacher['run'] / 'knowledge' / 'round1.json'))
    diag = k1['diagnostics']
    # recompute from the saved knowledge and the digits labels
    from mmssl.datasets import DigitsDataset
    labels = DigitsDataset(split='train', seed=0).get_gt_labels()
    split = json.load(open(teacher['run'] / 'split.json'))
    order = split['labeled'] + split['unlabeled']
    true = labels[[order[i] for i in k1['unlabeled']]]
    unseen = true >= 6
    w = torch.tensor(k1['weights'])
    assert diag['unseen_fraction'] == pytest.approx(unseen.mean())
    assert diag['unseen_weight_share'] == pytest.approx(
        float(w[torch.from_numpy(unseen)].sum() / w.sum()), abs=1e-5)
    pseudo = torch.tensor(k1['pseudo_labels'])
    seen = torch.from_numpy(~unseen)
    acc = float((pseudo[seen] == torch.from_numpy(true)[seen]).float()
                .mean() * 100)
    assert diag['teacher_anchor_acc'] == pytest.approx(acc, abs=1e-4)
    assert 0 <= diag['raw_pixel_anchor_acc'] <= 100
    by_class = diag['mean_weight_by_class']
    for c in np.unique(true):
        assert by_class[str(int(c))] == pytest.approx(
            float(w[torch.from_numpy(true == c)].mean()), abs=1e-5)
    assert 'raw_pixel_anchor_acc' not in json.load(open(
        teacher['run'] / 'knowledge' / 'round2.json'))['diagnostics']


def test_uniform_weights_ablation(teacher, tmp_path):
    cfg = _wad_cfg(tmp_path, teacher['cfg_path'], teacher['ckpt'], iters=2,
                   rounds=1)
    cfg.train_cfg.uniform_weights = True
    Runner.from_cfg(cfg).train()
    k1 = json.load(open(tmp_path / 'knowledge' / 'round1.json'))
    ref = json.load(open(teacher['run'] / 'knowledge' / 'round1.json'))
    assert set(k1['weights']) == {1.0}
    assert k1['pseudo_labels'] == ref['pseudo_labels']
    assert k1['diagnostics']['unseen_weight_share'] == pytest.approx(
        k1['diagnostics']['unseen_fraction'])


def test_teacher_checkpoint_is_reusable_by_path(teacher, tmp_path):
    cfg = _wad_cfg(tmp_path, teacher['cfg_path'], teacher['ckpt'], iters=4,
                   rounds=1)
    Runner.from_cfg(cfg).train()
    assert not osp.exists(tmp_path / 'teacher')
    k1 = json.load(open(tmp_path / 'knowledge' / 'round1.json'))
    # Same teacher, same seed, same round: the same knowledge.
    ref = json.load(open(teacher['run'] / 'knowledge' / 'round1.json'))
    assert k1['pseudo_labels'] == ref['pseudo_labels']
    assert k1['weights'] == pytest.approx(ref['weights'], abs=1e-6)


def test_missing_teacher_checkpoint_says_what_to_do(teacher, tmp_path):
    cfg = _wad_cfg(tmp_path, teacher['cfg_path'], str(tmp_path / 'no.pth'))
    with pytest.raises(FileNotFoundError, match='Train stage 1'):
        Runner.from_cfg(cfg).train()


@pytest.fixture(scope='module')
def full_run(teacher):
    """The uninterrupted reference run, with the stage-1 teacher by path."""
    work_dir = teacher['tmp'] / 'full'
    full = _wad_cfg(work_dir, teacher['cfg_path'], teacher['ckpt'])
    Runner.from_cfg(full).train()
    return torch.load(work_dir / 'iter_20.pth', weights_only=True)


@pytest.mark.parametrize('stop', [7, 10])
def test_resume_is_exact(teacher, full_run, tmp_path, stop):
    """Killed mid-round (7) or at a round boundary (10), then resumed."""
    part = _wad_cfg(tmp_path / 'part', teacher['cfg_path'], teacher['ckpt'])
    part.default_hooks.checkpoint.interval = 1 if stop == 7 else 10
    part.custom_hooks.append(dict(type='InterruptHook', at=stop,
                                  by_epoch=False))
    with pytest.raises(Interrupted):
        Runner.from_cfg(part).train()
    part.custom_hooks = part.custom_hooks[:-1]
    part.default_hooks.checkpoint.interval = 5
    part.resume = True
    part.experiment_name += '-resumed'
    Runner.from_cfg(part).train()
    a = full_run
    b = torch.load(tmp_path / 'part' / 'iter_20.pth', weights_only=True)
    for name, value in a['state_dict'].items():
        torch.testing.assert_close(value, b['state_dict'][name], msg=name)
    assert a['message_hub']['runtime_info']['wad_added'] == \
        b['message_hub']['runtime_info']['wad_added']
