# Copyright (c) mmssl contributors. All rights reserved.
"""SAT and the TS-CAM baseline through the tool chain: a short training
from the synthetic-CUB configs, tools/test.py with the WSOL metrics, the
demo on a real photo, and the paper configs on tiny data."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmssl.datasets.synthetic import make_synthetic_cub
from tests.helpers.runner_utils import ROOT, set_data_root

SAT_DIR = osp.join(ROOT, 'configs', 'sat')
PRETRAIN = osp.join(SAT_DIR, 'vit-t-p8_60e_synthetic-cub-pretrain.py')
SAT = osp.join(SAT_DIR, 'sat_vit-t-p8_30e_synthetic-cub.py')
TSCAM = osp.join(SAT_DIR, 'tscam_vit-t-p8_30e_synthetic-cub.py')
WSOL_KEYS = {'wsol/top1_cls', 'wsol/top5_cls', 'wsol/top1_loc',
             'wsol/top5_loc', 'wsol/gt_known_loc', 'wsol/maxboxacc_v2'}


@pytest.fixture(scope='module')
def tiny_cub(tmp_path_factory):
    return make_synthetic_cub(
        str(tmp_path_factory.mktemp('cub') / 'synthetic_cub'),
        num_classes=3, train_per_class=4, test_per_class=2, seed=0)


def _short(path, work_dir, root, epochs=1, pretrained=None):
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir)
    cfg.model.backbone.pretrained = pretrained
    set_data_root(cfg._cfg_dict, root)
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_begin = epochs
    cfg.train_cfg.val_interval = epochs
    cfg.default_hooks.checkpoint.interval = epochs
    cfg.train_dataloader.batch_size = 4
    return cfg


@pytest.fixture(scope='module')
def pretrained(tiny_cub, tmp_path_factory):
    """Stage 0: the classification-pretrained ViT (one epoch here)."""
    work_dir = tmp_path_factory.mktemp('pretrain')
    cfg = _short(PRETRAIN, work_dir, tiny_cub, epochs=1)
    assert Config.fromfile(PRETRAIN).train_cfg.max_epochs == 60
    Runner.from_cfg(cfg).train()
    return str(work_dir / 'epoch_1.pth')


@pytest.mark.parametrize('path', [SAT, TSCAM], ids=['sat', 'tscam'])
def test_synthetic_cub_train_test_and_demo(path, tmp_path, tiny_cub,
                                           pretrained, capsys):
    full = Config.fromfile(path)
    assert full.model.backbone.pretrained == \
        'checkpoints/vit-t-p8_synthetic-cub-pretrain.pth'
    assert full.optim_wrapper.optimizer.lr == 1e-4
    assert full.train_cfg.max_epochs == 30
    cfg = _short(path, tmp_path / 'run', tiny_cub, epochs=2,
                 pretrained=pretrained)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    assert WSOL_KEYS <= set(metrics)
    assert all(0 <= metrics[k] <= 100 for k in WSOL_KEYS)
    assert metrics['wsol/best_threshold'] in (0.30, 0.35, 0.40, 0.45)
    ckpt = str(tmp_path / 'run' / 'epoch_2.pth')
    state = torch.load(ckpt, map_location='cpu', weights_only=True)
    assert ('backbone.loc_token' in state['state_dict']) == (path == SAT)
    # the fine-tuning started from the pretrained backbone
    log = open(glob.glob(str(tmp_path / 'run' / '*' / '*.log'))[0]).read()
    assert f'loaded backbone weights from {pretrained}' in log

    from tools import test as test_tool
    show = str(tmp_path / 'show')
    out = test_tool.main([path, ckpt, '--work-dir', str(tmp_path / 'test'),
                          '--show-dir', show, '--cfg-options',
                          f'test_dataloader.dataset.data_root={tiny_cub}'])
    assert WSOL_KEYS <= set(out)
    assert len(glob.glob(osp.join(show, '*.png'))) == 6
    assert out['wsol/gt_known_loc'] == pytest.approx(
        metrics['wsol/gt_known_loc'])

    # Demo on scikit-image's cat photo: box in the photo's pixels, heatmap
    # and box drawn.
    import skimage

    from demo import image_demo
    photo = osp.join(osp.dirname(skimage.__file__), 'data', 'chelsea.png')
    capsys.readouterr()
    results = image_demo.main([photo, '-', ckpt, '--topk', '3',
                               '--show-dir', str(tmp_path / 'demo')])
    pred = results['predictions'][0]
    h, w = cv2.imread(photo).shape[:2]
    x0, y0, x1, y1 = pred['bbox']
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    assert pred['loc_map'].shape == (112, 112)
    assert 'box (x0, y0, x1, y1)' in capsys.readouterr().out
    drawn = cv2.imread(str(tmp_path / 'demo' / 'chelsea_pred.png'))
    assert drawn is not None and min(drawn.shape[:2]) >= h


def test_sat_resumes_from_a_checkpoint(tmp_path, tiny_cub):
    cfg = _short(SAT, tmp_path / 'a', tiny_cub, epochs=2)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.interval = 1
    Runner.from_cfg(cfg).train()
    full = torch.load(tmp_path / 'a' / 'epoch_2.pth', weights_only=True)

    cfg1 = _short(SAT, tmp_path / 'b', tiny_cub, epochs=1)
    cfg1.val_cfg = cfg1.val_dataloader = cfg1.val_evaluator = None
    Runner.from_cfg(cfg1).train()
    cfg2 = _short(SAT, tmp_path / 'b', tiny_cub, epochs=2)
    cfg2.val_cfg = cfg2.val_dataloader = cfg2.val_evaluator = None
    cfg2.default_hooks.checkpoint.interval = 1
    cfg2.resume = True
    Runner.from_cfg(cfg2).train()
    resumed = torch.load(tmp_path / 'b' / 'epoch_2.pth', weights_only=True)
    for key, value in full['state_dict'].items():
        torch.testing.assert_close(resumed['state_dict'][key], value)


PAPER = ['sat_deit-s_30e_cub.py', 'tscam_deit-s_30e_cub.py']


@pytest.mark.parametrize('name', PAPER)
def test_paper_cub_configs_run_one_iteration(name, tmp_path, tiny_cub):
    """The DeiT-S CUB configs load, build (no weights file: an error that
    names it; then from scratch) and train one iteration at 224."""
    cfg = Config.fromfile(osp.join(SAT_DIR, name))
    assert cfg.train_dataloader.batch_size == 256
    assert cfg.optim_wrapper.optimizer.lr == 1e-4
    assert cfg.train_cfg.max_epochs == 30
    assert cfg.model.backbone.embed_dims == 384
    assert cfg.model.backbone.num_layers == 12
    cfg.work_dir = str(tmp_path)
    set_data_root(cfg._cfg_dict, tiny_cub)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].num_workers = 0
        cfg[key].persistent_workers = False
        cfg[key].batch_size = 2
    cfg.model.head.num_classes = 3
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=1,
                         val_interval=1)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1,
                                        by_epoch=False)
    with pytest.raises(FileNotFoundError, match='deit_small_patch16_224'):
        Runner.from_cfg(cfg).train()
    cfg.model.backbone.pretrained = None
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert WSOL_KEYS <= set(runner.val_loop.run())


def test_imagenet_config_reads_folders_and_voc_xml(tmp_path):
    """The ImageNet config's datasets: class folders for training, VOC XML
    boxes for validation; one iteration."""
    root = tmp_path / 'ILSVRC'
    rng = np.random.default_rng(0)
    wnids = ['n01440764', 'n01443537']
    for c, wnid in enumerate(wnids):
        folder = root / 'Data' / 'CLS-LOC' / 'train' / wnid
        folder.mkdir(parents=True)
        for k in range(2):
            cv2.imwrite(str(folder / f'{wnid}_{k}.JPEG'),
                        rng.integers(0, 255, (60, 80, 3), dtype=np.uint8))
    (root / 'Data' / 'CLS-LOC' / 'val').mkdir(parents=True)
    ann = root / 'Annotations' / 'CLS-LOC' / 'val'
    ann.mkdir(parents=True)
    for i, wnid in enumerate(wnids):
        stem = f'ILSVRC2012_val_{i + 1:08d}'
        cv2.imwrite(str(root / 'Data' / 'CLS-LOC' / 'val' / f'{stem}.JPEG'),
                    rng.integers(0, 255, (60, 80, 3), dtype=np.uint8))
        (ann / f'{stem}.xml').write_text(
            f'<annotation><filename>{stem}</filename><object><name>{wnid}'
            '</name><bndbox><xmin>5</xmin><ymin>6</ymin><xmax>50</xmax>'
            '<ymax>40</ymax></bndbox></object></annotation>')
    (root / 'LOC_synset_mapping.txt').write_text(
        ''.join(f'{w} class {w}\n' for w in wnids))
    cfg = Config.fromfile(osp.join(SAT_DIR, 'sat_deit-s_1e_imagenet.py'))
    assert cfg.model.head.area_thr == 0.35
    assert cfg.optim_wrapper.optimizer.lr == 1.5e-5
    assert cfg.train_cfg.max_epochs == 1
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_dataloader.dataset.data_root = str(
        root / 'Data' / 'CLS-LOC' / 'train')
    cfg.val_dataloader.dataset.data_root = str(root)
    cfg.test_dataloader = cfg.val_dataloader
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].num_workers = 0
        cfg[key].persistent_workers = False
        cfg[key].batch_size = 2
    cfg.model.head.num_classes = 2
    cfg.model.backbone.pretrained = None
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    assert WSOL_KEYS <= set(runner.val_loop.run())


def test_weight_decay_groups_as_the_official_optimizer():
    """utils/optimizer.py: no decay for 1-D parameters and biases (the
    attention's in_proj_bias included); the 3-D tokens are decayed, as in
    the official code (its no_weight_decay() list is inactive)."""
    from mmengine.optim import build_optim_wrapper

    from mmssl.registry import MODELS
    cfg = Config.fromfile(SAT)
    cfg.model.backbone.pretrained = None
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    decay = {names[id(p)]: group['weight_decay']
             for group in wrapper.optimizer.param_groups
             for p in group['params']}
    assert len(decay) == len(names)
    for name in ('backbone.layers.0.attn.attn.in_proj_bias',
                 'backbone.layers.0.ln1.weight', 'backbone.ln1.bias',
                 'backbone.patch_embed.projection.bias', 'head.conv.bias'):
        assert decay[name] == 0, name
    for name in ('backbone.loc_token', 'backbone.loc_embed',
                 'backbone.pos_embed', 'backbone.cls_token',
                 'backbone.layers.0.attn.attn.in_proj_weight',
                 'head.conv.weight'):
        assert decay[name] == 0.05, name
