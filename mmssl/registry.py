# Copyright (c) mmssl contributors. All rights reserved.
"""mmssl's registries.

Every registry is a child of the matching mmengine root registry, with the
scope ``mmssl`` and ``locations`` so that building ``dict(type='X')`` with
``default_scope='mmssl'`` imports the module that registers ``X`` on demand.
Because they are children of mmengine's roots, a config can also reach the
modules of sibling OpenMMLab packages by scope: ``dict(type='mmdet.ResNet')``
or ``dict(type='mmseg.VisionTransformer')``.

The modules that need mmdet3d (UpCycling, the KITTI transforms, the BEV
feature datasets, the KITTI metric) are not imported by the packages'
``__init__`` files, so ``import mmssl.models`` does not pay for importing
mmdet3d. Their registries list them as ``lazy_locations``: a lookup of an
mmssl name that is not registered imports them once and looks again, so
configs naming those types build as before.
"""
import logging
from importlib import import_module

from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import INFERENCERS as MMENGINE_INFERENCERS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import (
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
)
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import (
    RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS,
)
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import (
    WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS,
)
from mmengine.registry import Registry as _Registry

# Modules that import mmdet3d, imported on the first lookup that misses.
LAZY_3D_MODULES = {
    'model': ['mmssl.models.detectors.upcycling'],
    'dataset': ['mmssl.datasets.bev_features'],
    'function': ['mmssl.datasets.bev_features'],
    'transform': ['mmssl.datasets.kitti'],
    'metric': ['mmssl.evaluation.metrics.kitti'],
}


class Registry(_Registry):
    """mmengine's ``Registry`` with ``lazy_locations``: modules imported
    only when a lookup of a name in this registry's scope (or without a
    scope) finds nothing, then the lookup is repeated.

    Args:
        lazy_locations (list[str]): Modules to import on the first miss.
            If one cannot be imported (mmdet3d not installed), a warning
            says so and the lookup returns None as a plain miss does.
        Others are those of :class:`mmengine.registry.Registry`.
    """

    def __init__(self, *args, lazy_locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._lazy_locations = list(lazy_locations)
        self._lazy_imported = not self._lazy_locations

    def import_lazy_locations(self) -> None:
        """Import the ``lazy_locations`` (once)."""
        if self._lazy_imported:
            return
        self._lazy_imported = True
        for location in self._lazy_locations:
            try:
                import_module(location)
            except ImportError as e:
                from mmengine.logging import print_log
                print_log(
                    f'{location} (3-D modules of the mmssl::{self.name} '
                    f'registry) could not be imported: {e}. Install '
                    'mmdet3d as tools/setup_env.sh does to use them.',
                    logger='current', level=logging.WARNING)

    def get(self, key: str):
        obj = super().get(key)
        if obj is None and not self._lazy_imported and \
                isinstance(key, str) and \
                self.split_scope_key(key)[0] in (None, self.scope):
            self.import_lazy_locations()
            obj = super().get(key)
        return obj

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'LOG_PROCESSORS',
    'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS', 'MODEL_WRAPPERS',
    'WEIGHT_INITIALIZERS', 'OPTIMIZERS', 'OPTIM_WRAPPERS',
    'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS', 'METRICS', 'EVALUATOR',
    'TASK_UTILS', 'VISUALIZERS', 'VISBACKENDS', 'INFERENCERS', 'FUNCTIONS'
]

# Runner, loops, hooks.
RUNNERS = Registry(
    'runner', parent=MMENGINE_RUNNERS, locations=['mmssl.engine'])
RUNNER_CONSTRUCTORS = Registry(
    'runner constructor',
    parent=MMENGINE_RUNNER_CONSTRUCTORS,
    locations=['mmssl.engine'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['mmssl.engine'])
HOOKS = Registry(
    'hook', parent=MMENGINE_HOOKS, locations=['mmssl.engine.hooks'])
LOG_PROCESSORS = Registry(
    'log_processor',
    parent=MMENGINE_LOG_PROCESSORS,
    locations=['mmssl.engine'])

# Data.
DATASETS = Registry(
    'dataset',
    parent=MMENGINE_DATASETS,
    locations=['mmssl.datasets'],
    lazy_locations=LAZY_3D_MODULES['dataset'])
DATA_SAMPLERS = Registry(
    'data sampler',
    parent=MMENGINE_DATA_SAMPLERS,
    locations=['mmssl.datasets'])
# Functions a config names, such as a dataloader's collate_fn.
FUNCTIONS = Registry(
    'function',
    parent=MMENGINE_FUNCTIONS,
    locations=['mmssl.datasets'],
    lazy_locations=LAZY_3D_MODULES['function'])
TRANSFORMS = Registry(
    'transform',
    parent=MMENGINE_TRANSFORMS,
    locations=['mmssl.datasets.transforms'],
    lazy_locations=LAZY_3D_MODULES['transform'])

# Models.
MODELS = Registry(
    'model',
    parent=MMENGINE_MODELS,
    locations=['mmssl.models'],
    lazy_locations=LAZY_3D_MODULES['model'])
MODEL_WRAPPERS = Registry(
    'model_wrapper',
    parent=MMENGINE_MODEL_WRAPPERS,
    locations=['mmssl.models'])
WEIGHT_INITIALIZERS = Registry(
    'weight initializer',
    parent=MMENGINE_WEIGHT_INITIALIZERS,
    locations=['mmssl.models'])
TASK_UTILS = Registry(
    'task util', parent=MMENGINE_TASK_UTILS, locations=['mmssl.models'])

# Optimisation.
OPTIMIZERS = Registry(
    'optimizer', parent=MMENGINE_OPTIMIZERS, locations=['mmssl.engine'])
OPTIM_WRAPPERS = Registry(
    'optim_wrapper',
    parent=MMENGINE_OPTIM_WRAPPERS,
    locations=['mmssl.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['mmssl.engine'])
PARAM_SCHEDULERS = Registry(
    'parameter scheduler',
    parent=MMENGINE_PARAM_SCHEDULERS,
    locations=['mmssl.engine'])

# Evaluation.
METRICS = Registry(
    'metric',
    parent=MMENGINE_METRICS,
    locations=['mmssl.evaluation'],
    lazy_locations=LAZY_3D_MODULES['metric'])
EVALUATOR = Registry(
    'evaluator', parent=MMENGINE_EVALUATOR, locations=['mmssl.evaluation'])

# Visualisation and inference.
VISUALIZERS = Registry(
    'visualizer',
    parent=MMENGINE_VISUALIZERS,
    locations=['mmssl.visualization'])
VISBACKENDS = Registry(
    'vis_backend',
    parent=MMENGINE_VISBACKENDS,
    locations=['mmssl.visualization'])
INFERENCERS = Registry(
    'inferencer', parent=MMENGINE_INFERENCERS, locations=['mmssl.apis'])
