# Copyright (c) mmssl contributors. All rights reserved.
"""Top-level knobs of semi-supervised configs, with USB's names.

mmssl configs compute their batches from a few top-level variables
(``labeled_batch_size``, ``mu``, ``num_labels_per_class``, ``max_iters``)
when the file is parsed, so overriding such a variable afterwards (with
``--cfg-options mu=3`` or in a child config) would change nothing. This
module makes every such knob either take effect or fail:

- a knob given in ``--cfg-options`` (under its mmssl name or its USB
  name, e.g. ``uratio``, ``ema_m``, ``p_cutoff``, ``T``, ``lambda_u``) is
  written to every place of the config that it decides;
- a knob that cannot act on the config (``p_cutoff`` of the supervised
  head, ``mu`` of a config without a labeled:unlabeled sampler) is an
  error;
- a config whose top-level knob disagrees with the place it decides (a
  child config that set ``mu = 3`` but kept the parent's sampler) is an
  error naming both values; a deeper key given in ``--cfg-options``
  (``train_cfg.max_iters=500``) updates the top-level copy instead.

:data:`USB_KEYS` is the table of the docs (``docs/en/user_guides/
usb_keys.md``).
"""
import inspect
from typing import Any, Dict, List, Optional, Tuple

from mmengine.config import Config

# USB name -> (mmssl name, what it sets). Order: as the docs list them.
USB_KEYS: Dict[str, Tuple[str, str]] = {
    'batch_size': ('labeled_batch_size',
                   'labeled images per batch: train_dataloader.batch_size '
                   'and sampler.batch_size = B * (1 + mu)'),
    'uratio': ('mu', 'unlabeled:labeled ratio: train_dataloader.sampler.'
               'source_ratio = [1, mu] and the batch sizes'),
    'mu': ('mu', 'same as uratio'),
    'num_labels': ('num_labels',
                   'labels in total; mmssl counts per class: '
                   'train_dataloader.dataset.num_labels_per_class = '
                   'num_labels / classes (must divide)'),
    'num_train_iter': ('max_iters', 'train_cfg.max_iters (the cosine '
                       'schedule follows it)'),
    'num_eval_iter': ('val_interval', 'train_cfg.val_interval'),
    'eval_batch_size': ('eval_batch_size',
                        'val_dataloader.batch_size, test_dataloader.'
                        'batch_size'),
    'ema_m': ('ema_m', 'EMAHook momentum = 1 - ema_m (mmengine counts the '
              'other way round)'),
    'p_cutoff': ('p_cutoff', 'model.head.p_cutoff'),
    'T': ('T', 'model.head.T'),
    'ulb_loss_ratio': ('lambda_u', 'model.head.lambda_u'),
    'lambda_u': ('lambda_u', 'model.head.lambda_u'),
    'lr': ('lr', 'optim_wrapper.optimizer.lr'),
    'weight_decay': ('weight_decay', 'optim_wrapper.optimizer.weight_decay'),
    'momentum': ('momentum', 'optim_wrapper.optimizer.momentum'),
}
# Names a config may define at top level that decide other places.
TOP_LEVEL_KNOBS = ('labeled_batch_size', 'mu', 'num_labels_per_class',
                   'max_iters')
HEAD_KNOBS = ('p_cutoff', 'T', 'lambda_u')
OPTIM_KNOBS = ('lr', 'weight_decay', 'momentum')
ALL_KNOBS = set(TOP_LEVEL_KNOBS + HEAD_KNOBS + OPTIM_KNOBS) | {
    'val_interval', 'eval_batch_size', 'ema_m', 'num_labels'}


class KnobError(ValueError):
    """A config knob that cannot take effect, or disagrees with the
    config."""


def _semi_sampler(cfg: Config) -> Optional[dict]:
    loader = cfg.get('train_dataloader') or {}
    sampler = loader.get('sampler') or {}
    kind = str(sampler.get('type', ''))
    if kind.split('.')[-1] == 'MultiSourceSampler' and \
            len(sampler.get('source_ratio') or ()) == 2:
        return sampler
    return None


def _sampler_values(sampler: dict) -> Tuple[Any, Any]:
    """(labeled batch size, mu) a MultiSourceSampler stands for."""
    r_lb, r_ulb = sampler['source_ratio']
    batch = sampler.get('batch_size')
    if batch is None or (batch * r_lb) % (r_lb + r_ulb):
        return None, r_ulb / r_lb
    return batch * r_lb // (r_lb + r_ulb), r_ulb / r_lb


