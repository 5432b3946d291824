# Copyright (c) mmssl contributors. All rights reserved.
from .checkpoint import (
                         CheckpointLoadError,
                         register_checkpoint_loaders,
                         register_safe_globals,
                         safe_torch_load,
)
from .errors import closest_names, explain_unknown_type, one_line, run_cli
from .setup_env import register_all_modules

__all__ = [
    'CheckpointLoadError', 'register_checkpoint_loaders',
    'register_safe_globals', 'safe_torch_load', 'closest_names',
    'explain_unknown_type', 'one_line', 'run_cli', 'register_all_modules'
]
