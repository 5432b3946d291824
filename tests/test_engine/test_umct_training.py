# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT and its baselines train from their phantom configs on tiny MSD
phantoms, save their split, and evaluate Dice/HD95 on the labels' own
grid through tools/test.py."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmssl.datasets.synthetic import make_phantom_msd
from tests.helpers.runner_utils import ROOT, set_data_root

UMCT_DIR = osp.join(ROOT, 'configs', 'umct')
UMCT = osp.join(UMCT_DIR, 'umct_asym-unet3d_750i_phantom-2l.py')
SUP_MV = osp.join(UMCT_DIR, 'supervised-mv_asym-unet3d_750i_phantom-2l.py')
SUP_SV = osp.join(UMCT_DIR, 'supervised-sv_asym-unet3d_750i_phantom-2l.py')
KEYS = {'seg3d/dice/organ', 'seg3d/dice/lesion', 'seg3d/hd95/organ',
        'seg3d/mDice'}


@pytest.fixture(scope='module')
def phantoms(tmp_path_factory):
    return make_phantom_msd(str(tmp_path_factory.mktemp('ph') / 'msd'),
                            num_training=5, num_test=1, seed=0)


def _short(path, work_dir, root, iters=4):
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir)
    set_data_root(cfg._cfg_dict, root)
    ds = cfg.train_dataloader.dataset
    (ds.get('dataset') or ds).cases = [0, 1, 2, 3]
    cfg.val_dataloader.dataset.cases = [4]
    cfg.test_dataloader.dataset.cases = [4]
    for pipe in (ds.get('labeled_pipeline'), ds.get('unlabeled_pipeline'),
                 ds.get('pipeline')):
        for t in pipe or []:
            if t['type'] == 'RandCropByPosNeg':
                t['size'] = 16
    cfg.model.backbone.channels = (4, 8)
    cfg.model.mc_samples = 2
    cfg.model.cot_start_iter = iters // 2
    cfg.train_cfg.max_iters = iters
    cfg.train_cfg.val_interval = iters
    cfg.default_hooks.checkpoint.interval = iters
    cfg.default_hooks.logger.interval = 1
    return cfg


@pytest.mark.parametrize('path', [UMCT, SUP_MV, SUP_SV],
                         ids=['umct', 'supervised-mv', 'supervised-sv'])
def test_phantom_configs_train_and_test(path, tmp_path, phantoms):
    full = Config.fromfile(path)
    assert full.train_cfg.max_iters == 750
    cfg = _short(path, tmp_path / 'run', phantoms)
    runner = Runner.from_cfg(cfg)
    runner.train()
    split = json.load(open(tmp_path / 'run' / 'split.json'))
    assert len(split['labeled']) == 2 and len(split['unlabeled']) == 2
    metrics = runner.val_loop.run()
    assert KEYS <= set(metrics)
    assert 0 <= metrics['seg3d/mDice'] <= 100
    ckpt = str(tmp_path / 'run' / 'iter_4.pth')
    state = torch.load(ckpt, map_location='cpu', weights_only=True)
    views = 1 if path == SUP_SV else 3
    assert sum(k.endswith('classifier.weight')
               for k in state['state_dict']) == views
    assert int(state['state_dict']['num_steps']) == 4
    log = open(next((tmp_path / 'run').glob('*/*.log'))).read()
    assert ('pseudo_fg_ratio' in log) == (path == UMCT)

    from tools import test as test_tool
    out = test_tool.main([path, ckpt, '--work-dir', str(tmp_path / 'test'),
                          '--show-dir', 'show', '--cfg-options',
                          f'test_dataloader.dataset.data_root={phantoms}',
                          'test_dataloader.dataset.cases=[4]',
                          'model.backbone.channels=[4,8]'])
    assert out['seg3d/mDice'] == pytest.approx(metrics['seg3d/mDice'])
    # --show-dir (relative: in the run's log folder): the test case's
    # label volume and montage
    shown = sorted(osp.basename(p) for p in glob.glob(
        str(tmp_path / 'test' / '*' / 'show' / '*')))
    assert shown == ['phantom_004_montage.png', 'phantom_004_pred.nii.gz']
    assert all(p.stat().st_size > 0
               for p in (tmp_path / 'test').glob('*/show/*'))

    if path != UMCT:
        return
    # the demo: a label volume nibabel reads back with the input's affine
    import nibabel as nib
    import numpy as np

    from demo import volume_demo
    volume = osp.join(phantoms, 'imagesTs', 'phantom_005.nii.gz')
    result = volume_demo.main([volume, '-', ckpt, '--out-dir',
                               str(tmp_path / 'demo')])
    saved, src = nib.load(result['nifti']), nib.load(volume)
    assert saved.shape == src.shape
    np.testing.assert_allclose(saved.affine, src.affine)
    assert set(np.unique(np.asarray(saved.dataobj))) <= {0, 1, 2}
    assert osp.getsize(result['montage']) > 0


@pytest.mark.parametrize('name', ['umct_asym-unet3d_25k_nih-pancreas-6l.py',
                                  'umct_asym-unet3d_25k_nih-pancreas-12l.py',
                                  'umct_asym-unet3d_25k_lits-10l.py'])
def test_paper_configs_run_one_iteration(name, tmp_path, phantoms):
    """The NIH pancreas configs load, build and train one iteration (batch
    and patch shrunk for the CPU) on MSD-layout data."""
    path = osp.join(UMCT_DIR, name)
    cfg = Config.fromfile(path)
    assert cfg.train_cfg.max_iters == 25000
    assert cfg.model.cot_start_iter == 20000
    assert cfg.train_dataloader.sampler.source_ratio == [4, 16]
    assert cfg.train_dataloader.dataset.num_labeled in (6, 12, 10)
    assert len(cfg.train_dataloader.dataset.dataset.cases) + len(
        cfg.val_dataloader.dataset.cases) in (82, 131)
    cfg.work_dir = str(tmp_path)
    set_data_root(cfg._cfg_dict, phantoms)
    ds = cfg.train_dataloader.dataset
    ds.dataset.cases = [0, 1, 2, 3]
    ds.num_labeled = 1
    for pipe in (ds.labeled_pipeline, ds.unlabeled_pipeline):
        for t in pipe:
            if t['type'] == 'RandCropByPosNeg':
                t['size'] = 16
    cfg.train_dataloader.batch_size = 2
    cfg.train_dataloader.sampler.batch_size = 2
    cfg.train_dataloader.sampler.source_ratio = [1, 1]
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.model.backbone.channels = (4, 8, 16, 32)
    cfg.model.num_classes = 3  # the phantoms have organ and lesion
    cfg.model.cot_start_iter = 0
    cfg.model.mc_samples = 2
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 1