def _set_batches(cfg: Config, labeled: int, mu) -> None:
    if int(mu) != mu or mu < 0 or int(labeled) != labeled or labeled < 1:
        raise KnobError(f'labeled_batch_size must be a positive integer and '
                        f'mu a non-negative integer, got {labeled} and {mu}')
    labeled, mu = int(labeled), int(mu)
    sampler = cfg.train_dataloader.sampler
    sampler.source_ratio = [1, mu]
    sampler.batch_size = labeled * (1 + mu)
    cfg.train_dataloader.batch_size = labeled * (1 + mu)
    cfg.labeled_batch_size = labeled
    cfg.mu = mu


def _train_dataset(cfg: Config) -> Optional[dict]:
    loader = cfg.get('train_dataloader') or {}
    dataset = loader.get('dataset')
    if isinstance(dataset, dict) and 'num_labels_per_class' in dataset:
        return dataset
    return None


def _num_labeled_classes(cfg: Config) -> Optional[int]:
    dataset = _train_dataset(cfg) or {}
    if dataset.get('seen_classes') is not None:
        return len(dataset['seen_classes'])
    head = (cfg.get('model') or {}).get('head') or {}
    return head.get('num_classes')


def _iter_loop(cfg: Config) -> Optional[dict]:
    train_cfg = cfg.get('train_cfg') or {}
    kind = str(train_cfg.get('type', ''))
    if kind.split('.')[-1] == 'IterBasedTrainLoop' and \
            'max_iters' in train_cfg:
        return train_cfg
    return None


def _accepts(type_name: str, arg: str) -> bool:
    """Whether the registered model class ``type_name`` takes ``arg``."""
    from mmssl.registry import MODELS
    try:
        cls = MODELS.get(type_name)
    except Exception:  # noqa: BLE001 - unknown scope: do not block
        cls = None
    if cls is None:
        return True
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        params = inspect.signature(init).parameters
        if arg in params:
            return True
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return False
    return False


def _ema_hooks(cfg: Config) -> List[dict]:
    return [h for h in cfg.get('custom_hooks') or []
            if str(h.get('type', '')).split('.')[-1] == 'EMAHook']


def split_knobs(cfg_options: Optional[dict]) -> Tuple[dict, dict]:
    """Split ``--cfg-options`` into (knobs by mmssl name, other options).

    Only top-level keys are knobs; ``train_cfg.max_iters`` stays an
    ordinary option.
    """
    knobs, rest = {}, {}
    for key, value in (cfg_options or {}).items():
        name = USB_KEYS[key][0] if key in USB_KEYS else key
        if '.' not in key and name in ALL_KNOBS:
            if name in knobs and knobs[name] != value:
                raise KnobError(f'--cfg-options sets {name} twice (as '
                                f'{key}={value!r} and {knobs[name]!r})')
            knobs[name] = value
        else:
            rest[key] = value
    return knobs, rest


