# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's two stages and the selection between them run from their CPU
configs through tools/train.py, tools/tsddnet/select_candidates.py,
tools/test.py and the demo on a tiny synthetic ultrasound dataset; the
paper-scale BUSI configs build and run a few iterations on a tiny BUSI
folder converted by tools/data/busi_to_coco.py."""
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from mmssl.datasets.synthetic import make_ultrasound_dataset
from tests.helpers.runner_utils import ROOT, set_data_root

TSD_DIR = osp.join(ROOT, 'configs', 'tsddnet')
DET = osp.join(TSD_DIR, 'faster-rcnn_r18_fpn_40e_synthetic-bus-stage1.py')
CLS = osp.join(TSD_DIR, 'lesion-cls_r18_50e_synthetic-bus-stage1.py')
STAGE2 = osp.join(TSD_DIR, 'tsddnet_r18_fpn_6e_synthetic-bus.py')


@pytest.fixture(scope='module')
def bus(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('bus'))
    make_ultrasound_dataset(root, num_train=16, num_val=4, num_test=4,
                            size=64, seed=1)
    return root + '/'


def _opts(root, evaluators=('val_evaluator', 'test_evaluator')):
    out = []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        out.append(f'{key}.dataset.data_root={root}')
    for key, split in zip(evaluators, ('val', 'test')):
        out.append(f'{key}.0.ann_file={root}annotations/{split}.json')
    return out


def test_two_stages_through_the_tools(bus, tmp_path):
    from demo import image_demo
    from tools import test as test_tool
    from tools import train as train_tool
    from tools.tsddnet import select_candidates
    short = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
             'train_dataloader.dataset.box_fraction=0.5']
    det_dir, cls_dir = tmp_path / 'det', tmp_path / 'cls'
    train_tool.main([DET, '--work-dir', str(det_dir), '--cfg-options'] +
                    _opts(bus) + short)
    split = det_dir / 'split.json'
    assert len(json.load(open(split))['labeled']) == 8
    cls_opts = [o for o in _opts(bus) if 'evaluator' not in o]
    train_tool.main([CLS, '--work-dir', str(cls_dir), '--cfg-options'] +
                    cls_opts + short +
                    [f'train_dataloader.dataset.split_file={split}'])
    out_json = str(tmp_path / 'selected.json')
    sel_opts = [f'train_dataloader.dataset.data_root={bus}',
                'selection.options.score_thr=0.0',
                'selection.options.cls_thr=0.0']
    result = select_candidates.main([
        STAGE2, '--det-checkpoint', str(det_dir / 'epoch_1.pth'),
        '--cls-checkpoint', str(cls_dir / 'epoch_1.pth'),
        '--split-file', str(split), '--out', out_json,
        '--work-dir', str(tmp_path / 'select'), '--cfg-options'] + sel_opts)
    assert result['manual'] == 8 and result['class_only'] == 8
    records = json.load(open(tmp_path / 'select' / 'selection.json'))
    assert len(records['records']) == 16
    selected = json.load(open(out_json))
    kinds = {im['selection']['kind'] for im in selected['images']}
    assert kinds == {'manual', 'class_only'}
    # every boxed image keeps a box; thresholds 0: a pseudo box per
    # class-only image as long as the detector found anything
    assert len(selected['annotations']) == 8 + result['pseudo']
    # cross-fitting: one classifier per fold scores that fold's boxes
    # (here the same checkpoint twice: the plumbing, not the training)
    crossfit = select_candidates.main([
        STAGE2, '--det-checkpoint', str(det_dir / 'epoch_1.pth'),
        '--cls-checkpoint', str(cls_dir / 'epoch_1.pth'),
        '--cls-fold-checkpoints', str(cls_dir / 'epoch_1.pth'),
        str(cls_dir / 'epoch_1.pth'), '--split-file', str(split),
        '--out', str(tmp_path / 'crossfit.json'),
        '--work-dir', str(tmp_path / 'select_cf'), '--cfg-options'] +
        sel_opts)
    assert crossfit['cross_fit'] == 2 and crossfit['manual'] == 8
    assert crossfit['class_only'] == 8
    stage1 = str(tmp_path / 'select' / 'stage1.pth')
    # B1: stage 1 as it is, evaluated as one model
    metrics = test_tool.main([
        STAGE2, stage1, '--work-dir', str(tmp_path / 'b1'),
        '--cfg-options', 'model.fusion=False'] + _opts(bus))
    assert 'diag/auc' in metrics and 'coco/bbox_mAP_50' in metrics
    # stage 2: the fusion network with self-distillation
    s2_dir = tmp_path / 's2'
    train_tool.main([STAGE2, '--work-dir', str(s2_dir), '--cfg-options'] +
                    _opts(bus) + [
                        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                        f'train_dataloader.dataset.ann_file={out_json}',
                        f'load_from={stage1}'])
    metrics = test_tool.main([
        STAGE2, str(s2_dir / 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 's2_test'), '--show-dir', 'shown',
        '--cfg-options'] + _opts(bus))
    # mmdet's visualization hook drew the test images
    import glob
    assert glob.glob(str(tmp_path / 's2_test' / '*' / 'shown' / '*.png'))
    for key in ('diag/auc', 'diag/accuracy', 'diag/sensitivity',
                'diag/specificity', 'coco/bbox_mAP'):
        assert key in metrics
    # the demo on a grayscale photo of another size
    photo = tmp_path / 'photo.png'
    Image.fromarray(np.random.default_rng(0).integers(
        0, 255, (90, 70), np.uint8)).save(photo)
    out = image_demo.main([str(photo), STAGE2, str(s2_dir / 'epoch_1.pth'),
                           '--show-dir', str(tmp_path / 'demo')])
    pred = out['predictions'][0]
    assert set(pred['probs']) == {'benign', 'malignant'}
    assert sum(pred['probs'].values()) == pytest.approx(1., abs=1e-5)
    x0, y0, x1, y1 = pred['bbox']
    assert 0 <= x0 < x1 <= 70 + 1e-3 and 0 <= y0 < y1 <= 90 + 1e-3
    assert osp.isfile(out['visualization'][0])
    # a stage-1 checkpoint is refused by the demo with a clear message
    with pytest.raises(ValueError, match='needs a TSDDNet'):
        image_demo.main([str(photo), CLS, str(cls_dir / 'epoch_1.pth')])


def _tiny_busi(root):
    rng = np.random.default_rng(0)
    for diagnosis, n in (('benign', 4), ('malignant', 4), ('normal', 1)):
        (root / diagnosis).mkdir(parents=True)
        for i in range(n):
            name = f'{diagnosis} ({i + 1})'
            img = rng.integers(0, 255, (48, 64), np.uint8)
            Image.fromarray(img).save(root / diagnosis / f'{name}.png')
            mask = np.zeros((48, 64), np.uint8)
            if diagnosis != 'normal':
                mask[10 + i:30, 12:40 - i] = 255
            Image.fromarray(mask).save(root / diagnosis / f'{name}_mask.png')
    return root


@pytest.mark.parametrize('name', ['faster-rcnn_r50_fpn_12e_busi-stage1.py',
                                  'lesion-cls_r50_50e_busi-stage1.py',
                                  'tsddnet_r50_fpn_24e_busi.py',
                                  'faster-rcnn_r18_fpn_12e_busi-cpu-stage1.py',
                                  'lesion-cls_r18_24e_busi-cpu-stage1.py',
                                  'tsddnet_r18_fpn_2e_busi-cpu.py'])
def test_paper_busi_configs_run(name, tmp_path):
    from tools.data import busi_to_coco

    # the configs' layout: data/busi (BUSI's folder or the one above it),
    # data/busi_coco (what busi_to_coco.py writes)
    data = tmp_path / 'data'
    _tiny_busi(data / 'busi' / 'Dataset_BUSI_with_GT')
    coco = data / 'busi_coco'
    busi_to_coco.main([str(data / 'busi'), '--folds', '2', '--out-dir',
                       str(coco), '--box-fraction', '0.5'])
    fold = json.load(open(coco / 'fold0_train.json'))
    assert {im['diagnosis'] for im in fold['images']} == {'benign',
                                                          'malignant'}
    cfg = Config.fromfile(osp.join(TSD_DIR, name))
    cfg.work_dir = str(tmp_path / 'run')
    set_data_root(cfg._cfg_dict, str(data) + '/')
    box_split = 'data/busi_coco/fold0_train_box20_seed0.json'
    assert cfg.train_dataloader.dataset.get('split_file') in (box_split,
                                                              None)
    for dl in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[dl].num_workers = 0
        cfg[dl].persistent_workers = False
        cfg[dl].batch_size = 2
    for m in (cfg.model, cfg.model.get('classifier') or {}):
        if 'backbone' in m and 'r50' in name:
            assert m.backbone.init_cfg.checkpoint == \
                'checkpoints/resnet50-19c8e357.pth'
            m.backbone.init_cfg = None
    if name.startswith('tsddnet'):
        # paper scale 24; the CPU suite's budget 2 (the config's header)
        assert cfg.train_cfg.max_epochs == (24 if 'r50' in name else 2)
        assert cfg.model.alpha == 0.5
        assert cfg.selection.dataset.split_file == box_split
        # class-only images and the selection's json: here the fold's
        # json with half of the boxes
        cfg.train_dataloader.dataset.ann_file = 'busi_coco/fold0_train.json'
        cfg.load_from = None
    cfg.train_dataloader.dataset.split_file = str(
        coco / 'fold0_train_box50_seed0.json')
    cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter >= 1
