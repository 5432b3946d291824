# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
import uuid

import torch
from mmengine.config import Config
from mmengine.hooks import Hook

from mmssl.registry import HOOKS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DIGITS_CFG = osp.join(ROOT, 'configs', 'supervised',
                      'supervised_digits-cnn_30e_digits.py')


def load_script(relpath: str, name: str = None):
    """Import a script of the repository (e.g.
    ``tools/benchmark/umct_benchmark.py``) as a module, by its path."""
    import importlib.util
    path = osp.join(ROOT, relpath)
    name = name or osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Interrupted(Exception):
    """Raised by :class:`InterruptHook` to simulate a killed run."""


@HOOKS.register_module()
class InterruptHook(Hook):
    """Abort training right after checkpoint ``at`` was written."""
    priority = 'LOWEST'  # after CheckpointHook

    def __init__(self, at: int, by_epoch: bool):
        self.at = at
        self.by_epoch = by_epoch

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if not self.by_epoch and runner.iter + 1 == self.at:
            raise Interrupted(f'interrupted after iter {self.at}')

    def after_train_epoch(self, runner):
        if self.by_epoch and runner.epoch + 1 == self.at:
            raise Interrupted(f'interrupted after epoch {self.at}')


@HOOKS.register_module()
class DumpRankWeightsHook(Hook):
    """Save each rank's final weights to ``<work_dir>/rank<r>.pth``."""
    priority = 'LOWEST'

    def after_train(self, runner):
        model = runner.model
        model = getattr(model, 'module', model)
        torch.save({k: v.detach().cpu() for k, v in
                    model.state_dict().items()},
                   osp.join(runner.work_dir, f'rank{runner.rank}.pth'))


def small_digits_cfg(work_dir: str, by_epoch: bool = True,
                     length: int = 3, ckpt_interval: int = 1,
                     batch_size: int = 32) -> Config:
    """The supervised digits config, shrunk to ``length`` epochs or
    iterations for fast tests."""
    cfg = Config.fromfile(DIGITS_CFG)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'test-{uuid.uuid4().hex[:8]}'
    cfg.train_dataloader.batch_size = batch_size
    cfg.default_hooks.logger.interval = 1
    cfg.val_cfg = None
    cfg.val_dataloader = None
    cfg.val_evaluator = None
    if by_epoch:
        cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=length,
                             val_interval=1000)
        cfg.param_scheduler = [dict(type='CosineAnnealingLR', T_max=length,
                                    by_epoch=True)]
        cfg.default_hooks.checkpoint = dict(
            type='CheckpointHook', interval=ckpt_interval, by_epoch=True)
    else:
        cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=length,
                             val_interval=100000)
        cfg.train_dataloader.sampler = dict(type='InfiniteSampler',
                                            shuffle=True)
        cfg.param_scheduler = [dict(type='CosineAnnealingLR', T_max=length,
                                    by_epoch=False)]
        cfg.default_hooks.checkpoint = dict(
            type='CheckpointHook', interval=ckpt_interval, by_epoch=False)
        cfg.log_processor = dict(type='LogProcessor', window_size=10,
                                 by_epoch=False)
    os.makedirs(work_dir, exist_ok=True)
    return cfg


def state_dict_of(runner) -> dict:
    model = getattr(runner.model, 'module', runner.model)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def set_data_root(node, root: str) -> None:
    """Point every ``data_root`` of a config (dict tree) at ``root``."""
    if isinstance(node, dict):
        if 'data_root' in node:
            node['data_root'] = root
        for value in node.values():
            set_data_root(value, root)
    elif isinstance(node, list):
        for value in node:
            set_data_root(value, root)