def apply_knobs(cfg: Config, knobs: dict, options: dict) -> Config:
    """Write the ``knobs`` (from :func:`split_knobs`) into ``cfg``, then
    check that the top-level knobs agree with what they decide.

    Args:
        cfg (Config): The merged config (``options`` already applied).
        knobs (dict): mmssl knob name -> value.
        options (dict): The other ``--cfg-options`` (deeper keys that win
            over a stale top-level copy).

    Returns:
        Config: ``cfg``, changed in place.
    """
    if 'num_labels' in knobs:
        knobs = dict(knobs)
        total = int(knobs.pop('num_labels'))
        classes = _num_labeled_classes(cfg)
        if 'num_labels_per_class' in knobs:
            raise KnobError('give num_labels (USB, in total) or '
                            'num_labels_per_class, not both')
        if classes is None or total % classes:
            raise KnobError(
                f'num_labels={total} (USB: labels in total) must be a '
                f'multiple of the {classes or "?"} labeled classes: mmssl '
                'draws num_labels_per_class per class')
        knobs['num_labels_per_class'] = total // classes
    sampler = _semi_sampler(cfg)
    if 'mu' in knobs or 'labeled_batch_size' in knobs:
        if sampler is None:
            name = 'mu' if 'mu' in knobs else 'labeled_batch_size'
            raise KnobError(
                f'{name} has no effect here: the train dataloader has no '
                "labeled:unlabeled sampler (mmdet's MultiSourceSampler with "
                'two sources)')
        labeled, mu = _sampler_values(sampler)
        labeled = knobs.get('labeled_batch_size', cfg.get(
            'labeled_batch_size', labeled))
        _set_batches(cfg, labeled, knobs.get('mu', mu))
    if 'num_labels_per_class' in knobs:
        dataset = _train_dataset(cfg)
        if dataset is None:
            raise KnobError('num_labels_per_class has no effect here: the '
                            'train dataset has no num_labels_per_class')
        value = knobs['num_labels_per_class']
        dataset.num_labels_per_class = value
        cfg.num_labels_per_class = value
    if 'max_iters' in knobs:
        loop = _iter_loop(cfg)
        if loop is None:
            raise KnobError('max_iters has no effect here: train_cfg is not '
                            'an IterBasedTrainLoop')
        loop.max_iters = int(knobs['max_iters'])
        cfg.max_iters = int(knobs['max_iters'])
    if 'val_interval' in knobs:
        if not cfg.get('train_cfg'):
            raise KnobError('num_eval_iter has no effect: no train_cfg')
        cfg.train_cfg.val_interval = int(knobs['val_interval'])
    if 'eval_batch_size' in knobs:
        for key in ('val_dataloader', 'test_dataloader'):
            if cfg.get(key):
                cfg[key].batch_size = int(knobs['eval_batch_size'])
    if 'ema_m' in knobs:
        hooks = _ema_hooks(cfg)
        if not hooks:
            raise KnobError('ema_m has no effect here: the config has no '
                            'EMAHook in custom_hooks')
        ema_m = float(knobs['ema_m'])
        if not 0 <= ema_m < 1:
            raise KnobError(f'ema_m must be in [0, 1), got {ema_m}')
        for hook in hooks:
            hook['momentum'] = 1.0 - ema_m
    for name in HEAD_KNOBS:
        if name not in knobs:
            continue
        head = (cfg.get('model') or {}).get('head')
        kind = str((head or {}).get('type', ''))
        if not head or not _accepts(kind, name):
            raise KnobError(f'{name} has no effect here: the model head '
                            f'{kind or "(none)"} has no {name} argument')
        head[name] = knobs[name]
    for name in OPTIM_KNOBS:
        if name not in knobs:
            continue
        optimizer = (cfg.get('optim_wrapper') or {}).get('optimizer')
        if not optimizer:
            raise KnobError(f'{name} has no effect here: no '
                            'optim_wrapper.optimizer')
        optimizer[name] = knobs[name]
    check_knobs(cfg, options)
    return cfg


def check_knobs(cfg: Config, options: Optional[dict] = None) -> None:
    """Raise :class:`KnobError` where a top-level knob disagrees with the
    place it decides; a deeper key in ``options`` updates the knob."""
    options = options or {}
    sampler = _semi_sampler(cfg)
    if sampler is not None:
        labeled, mu = _sampler_values(sampler)
        deeper = any(k.startswith('train_dataloader.') and
                     ('batch_size' in k or 'source_ratio' in k)
                     for k in options)
        for name, actual in (('mu', mu), ('labeled_batch_size', labeled)):
            if name not in cfg or actual is None:
                continue
            if cfg[name] != actual:
                if deeper:
                    cfg[name] = int(actual) if actual == int(actual) \
                        else actual
                    continue
                raise KnobError(
                    f'top-level {name} = {cfg[name]} disagrees with the '
                    f'train sampler (source_ratio '
                    f'{list(sampler["source_ratio"])}, batch_size '
                    f'{sampler.get("batch_size")}, i.e. {name} = {actual}); '
                    f'set it with --cfg-options {name}=N, which updates '
                    'both, or set train_dataloader.sampler in the config')
    dataset = _train_dataset(cfg)
    if dataset is not None and 'num_labels_per_class' in cfg and \
            cfg.num_labels_per_class != dataset.num_labels_per_class:
        if any(k.endswith('num_labels_per_class') for k in options):
            cfg.num_labels_per_class = dataset.num_labels_per_class
        else:
            raise KnobError(
                f'top-level num_labels_per_class = {cfg.num_labels_per_class}'
                ' disagrees with train_dataloader.dataset.'
                f'num_labels_per_class = {dataset.num_labels_per_class}; set '
                'it with --cfg-options num_labels_per_class=N, or set both')
    loop = _iter_loop(cfg)
    if loop is not None and 'max_iters' in cfg and \
            cfg.max_iters != loop.max_iters:
        if 'train_cfg.max_iters' in options:
            cfg.max_iters = loop.max_iters
        else:
            raise KnobError(
                f'top-level max_iters = {cfg.max_iters} disagrees with '
                f'train_cfg.max_iters = {loop.max_iters}; set it with '
                '--cfg-options max_iters=N, or set both')
