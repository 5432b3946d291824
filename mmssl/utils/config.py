# Copyright (c) mmssl contributors. All rights reserved.
"""Loading configs for the tools, with clear errors for common mistakes."""
import difflib
import os.path as osp
from typing import Optional

from mmengine.config import Config

# Top-level keys that mmengine's Runner.from_cfg reads, plus the mmssl keys
# the tools and inferencers read. A config may define other top-level names
# (pipelines, dataset_type, ...), but one that is a near-miss of these is a
# typo that the Runner would silently ignore.
KNOWN_KEYS = (
    'model', 'work_dir', 'train_dataloader', 'val_dataloader',
    'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr',
    'optim_wrapper', 'param_scheduler', 'val_evaluator', 'test_evaluator',
    'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'experiment_name',
    'runner_type', 'model_wrapper_cfg', 'compile', 'cfg', 'vis_backends',
    'custom_imports', 'infer_pipeline', 'find_unused_parameters',
    'sync_bn', 'strategy', 'train_pipeline', 'test_pipeline',
    'val_pipeline', 'dataset_type', 'data_root', 'weak_pipeline',
    'strong_pipeline', 'labeled_pipeline', 'unlabeled_pipeline',
    'branch_field', 'data_seed', 'num_labels_per_class',
    'labeled_batch_size', 'mu', 'max_iters', 'uratio', 'ema_m', 'p_cutoff',
    'T', 'lambda_u', 'ulb_loss_ratio', 'num_labels', 'num_train_iter',
    'num_eval_iter', 'eval_batch_size', 'num_labeled')


def check_top_level_keys(cfg: Config) -> None:
    """Raise ``KeyError`` for a top-level key that looks like a typo of a
    key the Runner reads (``trian_cfg`` for ``train_cfg``)."""
    for key in cfg.keys():
        if key in KNOWN_KEYS or key.startswith('_'):
            continue
        close = [
            k for k in difflib.get_close_matches(
                key, KNOWN_KEYS, n=3, cutoff=0.8)
            if abs(len(k) - len(key)) <= 2 and key not in k and k not in key
        ]
        if close:
            raise KeyError(f"unknown config key '{key}' (did you mean "
                           f"'{close[0]}'?)")


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """``Config.fromfile`` plus ``--cfg-options``, with one-line errors.

    Args:
        path (str): Config file.
        cfg_options (dict, optional): ``--cfg-options`` overrides.

    Returns:
        Config: The merged config.
    """
    from .usb_keys import apply_knobs, split_knobs
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    knobs, options = split_knobs(cfg_options)
    if options:
        cfg.merge_from_dict(options)
    # Top-level knobs (mu, max_iters, USB's uratio / ema_m / p_cutoff ...)
    # take effect everywhere they decide, or fail (mmssl.utils.usb_keys).
    apply_knobs(cfg, knobs, options)
    check_top_level_keys(cfg)
    return cfg


def set_seed(cfg: Config, seed: int) -> Config:
    """Use ``seed`` for the run and for the data split of every dataset.

    Sets ``randomness.seed`` and the ``seed`` argument of every dataset
    config that has one (``DigitsDataset``'s train/test split,
    ``SemiSplitDataset``'s labeled/unlabeled draw), so that ``--seed N``
    gives run N of a benchmark protocol. Datasets reading a ``split_file``
    keep that file's split.

    Args:
        cfg (Config): The config, changed in place.
        seed (int): The seed.

    Returns:
        Config: ``cfg``.
    """

    def visit(node):
        if isinstance(node, dict):
            if 'seed' in node and str(node.get('type', '')).endswith(
                    'Dataset'):
                node['seed'] = seed
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)

    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key) is not None:
            visit(cfg[key])
    cfg.setdefault('randomness', {})
    cfg.randomness.seed = seed
    return cfg
