# Copyright (c) mmssl contributors. All rights reserved.
"""UpCycling through its tools on tiny synthetic KITTI-layout scenes:
stage 1 (tools/train.py), feature export, the raw-point mean teacher, then
with every unlabeled .bin deleted: UpCycling (F-GT + hybrid labels) and
the naive feature arm train, UpCycling resumes, tools/test.py evaluates
with the KITTI metric, and the point-cloud demo runs. The paper-scale
KITTI config builds and runs a few iterations."""
import glob
import json
import os
import os.path as osp

import mmengine
import numpy as np
import pytest
import torch

from tests.helpers.runner_utils import ROOT

CFG = osp.join(ROOT, 'configs', 'upcycling')
STAGE1 = osp.join(CFG,
                  'pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1.py')
UPCYCLING = osp.join(
    CFG, 'upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py')
RAW = osp.join(
    CFG,
    'meanteacher-raw_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py')
RAW_GTS = osp.join(
    CFG, 'meanteacher-raw-gts_pointpillars_secfpn_600i_synthetic-kitti-'
    '3class-l5.py')
NAIVE = osp.join(
    CFG, 'naive-feat_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py')
KITTI_STAGE1 = osp.join(
    CFG, 'pointpillars_hv_secfpn_8xb6-80e_kitti-3d-3class-l2-stage1.py')
KITTI_UPCYCLING = osp.join(
    CFG, 'upcycling_pointpillars_hv_secfpn_8xb2-27k_kitti-3d-3class-l2.py')
TAG = 'l0.5_s0'
SHORT = ['val_dataloader.num_workers=0',
         'val_dataloader.persistent_workers=False',
         'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False',
         'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False']


def _make_kitti(root, num_train, num_val):
    from mmssl.datasets.synthetic import make_synthetic_kitti
    from tools.data import kitti_infos
    make_synthetic_kitti(str(root), num_train=num_train, num_val=num_val,
                         seed=0)
    kitti_infos.main([str(root), '--labeled-fraction', '0.5', '--seed', '0'])
    return str(root) + '/'


@pytest.fixture(scope='module')
def kitti(tmp_path_factory):
    return _make_kitti(tmp_path_factory.mktemp('kitti'), 8, 4)


def _semi(iters):
    return [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            f'default_hooks.checkpoint.interval={iters}',
            'train_dataloader.batch_size=2',
            'train_dataloader.sampler.batch_size=2',
            'default_hooks.logger.interval=1']


