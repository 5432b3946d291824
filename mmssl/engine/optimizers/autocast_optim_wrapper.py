# Copyright (c) mmssl contributors. All rights reserved.
import logging
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper

from mmssl.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """Mixed precision through ``torch.autocast`` alone, on any device.

    mmengine's ``AmpOptimWrapper`` (fp16 with loss scaling) refuses to run
    without a GPU. bfloat16 has float32's exponent range, so it needs no
    loss scaling and runs on CPUs (fast on those with AVX512-BF16/AMX) and
    GPUs alike. ``tools/train.py --amp`` picks this wrapper on CPU-only
    machines and mmengine's ``AmpOptimWrapper`` on GPUs.

    Args:
        dtype (str): Autocast dtype: ``'bfloat16'`` (default) or
            ``'float16'`` (GPU only; prefer ``AmpOptimWrapper`` there).
        **kwargs: Passed to :class:`mmengine.optim.OptimWrapper`.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs):
        if dtype not in ('bfloat16', 'float16'):
            raise ValueError(f"dtype must be 'bfloat16' or 'float16', got "
                             f'{dtype!r}')
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)
        self._checked = False

    def _check_device(self, device_type: str) -> None:
        """Warn once when bf16 autocast will be slow on this CPU."""
        self._checked = True
        if device_type != 'cpu' or self.cast_dtype != torch.bfloat16:
            return
        try:
            fast = torch.ops.mkldnn._is_mkldnn_bf16_supported()
        except (AttributeError, RuntimeError):
            fast = False
        if not fast:
            print_log(
                'AutocastOptimWrapper: this CPU has no native bfloat16 '
                '(AVX512-BF16/AMX); bf16 autocast will be slower than '
                "float32 here. Use optim_wrapper.type='OptimWrapper' and "
                'model.channels_last=False.', logger='current',
                level=logging.WARNING)

    @contextmanager
    def optim_context(self, model: nn.Module):
        param = next(model.parameters(), None)
        device_type = param.device.type if param is not None else 'cpu'
        if not self._checked:
            self._check_device(device_type)
        with super().optim_context(model), torch.autocast(
                device_type=device_type, dtype=self.cast_dtype):
            yield
