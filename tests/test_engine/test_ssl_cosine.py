# Copyright (c) mmssl contributors. All rights reserved.
import math

import pytest
import torch

from mmssl.engine.schedulers import SSLCosineLR


def test_fixmatch_cosine_closed_form():
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    total = 64
    sched = SSLCosineLR(opt, total_iters=total, by_epoch=False)
    lrs = []
    for _ in range(total):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    for k in (0, 1, 17, 63):
        want = 0.03 * math.cos(7 * math.pi * k / (16 * total))
        assert lrs[k] == pytest.approx(want, rel=1e-9)


def test_warmup_and_errors():
    opt = torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=1.0)
    sched = SSLCosineLR(opt, total_iters=10, warmup_iters=4)
    assert sched.factor(2) == pytest.approx(0.5)
    assert sched.factor(4) == pytest.approx(1.0)
    with pytest.raises(ValueError, match='total_iters'):
        SSLCosineLR(opt)