def test_upcycling_through_the_tools(kitti, tmp_path):
    from demo import pcd_demo
    from tools import test as test_tool
    from tools import train as train_tool
    from tools.benchmark.upcycling_benchmark import (
        fgt_opts,
        kitti_opts,
        point_gts_opts,
    )
    from tools.upcycling import export_features

    # stage 1 = supervised only, on the 4 labeled scenes
    s1_dir = tmp_path / 'stage1'
    s1_opts = kitti_opts('stage1', kitti, TAG)
    train_tool.main([STAGE1, '--work-dir', str(s1_dir), '--cfg-options'] +
                    s1_opts + SHORT + [
                        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                        'train_dataloader.dataset.times=1'])
    stage1 = str(s1_dir / 'epoch_1.pth')
    assert osp.isfile(stage1)

    # the vehicle side: features of the 4 unlabeled scenes + F-GT bank
    feat_dir = str(tmp_path / 'features')
    feat_opts = kitti_opts('features', kitti, TAG, feat_dir)
    meta = export_features.main([UPCYCLING, stage1, '--cfg-options'] +
                                feat_opts)
    assert meta['num_scenes'] == 4 and meta['split'] == 'scatter'
    assert meta['bytes_per_scene_features'] > 0
    assert meta['bytes_per_scene_points'] > 0
    # one file per unlabeled frame, named by its frame id
    unl = mmengine.load(osp.join(kitti, f'kitti_infos_train_unlabeled_'
                                 f'{TAG}.pkl'))['data_list']
    index = mmengine.load(osp.join(feat_dir, 'index.pkl'))['data_list']
    assert [d['sample_idx'] for d in index] == \
        [d['sample_idx'] for d in unl]
    assert sorted(osp.basename(p) for p in glob.glob(
        osp.join(feat_dir, '*.npz'))) == sorted(
            f"{d['sample_idx']:06d}.npz" for d in unl)

    # the diagnosis: the stage-1 model's pseudo labels on those features
    # against the labels the unlabeled scenes have in the full train infos
    from tools.upcycling import pseudo_label_quality
    q = pseudo_label_quality.main([
        UPCYCLING, stage1, '--feature-dir', feat_dir, '--ann-file',
        osp.join(kitti, 'kitti_infos_train.pkl'), '--score-thrs', '0',
        '0.5', '--out', str(tmp_path / 'pl.json'), '--cfg-options'] +
        feat_opts)
    assert q['num_scenes'] == 4 and q['classes'] == ['Pedestrian',
                                                     'Cyclist', 'Car']
    full = mmengine.load(osp.join(kitti, 'kitti_infos_train.pkl'))
    ids = {d['sample_idx'] for d in unl}
    cars = sum(i['bbox_label_3d'] == 2 for d in full['data_list']
               if d['sample_idx'] in ids for i in d['instances'])
    low, high = q['rows']
    assert 0 < low['2']['num_gt'] <= cars  # some may lie out of range
    assert low['2']['num_pred'] >= high['2']['num_pred']
    assert json.load(open(tmp_path / 'pl.json'))['num_scenes'] == 4
    # the float16 pillar map and the calibration, no points
    with np.load(glob.glob(osp.join(feat_dir, '*.npz'))[0]) as f:
        assert sorted(f.files) == ['cam2img', 'feat_0', 'lidar2cam']
        assert f['feat_0'].dtype == np.float16
        assert list(f['feat_0'].shape) == [32, 128, 128]
    bank = torch.load(osp.join(feat_dir, 'fgt_bank.pth'), weights_only=True)
    assert len(bank['bank']) > 0
    assert len(bank['bank'][0]['patches']) == 1

    # the raw-data reference reads the unlabeled raw points
    raw_opts = kitti_opts('points', kitti, TAG) + [f'load_from={stage1}']
    train_tool.main([RAW, '--work-dir', str(tmp_path / 'raw'),
                     '--cfg-options'] + raw_opts + SHORT + _semi(1) +
                    ['train_cfg.val_interval=100'])
    assert osp.isfile(tmp_path / 'raw' / 'iter_1.pth')
    # ... and with GT sampling into them (the labeled GT database)
    gts_opts = kitti_opts('points', kitti, TAG) + point_gts_opts(
        RAW_GTS, kitti, TAG) + [f'load_from={stage1}']
    assert any('kitti_dbinfos_train_labeled_' in o for o in gts_opts)
    train_tool.main([RAW_GTS, '--work-dir', str(tmp_path / 'raw_gts'),
                     '--cfg-options'] + gts_opts + SHORT + _semi(2) +
                    ['train_cfg.val_interval=100'])
    logs = glob.glob(str(tmp_path / 'raw_gts' / '*' / 'vis_data' /
                         'scalars.json'))
    scalars = [json.loads(line) for line in open(logs[0])]
    assert any(s.get('unsup_num_pasted', 0) > 0 for s in scalars)

    # from here on the unlabeled scenes' raw points are gone
    split = json.load(open(osp.join(kitti, 'splits', f'split_{TAG}.json')))
    for i in split['unlabeled']:
        os.remove(osp.join(kitti, 'training', 'velodyne',
                           f"{split['names'][i]}.bin"))
    up_dir = tmp_path / 'upcycling'
    up_opts = feat_opts + fgt_opts(UPCYCLING, feat_dir) + [
        f'load_from={stage1}']
    train_tool.main([UPCYCLING, '--work-dir', str(up_dir), '--cfg-options'] +
                    up_opts + SHORT + _semi(2))
    ckpt = up_dir / 'iter_2.pth'
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    assert bool(state['state_dict']['teacher_ready'])
    logs = glob.glob(str(up_dir / '*' / 'vis_data' / 'scalars.json'))
    scalars = [json.loads(line) for line in open(logs[0])]
    trained = [s for s in scalars if 'unsup_loss_cls' in s]
    assert trained and all(s['unsup_num_pasted'] > 0 for s in trained)
    # an interrupted run resumes (student, teacher, optimizer, iteration)
    train_tool.main([UPCYCLING, '--work-dir', str(up_dir), '--resume',
                     '--cfg-options'] + up_opts + SHORT + _semi(3))
    ckpt = up_dir / 'iter_3.pth'
    assert osp.isfile(ckpt)
    logs = sorted(glob.glob(str(up_dir / '*' / 'vis_data' / 'scalars.json')))
    resumed = [json.loads(line) for line in open(logs[-1])]
    assert [s['iter'] for s in resumed if 'loss' in s] == [3]
    # the naive feature-augmentation arm also needs no raw points
    train_tool.main([NAIVE, '--work-dir', str(tmp_path / 'naive'),
                     '--cfg-options'] + feat_opts + SHORT + _semi(1) +
                    [f'load_from={stage1}', 'train_cfg.val_interval=100'])
    assert osp.isfile(tmp_path / 'naive' / 'iter_1.pth')
    # features (and bank) of another front end than load_from's are
    # refused: the raw-point arm trained its front end
    assert bank['front_sha256'] == meta['front_sha256']
    with pytest.raises(ValueError, match='load_from must be the stage-1'):
        train_tool.main([UPCYCLING, '--work-dir', str(tmp_path / 'wrong'),
                         '--cfg-options'] + feat_opts +
                        fgt_opts(UPCYCLING, feat_dir) + SHORT + _semi(1) +
                        [f'load_from={tmp_path / "raw" / "iter_1.pth"}',
                         'train_cfg.val_interval=100'])

    metrics = test_tool.main([UPCYCLING, str(ckpt), '--work-dir',
                              str(tmp_path / 'test'), '--show-dir',
                              str(tmp_path / 'show'), '--cfg-options'] +
                             up_opts + SHORT)
    key = 'Kitti metric/pred_instances_3d/KITTI/Car_3D_AP40_moderate_strict'
    assert 0 <= metrics[key] <= 100
    # --show-dir: one bird's-eye view per test scene, named by the scan
    val = mmengine.load(osp.join(kitti, 'kitti_infos_val.pkl'))['data_list']
    shown = sorted(glob.glob(str(tmp_path / 'show' / '*.png')))
    assert [osp.basename(p) for p in shown] == sorted(
        osp.splitext(osp.basename(d['lidar_points']['lidar_path']))[0] +
        '.png' for d in val)
    assert all(osp.getsize(p) > 0 for p in shown)

    # demo: a val scene (its raw points still exist) -> PNG + KITTI lines
    scene = osp.join(kitti, 'training', 'velodyne', '000008.bin')
    out = str(tmp_path / 'demo' / 'bev.png')  # the folder is made
    result = pcd_demo.main([scene, UPCYCLING, str(ckpt), '--out', out,
                            '--score-thr', '0.0'])
    assert osp.getsize(out) > 1000
    assert len(result['lines']) == len(result['boxes'])
    for line in result['lines']:
        fields = line.split()
        assert fields[0] in ('Pedestrian', 'Cyclist', 'Car')
        assert len(fields) in (16, 10)  # KITTI label + score, or LiDAR


