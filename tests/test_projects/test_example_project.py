# Copyright (c) mmssl contributors. All rights reserved.
"""An outside module, registered from projects/, used through a config's
custom_imports."""
import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner

from mmssl.registry import MODELS
from tests.helpers.runner_utils import ROOT

CFG = osp.join(ROOT, 'projects', 'example_project', 'configs',
               'example-rescnn_30e_digits.py')


def test_example_project_trains_through_custom_imports(tmp_path):
    cfg = Config.fromfile(CFG)
    assert cfg.custom_imports.imports == [
        'projects.example_project.example_project']
    cfg.work_dir = str(tmp_path)
    cfg.train_cfg.max_epochs = 1
    cfg.train_dataloader.batch_size = 64
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.param_scheduler = []
    runner = Runner.from_cfg(cfg)  # runs custom_imports
    assert MODELS.get('ExampleResCNN') is not None
    assert type(runner.model.backbone).__name__ == 'ExampleResCNN'
    before = runner.model.backbone.stem.conv.weight.detach().clone()
    runner.train()
    after = runner.model.backbone.stem.conv.weight.detach()
    assert not after.equal(before)
