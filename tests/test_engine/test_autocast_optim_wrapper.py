# Copyright (c) mmssl contributors. All rights reserved.
import pytest
import torch
from mmengine.runner import Runner

from mmssl.registry import OPTIM_WRAPPERS
from tests.helpers.runner_utils import small_digits_cfg


def test_autocast_runs_bf16_on_cpu():
    model = torch.nn.Linear(4, 3)
    wrapper = OPTIM_WRAPPERS.build(
        dict(type='AutocastOptimWrapper',
             optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    x = torch.randn(2, 4)
    with wrapper.optim_context(model):
        y = model(x)
    assert y.dtype == torch.bfloat16
    assert model(x).dtype == torch.float32  # only inside the context
    loss = y.float().pow(2).mean()
    before = model.weight.detach().clone()
    wrapper.update_params(loss)
    assert model.weight.dtype == torch.float32  # master weights stay fp32
    assert not torch.equal(before, model.weight)
    with pytest.raises(ValueError):
        OPTIM_WRAPPERS.build(
            dict(type='AutocastOptimWrapper', dtype='int8',
                 optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))


def test_runner_trains_with_autocast(tmp_path):
    cfg = small_digits_cfg(str(tmp_path), by_epoch=True, length=2)
    cfg.optim_wrapper.type = 'AutocastOptimWrapper'
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert losses[-5:].mean() < losses[:5].mean()