def test_missing_features_and_bank_are_clear(kitti, tmp_path):
    from mmssl.datasets.bev_features import (
        BEVFeatureDataset,
        load_scene_features,
        save_scene_features,
    )
    with pytest.raises(FileNotFoundError, match='export_features'):
        BEVFeatureDataset(str(tmp_path))
    with pytest.raises(FileNotFoundError, match='missing feature file'):
        load_scene_features(str(tmp_path / 'nope.npz'))
    path = str(tmp_path / 'a.npz')
    size = save_scene_features(path, [torch.ones(2, 4, 4)],
                               lidar2cam=np.eye(4), cam2img=np.eye(4))
    assert size == osp.getsize(path)
    data = load_scene_features(path)
    assert data['maps'][0].dtype == np.float16
    with open(path, 'r+b') as f:
        f.truncate(size // 2)
    with pytest.raises(ValueError, match='corrupt feature file'):
        load_scene_features(path)


def test_paper_scale_kitti_configs_run(tmp_path):
    """The KITTI configs (mmdet3d's full PointPillars, 3 classes, labeled
    2 %) build and run: stage 1 for an epoch, export, UpCycling for two
    iterations (generated scenes, batch 2 instead of 8 GPUs x 6)."""
    from tools import train as train_tool
    from tools.benchmark.upcycling_benchmark import fgt_opts, kitti_opts
    from tools.upcycling import export_features
    root = _make_kitti(tmp_path / 'kitti', 4, 2)
    s1_dir = tmp_path / 'stage1'
    train_tool.main([KITTI_STAGE1, '--work-dir', str(s1_dir),
                     '--cfg-options'] + kitti_opts('stage1', root, TAG) +
                    SHORT + ['train_cfg.max_epochs=1',
                             'train_cfg.val_interval=1',
                             'train_dataloader.batch_size=2',
                             'train_dataloader.dataset.times=1'])
    stage1 = str(s1_dir / 'epoch_1.pth')
    feat_dir = str(tmp_path / 'features')
    opts = kitti_opts('features', root, TAG, feat_dir)
    meta = export_features.main([KITTI_UPCYCLING, stage1, '--cfg-options'] +
                                opts)
    # mmdet3d's KITTI grid: 496 x 432 pillars of 64 features
    assert meta['shapes'] == [[64, 496, 432]]
    up_dir = tmp_path / 'upcycling'
    train_tool.main([KITTI_UPCYCLING, '--work-dir', str(up_dir),
                     '--cfg-options'] + opts +
                    fgt_opts(KITTI_UPCYCLING, feat_dir) + SHORT +
                    _semi(2) + [f'load_from={stage1}'])
    assert osp.isfile(up_dir / 'iter_2.pth')
