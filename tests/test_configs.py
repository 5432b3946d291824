# Copyright (c) mmssl contributors. All rights reserved.
"""Every config loads with Config.fromfile and builds its model."""
import ast
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.utils import import_modules_from_strings

from mmssl.registry import MODELS
from mmssl.utils.config import load_config
from tests.helpers.runner_utils import ROOT

CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    + glob.glob(osp.join(ROOT, 'projects', '*', 'configs', '*.py'))
    if '_base_' not in p)
ALL_CONFIG_FILES = sorted(
    glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    + glob.glob(osp.join(ROOT, 'projects', '*', 'configs', '*.py')))


def test_there_are_configs():
    assert len(CONFIGS) >= 2


@pytest.mark.parametrize('path', ALL_CONFIG_FILES,
                         ids=lambda p: osp.relpath(p, ROOT))
def test_config_files_hold_no_imports(path):
    """Imports in `_base_`-style configs break inheritance inside a venv
    (mmengine 0.10.7)."""
    tree = ast.parse(open(path).read())
    imports = [n for n in ast.walk(tree)
               if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not imports, f'{path} has import statements'


def _backbones(node):
    """Every ``backbone`` dict of a model config (the segmentor's, the
    TSDDNet classifier's, ...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'backbone' and isinstance(value, dict):
                yield value
            yield from _backbones(value)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_config_loads_and_builds_model(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmssl'
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    if cfg.get('model') is None and cfg.get('feature_extractor'):
        # MARS's paper-scale stage B/C configs: their dense extractor
        # (weights are local files, not shipped)
        cfg.model = cfg.feature_extractor
        for key in ('checkpoint', 'stego_checkpoint'):
            if key in cfg.model:
                cfg.model[key] = None
    for backbone in _backbones(cfg.model):
        if backbone.get('pretrained'):
            # Weight files are not shipped (nothing is downloaded); loading
            # them is tested in tests/test_models/test_sat.py.
            assert backbone.pretrained.endswith('.pth')
            backbone.pretrained = None
        init = backbone.get('init_cfg') or {}
        if init.get('type') == 'Pretrained':
            # ImageNet files in checkpoints/ are not shipped either; a
            # missing one is a clear CheckpointLoadError (tests/test_utils).
            assert init.checkpoint.startswith('checkpoints/')
            backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    # parameters, or buffers only for a fixed extractor such as MARS's
    # colour-statistics stand-in (nothing learned, by design)
    assert sum(t.numel() for t in [*model.parameters(), *model.buffers()]
               ) > 0
    assert isinstance(model, torch.nn.Module)


def test_cfg_options_override():
    path = osp.join(ROOT, 'configs', 'supervised',
                    'supervised_digits-cnn_30e_digits.py')
    cfg = load_config(path, {'train_cfg.max_epochs': 2,
                             'model.backbone.widths': [8, 16]})
    assert cfg.train_cfg.max_epochs == 2
    assert list(cfg.model.backbone.widths) == [8, 16]


VENDORED = {
    'mmdet_faster-rcnn_r50_fpn.py':
    ('mmdet::_base_/models/faster-rcnn_r50_fpn.py', None),
    'mmseg_deeplabv3plus_r50-d8.py':
    ('mmseg::_base_/models/deeplabv3plus_r50-d8.py', ['model']),
    'mmdet3d_pointpillars_hv_secfpn_kitti.py':
    ('mmdet3d::_base_/models/pointpillars_hv_secfpn_kitti.py', None),
}


@pytest.mark.parametrize('name', sorted(VENDORED))
def test_vendored_mm_configs_are_current_and_build(name):
    """mmdet/mmseg base configs reached without `mmdet::` paths: vendored
    by tools/misc/vendor_config.py, in sync with the installed package, and
    buildable from mmssl's default scope."""
    from tests.helpers.runner_utils import load_script
    tool = load_script('tools/misc/vendor_config.py')
    path = osp.join(ROOT, 'configs', '_base_', 'models', name)
    source, keys = VENDORED[name]
    assert open(path).read() == tool.render(source, keys)
    cfg = Config.fromfile(path)
    if 'init_cfg' in cfg.model.backbone:
        cfg.model.backbone.init_cfg = None  # no download of weights
    model = MODELS.build(cfg.model)
    assert type(model).__module__.split('.')[0] == source.split('::')[0]


def _empty_gt_database(pipeline, tmp_path):
    """Point the GT-sampling transforms (mmdet3d's ObjectSample) whose
    database is not written yet at a stand-in one with one object per
    class: they load it when built (and mmssl's GTDatabaseSampler refuses a
    class with no object)."""
    import mmengine
    import numpy as np
    for t in pipeline:
        db = t.get('db_sampler') if isinstance(t, dict) else None
        if db is not None and not osp.isfile(db['info_path']):
            db['info_path'] = str(tmp_path / 'dbinfos.pkl')
            mmengine.dump({c: [dict(
                name=c, path=f'{c}.bin', image_idx=0, gt_idx=0,
                box3d_lidar=np.zeros(7, np.float32), num_points_in_gt=100,
                difficulty=0, group_id=0, score=0.)] for c in db['classes']},
                db['info_path'])


def _pipelines(node, scope=None):
    """Every transform list (a value whose key ends with 'pipeline'), with
    the ``_scope_`` of the nearest dict that sets one (a dataset built in
    another package's registry, e.g. mmdet3d's KittiDataset)."""
    if isinstance(node, dict):
        scope = node.get('_scope_', scope)
        for key, value in node.items():
            if str(key).endswith('pipeline') and isinstance(value, list):
                yield scope, value
            yield from _pipelines(value, scope)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _pipelines(value, scope)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_config_pipelines_build(path, tmp_path):
    """Every transform of every dataloader (and the inference pipeline)
    resolves and builds, including the branches of MultiBranch."""
    from mmengine.dataset import Compose
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(path)
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    found = 0
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'infer_pipeline'):
        node = cfg.get(key)
        if key == 'infer_pipeline' and node is not None:
            node = dict(pipeline=node)
        for scope, pipeline in _pipelines(node):
            _empty_gt_database(pipeline, tmp_path)
            if scope is None:
                Compose(pipeline)
            else:
                with DefaultScope.overwrite_default_scope(scope):
                    Compose(pipeline)
            found += 1
    if cfg.get('train_dataloader') is None:
        # MARS's paper-scale stage B/C configs: a dataset, no loaders
        assert cfg.get('mars_dataset') is not None
        return
    # self-supervised pretraining configs have no evaluation loader
    assert found >= (2 if cfg.get('val_dataloader') else 1)


def test_model_index_lists_every_metafile_and_their_models_are_real():
    """model-index.yml imports every configs/*/metafile.yml; each model has
    a config that exists, a collection of its file, and results whose
    metrics are numbers (OpenMMLab's metafile format)."""
    import yaml
    index = yaml.safe_load(open(osp.join(ROOT, 'model-index.yml')))
    found = sorted(osp.relpath(p, ROOT) for p in glob.glob(
        osp.join(ROOT, 'configs', '*', 'metafile.yml')))
    assert sorted(index['Import']) == found and found
    for path in found:
        data = yaml.safe_load(open(osp.join(ROOT, path)))
        collections = {c['Name'] for c in data['Collections']}
        for model in data['Models']:
            assert model['In Collection'] in collections, model['Name']
            assert osp.isfile(osp.join(ROOT, model['Config'])), model['Name']
            for result in model['Results']:
                assert result['Task'] and result['Dataset']
                assert all(isinstance(v, float)
                           for v in result['Metrics'].values())
