# Copyright (c) mmssl contributors. All rights reserved.
import math
from typing import Optional

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from mmssl.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class SSLCosineParamScheduler(_ParamScheduler):
    """The cosine decay of FixMatch and USB, closed form.

    ``value_k = base * max(0, cos(pi * num_cycles * p))`` with
    ``p = (k - warmup) / (total - warmup)`` after an optional linear warm-up
    (USB's ``get_cosine_schedule_with_warmup``; FixMatch's
    ``lr * cos(7 * pi * k / (16 * K))`` is ``num_cycles=7/16``,
    ``warmup_iters=0``). Unlike mmengine's ``CosineAnnealingLR`` it does not
    reach zero: the last lr is ``base * cos(7 * pi / 16)`` (about 0.2 x).

    Args:
        optimizer: Wrapped optimizer.
        param_name (str): Parameter to schedule.
        num_cycles (float): Defaults to 7/16 (FixMatch, USB).
        total_iters (int, optional): K; defaults to ``end - begin``
            (mmengine's Runner sets ``end`` to ``train_cfg.max_iters`` when
            a config leaves it out, so K follows the training length).
        warmup_iters (int): Linear warm-up steps. Defaults to 0 (USB).
        begin, end, last_step, by_epoch, verbose: As in mmengine.
    """

    def __init__(self,
                 optimizer,
                 param_name: str,
                 num_cycles: float = 7 / 16,
                 total_iters: Optional[int] = None,
                 warmup_iters: int = 0,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = False,
                 verbose: bool = False):
        if total_iters is None:
            if end == INF:
                raise ValueError('SSLCosineLR needs total_iters or end')
            total_iters = end - begin
        if total_iters <= warmup_iters:
            raise ValueError(f'total_iters ({total_iters}) must exceed '
                             f'warmup_iters ({warmup_iters})')
        self.num_cycles = num_cycles
        self.total_iters = total_iters
        self.warmup_iters = warmup_iters
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose)

    def factor(self, step: int) -> float:
        """The multiplier of the base value at ``step``."""
        if step < self.warmup_iters:
            return step / max(1, self.warmup_iters)
        progress = (step - self.warmup_iters) / (
            self.total_iters - self.warmup_iters)
        return max(0.0, math.cos(math.pi * self.num_cycles * progress))

    def _get_value(self):
        f = self.factor(self.last_step)
        return [base * f for base in self.base_values]


@PARAM_SCHEDULERS.register_module()
class SSLCosineLR(LRSchedulerMixin, SSLCosineParamScheduler):
    """:class:`SSLCosineParamScheduler` for the learning rate."""
