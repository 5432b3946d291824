# Copyright (c) mmssl contributors. All rights reserved.
"""IOMatch and ShrinkMatch through the whole tool chain: short trainings
from their digits configs, tools/test.py with their metrics, the demo, and
the paper-scale CIFAR configs on tiny CIFAR-format data."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from tests.helpers.cifar import write_cifar10, write_cifar100
from tests.helpers.runner_utils import ROOT, set_data_root

IOMATCH = osp.join(ROOT, 'configs', 'iomatch',
                   'iomatch_digits-cnn_2k_digits-6-24.py')
SHRINKMATCH = osp.join(ROOT, 'configs', 'shrinkmatch',
                       'shrinkmatch_digits-cnn_2k_digits-4.py')
OPENSET_KEYS = {'openset/closed_acc', 'openset/auroc',
                'openset/balanced_acc', 'openset/unknown_recall',
                'openset/seen_rejected'}


def _short(path, work_dir, iters):
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_iters = iters
    cfg.train_cfg.val_interval = iters
    cfg.default_hooks.logger.interval = 10
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        by_epoch=False, interval=iters)
    return cfg


def test_iomatch_digits_train_test_and_demo(tmp_path, capsys):
    cfg = _short(IOMATCH, tmp_path / 'io', 30)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    assert set(metrics) == OPENSET_KEYS
    assert all(0 <= v <= 100 for v in metrics.values())
    ckpt = str(tmp_path / 'io' / 'iter_30.pth')
    state = torch.load(ckpt, map_location='cpu', weights_only=True)
    assert int(state['state_dict']['head.num_steps']) == 30
    assert 'head.openset_classifier.weight' in state['state_dict']

    from tools import test as test_tool
    out = test_tool.main([IOMATCH, ckpt, '--work-dir',
                          str(tmp_path / 'test'), '--show-dir',
                          str(tmp_path / 'show')])
    assert set(out) == OPENSET_KEYS
    # --show-dir: every test image with its predicted and true class
    shown = glob.glob(str(tmp_path / 'show' / '*.png'))
    assert len(shown) == len(runner.val_loop.dataloader.dataset) > 0

    # Demo on a digit image: the 6 seen classes' scores and the open-set
    # decision of the (K+1)-way classifier.
    import cv2

    from demo import image_demo
    from mmssl.datasets import DigitsDataset
    img = DigitsDataset(split='test', seed=0).get_data_info(0)['img']
    path = str(tmp_path / 'digit.png')
    cv2.imwrite(path, img)
    capsys.readouterr()
    results = image_demo.main([path, IOMATCH, ckpt, '--topk', '6'])
    pred = results['predictions'][0]
    assert len(pred['topk']) == 6
    assert {name for name, _ in pred['topk']} == set('012345')
    assert 0 <= pred['ood_score'] <= 1 and isinstance(pred['unknown'], bool)
    line = [ln for ln in capsys.readouterr().out.splitlines()
            if ln.startswith(path)][0]
    assert 'outlier score' in line
    assert line.startswith(f'{path}: unknown') == pred['unknown']


def test_shrinkmatch_digits_trains_with_its_state(tmp_path):
    cfg = _short(SHRINKMATCH, tmp_path / 'sm', 20)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.val_loop.run()['accuracy/top1'] >= 0
    state = torch.load(tmp_path / 'sm' / 'iter_20.pth', map_location='cpu',
                       weights_only=True)['state_dict']
    assert int(state['head.num_steps']) == 20
    assert 0 <= float(state['head.certain_ratio_ema']) <= 1
    assert int(state['head.dist_align.p_model_ptr']) == 20
    assert 'head.head_aux.0.weight' in state
    logs = glob.glob(str(tmp_path / 'sm' / '*' / 'vis_data' /
                         'scalars.json'))
    text = open(logs[0]).read()
    assert 'loss_shrink' in text and 'ratio_ema' in text


PAPER_CONFIGS = sorted(
    p for p in
    glob.glob(osp.join(ROOT, 'configs', 'iomatch', '*_cifar*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'shrinkmatch', '*_cifar*.py'))
    if 'cifar-cnn' not in p)  # the CPU-scale configs: test_cifar_cpu.py


@pytest.fixture(scope='module')
def tiny_cifar(tmp_path_factory):
    root = tmp_path_factory.mktemp('cifar')
    # 26 training images per class and batch file: enough for 25 labels per
    # class; 2 test images per class (seen and unseen classes).
    write_cifar10(root / 'c10', per_class=6, test_per_class=2)
    write_cifar100(root / 'c100', per_class=26, test_per_class=1)
    return root


def test_there_are_paper_configs():
    names = [osp.basename(p) for p in PAPER_CONFIGS]
    assert sum(n.startswith('iomatch') for n in names) == 6
    assert sum(n.startswith('shrinkmatch') for n in names) == 4


@pytest.mark.parametrize('path', PAPER_CONFIGS,
                         ids=[osp.basename(p) for p in PAPER_CONFIGS])
def test_paper_config_runs_on_tiny_cifar(path, tmp_path, tiny_cifar):
    """Each paper-scale config loads, builds and trains two iterations on
    CPU (batch shrunk to 2 labeled + 14 unlabeled), then evaluates."""
    cfg = _short(path, tmp_path, 2)
    assert cfg.train_cfg.max_iters == 2
    full = Config.fromfile(path)
    assert full.train_cfg.max_iters in (262144, 2 ** 20)
    is100 = 'cifar100' in osp.basename(path)
    set_data_root(cfg._cfg_dict, str(tiny_cifar / ('c100' if is100
                                                     else 'c10')))
    cfg.train_dataloader.batch_size = 16
    cfg.train_dataloader.sampler.batch_size = 16
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    for key in ('val_dataloader', 'test_dataloader'):
        cfg[key].num_workers = 0
        cfg[key].batch_size = 64
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    if 'iomatch' in path:
        assert set(metrics) == OPENSET_KEYS
        seen = cfg.train_dataloader.dataset.seen_classes
        assert runner.model.head.num_classes == len(seen)
    else:
        assert 'accuracy/top1' in metrics


def test_wad_paper_configs_run_on_tiny_cifar(tmp_path, tiny_cifar):
    """WAD's CIFAR-10 stage-1 and stage-2..4 configs: two teacher
    iterations, then two rounds of one student iteration, on tiny data
    (4 labels per seen class instead of 400)."""
    root = str(tiny_cifar / 'c10')
    wad_dir = osp.join(ROOT, 'configs', 'wad')
    teacher = Config.fromfile(osp.join(
        wad_dir, 'wad-teacher_simclr_resnet18_700e_cifar10-2-800-m0.8.py'))
    assert teacher.train_cfg.max_iters == 700 * 1463
    teacher.work_dir = str(tmp_path / 'teacher')
    teacher.train_cfg.max_iters = 2
    teacher.default_hooks.checkpoint.interval = 2
    teacher.train_dataloader.batch_size = 8
    teacher.train_dataloader.num_workers = 0
    teacher.train_dataloader.dataset.num_labels_per_class = 4
    set_data_root(teacher._cfg_dict, root)
    Runner.from_cfg(teacher).train()

    cfg = Config.fromfile(osp.join(
        wad_dir, 'wad_wrn-28-2_6x1500_cifar10-2-800-m0.8.py'))
    assert cfg.train_cfg.rounds == 6 and cfg.train_cfg.iters_per_round == 1500
    cfg.work_dir = str(tmp_path / 'student')
    cfg.train_cfg.teacher.checkpoint = str(tmp_path / 'teacher' /
                                           'iter_2.pth')
    cfg.train_cfg.iters_per_round = 1
    cfg.train_cfg.rounds = 2
    cfg.train_cfg.labeled_batch_size = 4
    cfg.train_cfg.unlabeled_batch_size = 4
    cfg.default_hooks.checkpoint.interval = 1
    cfg.train_dataloader.dataset.num_labels_per_class = 4
    cfg.val_dataloader.num_workers = 0
    cfg.test_dataloader.num_workers = 0
    set_data_root(cfg._cfg_dict, root)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    assert osp.isfile(tmp_path / 'student' / 'knowledge' / 'round2.json')
    assert set(runner.val_loop.run()) == OPENSET_KEYS
