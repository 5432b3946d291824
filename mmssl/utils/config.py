# Copyright (c) mmssl contributors. All rights reserved.
"""Loading configs for the tools, with clear errors for common mistakes."""
import difflib
import inspect
import os.path as osp
from typing import List, Optional

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
    'num_eval_iter', 'eval_batch_size', 'num_labeled', 'infer_spacing',
    'modality')


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


def _init_parameters(cls) -> Optional[List[str]]:
    """The keyword arguments ``cls(**kwargs)`` accepts, or None when it
    takes any (``**kwargs``) and so cannot be checked."""
    from mmengine.hooks import CheckpointHook
    from mmengine.runner import Runner

    def names(fn):
        params = inspect.signature(fn).parameters.values()
        return [p.name for p in params if p.name != 'self' and p.kind in (
            p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)], any(
                p.kind == p.VAR_KEYWORD for p in params)

    own, any_kwargs = names(cls.__init__)
    if isinstance(cls, type) and issubclass(cls, CheckpointHook):
        # CheckpointHook forwards its **kwargs to Runner.save_checkpoint
        base, _ = names(CheckpointHook.__init__)
        save, _ = names(Runner.save_checkpoint)
        return sorted(set(own) | set(base) | set(save))
    return None if any_kwargs else own


def check_hook_arguments(cfg: Config) -> None:
    """Raise ``TypeError`` for a ``default_hooks`` / ``custom_hooks``
    argument that the hook's class does not take (``intervall`` for
    ``interval``), which mmengine would only report when the hook is
    built, or (CheckpointHook's ``**kwargs``) at the first save."""
    from mmssl.registry import HOOKS
    entries = []
    for name, hook in (cfg.get('default_hooks') or {}).items():
        entries.append((f'default_hooks.{name}', hook))
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        entries.append((f'custom_hooks[{i}]', hook))
    for where, hook in entries:
        if not isinstance(hook, dict) or 'type' not in hook:
            continue
        cls = hook['type']
        if isinstance(cls, str):
            try:
                cls = HOOKS.get(cls)
            except Exception:  # an unknown scope: the build reports it
                cls = None
        if not isinstance(cls, type):
            continue
        valid = _init_parameters(cls)
        if valid is None:
            continue
        for key in hook:
            if key in ('type', 'priority', '_delete_') or key in valid:
                continue
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ''
            raise TypeError(
                f"{where}: {cls.__name__} has no argument '{key}'{hint}; "
                f"valid arguments: {', '.join(valid)}")


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
    check_hook_arguments(cfg)
    return cfg


def load_demo_config(config: str, checkpoint: str,
                     cfg_options: Optional[dict] = None) -> Config:
    """The config of a demo: ``config``, or when it is ``'-'`` the one
    stored in ``checkpoint``'s meta, with the demo's ``--cfg-options``
    applied (as :func:`load_config` does for the tools)."""
    if config != '-':
        return load_config(config, cfg_options)
    from mmssl.utils.checkpoint import safe_torch_load
    meta = safe_torch_load(checkpoint, map_location='cpu').get('meta', {})
    if 'cfg' not in meta:
        raise ValueError(f'{checkpoint} stores no config: give CONFIG')
    cfg = Config.fromstring(meta['cfg'], '.py')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
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


# ``--vis-backend`` choices of tools/train.py and tools/test.py: the
# mmengine backend and the package (and pip extra of setup.cfg) it needs.
VIS_BACKENDS = {
    'local': ('LocalVisBackend', None, None),
    'tensorboard': ('TensorboardVisBackend', 'tensorboard', 'tensorboard'),
    'wandb': ('WandbVisBackend', 'wandb', 'wandb'),
}


def add_vis_backend(cfg: Config, name: str) -> Config:
    """Append the visualizer backend ``name`` (a key of
    :data:`VIS_BACKENDS`) to ``cfg.visualizer.vis_backends``.

    Scalars (losses, learning rate, metrics, and the method diagnostics the
    heads log, such as ``util_ratio``) then go to that backend as well;
    TensorBoard's event files are written under
    ``<work_dir>/<timestamp>/vis_data``.

    Args:
        cfg (Config): The config, changed in place.
        name (str): ``'local'``, ``'tensorboard'`` or ``'wandb'``.

    Returns:
        Config: ``cfg``.

    Raises:
        ImportError: One line naming the pip extra when the backend's
            package is not installed.
    """
    import importlib.util
    if name not in VIS_BACKENDS:
        raise ValueError(f'unknown visualizer backend {name!r}; choose from '
                         f"{', '.join(VIS_BACKENDS)}")
    backend, package, extra = VIS_BACKENDS[name]
    if package is not None and importlib.util.find_spec(package) is None:
        raise ImportError(
            f'--vis-backend {name} needs the {package} package: '
            f"pip install -e '.[{extra}]' (or pip install {package})")
    visualizer = cfg.get('visualizer')
    if visualizer is None:
        cfg.visualizer = dict(type='Visualizer', vis_backends=[])
        visualizer = cfg.visualizer
    backends = list(visualizer.get('vis_backends') or [])
    if not any(str(b.get('type', '')).split('.')[-1] == backend
               for b in backends):
        backends.append(dict(type=backend))
    visualizer.vis_backends = backends
    return cfg
