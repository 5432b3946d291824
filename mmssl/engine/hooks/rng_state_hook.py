# Copyright (c) mmssl contributors. All rights reserved.
import random

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from mmssl.registry import HOOKS


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Store the random generators' states in checkpoints and restore them
    on resume, so an interrupted epoch-based run continues exactly as an
    uninterrupted one would (same augmentations, same dropout masks).

    The states of Python's ``random``, NumPy's global generator and torch
    (CPU and, if present, CUDA) are saved under ``checkpoint['rng_state']``
    (plain ints, tuples and arrays: allow-listed for weights-only loading).

    Restored before the first resumed training epoch (also for loops with
    ``restore_rng = True``, e.g. :class:`~mmssl.engine.WADLoop`, which call
    ``before_train_epoch`` once). Iteration-based loops
    need no restore: mmengine replays the data loader up to the resumed
    iteration, which brings the data pipeline's generators to the same
    state.
    """
    priority = 'VERY_LOW'

    def __init__(self):
        self._pending = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state())
        if torch.cuda.is_available():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint['rng_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._pending = checkpoint.get('rng_state')

    def before_train_epoch(self, runner) -> None:
        state, self._pending = self._pending, None
        loop = runner.train_loop
        if state is None or not (isinstance(loop, EpochBasedTrainLoop)
                                 or getattr(loop, 'restore_rng', False)):
            return
        random.setstate(_as_tuple(state['python']))
        np.random.set_state(_as_tuple(state['numpy']))
        torch.set_rng_state(state['torch'])
        if 'cuda' in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda'])


def _as_tuple(obj):
    """Lists that pickling turned tuples into, back into tuples."""
    if isinstance(obj, list):
        return tuple(_as_tuple(x) for x in obj)
    if isinstance(obj, tuple):
        return tuple(_as_tuple(x) for x in obj)
    return obj
