# Copyright (c) mmssl contributors. All rights reserved.
"""The cifar10-cpu suite's configs train and evaluate end to end on a tiny
CIFAR-10 JPEG copy written by the test (every arm: supervised, FixMatch,
ShrinkMatch, IOMatch, the gates, WAD with its in-run teacher and the
all-weights-1 ablation), and log their diagnostics."""
import glob
import json
import os.path as osp

import pytest
from mmengine.runner import Runner

from mmssl.utils.config import load_config
from tests.helpers.cifar import write_cifar10_jpeg
from tests.helpers.runner_utils import ROOT, load_script, set_data_root

CPU_CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '*',
                                  '*cifar-cnn*cifar10-jpg*.py'))
    if '/wad/' not in p)
OPENSET_KEYS = {'openset/closed_acc', 'openset/auroc',
                'openset/balanced_acc', 'openset/unknown_recall',
                'openset/seen_rejected'}


@pytest.fixture(scope='module')
def tiny_jpeg(tmp_path_factory):
    # 26 training images per class: enough for 25 labels per class.
    return write_cifar10_jpeg(tmp_path_factory.mktemp('c10jpg'),
                              train_per_class=26, test_per_class=2)


def _shrink(cfg, tmp_path, root, iters=2):
    cfg.work_dir = str(tmp_path)
    set_data_root(cfg._cfg_dict, str(root))
    dataset = cfg.train_dataloader.dataset
    if dataset.get('num_labels'):
        dataset.num_labels = 6  # instead of 800 airplanes/automobiles
    for key in ('val_dataloader', 'test_dataloader'):
        cfg[key].batch_size = 64
    if cfg.train_cfg.type == 'IterBasedTrainLoop':
        cfg.train_cfg.max_iters = iters
        cfg.train_cfg.val_interval = iters
        cfg.default_hooks.checkpoint.interval = iters
    cfg.default_hooks.logger.interval = 1
    return cfg


def test_there_are_cpu_configs():
    names = {osp.basename(p).split('_')[0] for p in CPU_CONFIGS}
    assert names == {'supervised', 'fixmatch', 'shrinkmatch', 'iomatch',
                     'shrinkmatch-noshrink'}
    assert len(CPU_CONFIGS) == 19


@pytest.mark.parametrize('path', CPU_CONFIGS,
                         ids=[osp.basename(p) for p in CPU_CONFIGS])
def test_cpu_config_trains_on_tiny_jpeg_copy(path, tmp_path, tiny_jpeg):
    cfg = load_config(path)
    full = load_config(path)
    # the suite's 5,000 steps; 15,000 in the standard-15k schedule probe
    assert full.train_cfg.max_iters == (15000 if '_15k_' in path else 5000)
    assert full.train_dataloader.batch_size in (8, 64)
    cfg = _shrink(cfg, tmp_path, tiny_jpeg)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    if 'jpg-250' in path or 'jpg-40' in path:
        assert 'accuracy/top1' in metrics
    else:
        assert set(metrics) == OPENSET_KEYS
    if 'supervised' in path:
        return
    text = open(glob.glob(str(tmp_path / '*' / 'vis_data' /
                              'scalars.json'))[0]).read()
    # true labels reach the diagnostics (logging only)
    assert '"pl_acc"' in text
    if 'iomatch' in path:
        assert 'in_mask_unseen' in text and 'selected_seen' in text
    if 'inliers' in path or '-m0.py' in path:
        split = json.load(open(tmp_path / 'split.json'))
        assert split['unseen_ratio'] == 0.0


def test_wad_cpu_configs_teacher_student_and_ablation(tmp_path, tiny_jpeg):
    wad = osp.join(ROOT, 'configs', 'wad',
                   'wad_cifar-cnn_6x1500_cifar10-jpg-2-800-m0.8.py')
    teacher_cfg = tmp_path / 'teacher.py'
    teacher_cfg.write_text(
        f"_base_ = [{osp.join(ROOT, 'configs', 'wad', 'wad-teacher_simclr_cifar-cnn_4k_cifar10-jpg-2-800-m0.8.py')!r}]\n"  # noqa: E501
        f"train_cfg = dict(max_iters=2)\n"
        f"default_hooks = dict(checkpoint=dict(interval=2))\n"
        f"train_dataloader = dict(dataset=dict(num_labels=6, dataset=dict("
        f"data_root={str(tiny_jpeg)!r})))\n")
    results = {}
    for name, uniform in (('wad', False), ('w1', True)):
        cfg = load_config(wad)
        assert cfg.train_cfg.rounds == 6
        cfg = _shrink(cfg, tmp_path / name, tiny_jpeg)
        cfg.train_cfg.teacher = dict(config=str(teacher_cfg),
                                     checkpoint=results.get('teacher'))
        cfg.train_cfg.rounds = 1
        cfg.train_cfg.iters_per_round = 2
        cfg.train_cfg.uniform_weights = uniform
        cfg.train_cfg.labeled_batch_size = 4
        cfg.train_cfg.unlabeled_batch_size = 4
        cfg.default_hooks.checkpoint.interval = 2
        runner = Runner.from_cfg(cfg)
        runner.train()
        assert set(runner.val_loop.run()) == OPENSET_KEYS
        k1 = json.load(open(tmp_path / name / 'knowledge' / 'round1.json'))
        results[name] = k1
        if name == 'wad':
            results['teacher'] = open(tmp_path / 'wad' / 'teacher' /
                                      'teacher_done.txt').read().strip()
    assert set(results['w1']['weights']) == {1.0}
    # the ablation reused the teacher: same pseudo labels
    assert results['w1']['pseudo_labels'] == results['wad']['pseudo_labels']
    diag = results['wad']['diagnostics']
    assert diag['unseen_fraction'] == pytest.approx(0.8, abs=0.02)
    assert 'raw_pixel_anchor_acc' in diag
    # the teacher-features probe reloads the run's split and teacher and
    # reproduces round 1's logged teacher and raw-pixel numbers
    probe = load_script('tools/analysis_tools/wad_teacher_features.py')
    probe.main([str(tmp_path / 'wad'), '--out', str(tmp_path / 'p.json')])
    rows = json.load(open(tmp_path / 'p.json'))['rows']
    assert set(rows) == {'head, random view (official)', 'head, plain image',
                         'encoder, plain image', 'raw pixels'}
    official = rows['head, random view (official)']
    assert official['anchor_acc'] == pytest.approx(diag['teacher_anchor_acc'])
    assert official['unseen_weight_share'] == pytest.approx(
        diag['unseen_weight_share'])
    assert rows['raw pixels']['anchor_acc'] == pytest.approx(
        diag['raw_pixel_anchor_acc'])


@pytest.mark.parametrize('path', sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', 'wad',
                                  'wad*_cifar-cnn_*cifar10-jpg*.py'))
    if 'wad-teacher' not in p), ids=osp.basename)
def test_wad_cpu_teacher_trains_on_the_students_split(path):
    """Each WAD CPU config names a teacher config drawn on the same split
    (labels, seen classes, mismatch) as its student."""
    cfg = load_config(path)
    teacher = load_config(osp.join(ROOT, cfg.train_cfg.teacher.config))
    for key in ('num_labels', 'seen_classes', 'unseen_ratio'):
        assert teacher.train_dataloader.dataset[key] == \
            cfg.train_dataloader.dataset[key], key
    # the checkpoint interval follows the round length
    assert cfg.default_hooks.checkpoint.interval == \
        cfg.train_cfg.iters_per_round
