# Copyright (c) mmssl contributors. All rights reserved.
"""Hook arguments are checked when the config is loaded, not when the hook
is built or (CheckpointHook's ``**kwargs``) at the first save."""
import pytest

from mmssl.utils.config import load_config
from tests.helpers.runner_utils import DIGITS_CFG


def test_checkpoint_hook_typo_fails_at_load():
    with pytest.raises(TypeError) as e:
        load_config(DIGITS_CFG, {'default_hooks.checkpoint.intervall': 2})
    msg = str(e.value)
    assert msg.startswith("default_hooks.checkpoint: CheckpointHook has no "
                          "argument 'intervall' (did you mean 'interval'?)")
    # its own arguments and Runner.save_checkpoint's (its **kwargs)
    assert 'max_keep_ckpts' in msg and 'meta' in msg


def test_valid_hook_arguments_load():
    cfg = load_config(DIGITS_CFG, {
        'default_hooks.checkpoint.max_keep_ckpts': 2,
        'default_hooks.checkpoint.priority': 'VERY_LOW',
        'default_hooks.logger.interval': 5,
    })
    assert cfg.default_hooks.checkpoint.max_keep_ckpts == 2


def test_custom_hook_typo_names_its_index():
    with pytest.raises(TypeError, match=r"custom_hooks\[0\]: EmptyCacheHook "
                       r"has no argument 'after_epochs' \(did you mean "
                       r"'after_epoch'"):
        load_config(DIGITS_CFG, {'custom_hooks': [
            dict(type='EmptyCacheHook', after_epochs=True)]})
