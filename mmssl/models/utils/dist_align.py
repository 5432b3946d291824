# Copyright (c) mmssl contributors. All rights reserved.
"""Distribution alignment of unlabeled pseudo-label distributions.

Both modules keep their state in buffers, so it is saved in checkpoints
and restored on resume (as USB's ``get_save_dict`` / ``load_model`` do for
``p_model`` and ``p_model_ptr``). The batch mean is averaged over all ranks
in distributed training.
"""
import torch
import torch.nn as nn
from mmengine import dist


def _global_batch_mean(probs: torch.Tensor) -> torch.Tensor:
    mean = probs.mean(dim=0)
    if dist.is_distributed() and dist.get_world_size() > 1:
        dist.all_reduce(mean, op='mean')
    return mean


class DistAlignQueue(nn.Module):
    """Distribution alignment with a FIFO queue of batch-mean predictions
    and a uniform target distribution.

    Each call writes the (all-rank) batch mean of ``probs`` into the queue
    slot ``ptr``, advances ``ptr``, and returns::

        p_aligned = probs * (1/K + eps) / (mean(queue, dim=0) + eps)

    renormalised per row. The mean runs over all ``queue_len`` slots,
    including still-zero ones early in training (only the ratio between
    classes matters after renormalisation).

    Mirrors USB's ``DistAlignQueueHook`` with ``p_target_type='uniform'``
    (``semilearn/algorithms/hooks/dist_align.py``; IOMatch: queue 128, eps
    1e-6) and ShrinkMatch's ``distribution_alignment``
    (``CIFAR/network/shrinkmatch.py``: queue 32, ``probs / mean(queue)``,
    i.e. ``eps=0``; the uniform factor cancels in the renormalisation).

    Args:
        num_classes (int): Number of classes K.
        queue_len (int): Queue length.
        eps (float): Added to the target and model means.
    """

    def __init__(self, num_classes: int, queue_len: int = 128,
                 eps: float = 1e-6):
        super().__init__()
        if queue_len <= 0:
            raise ValueError(f'queue_len must be positive, got {queue_len}')
        self.num_classes = num_classes
        self.eps = eps
        self.register_buffer('p_model', torch.zeros(queue_len, num_classes))
        self.register_buffer('p_model_ptr', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def forward(self, probs: torch.Tensor) -> torch.Tensor:
        probs = probs.detach().float()
        ptr = int(self.p_model_ptr)
        self.p_model[ptr] = _global_batch_mean(probs).to(self.p_model)
        self.p_model_ptr.fill_((ptr + 1) % self.p_model.size(0))
        target = 1.0 / self.num_classes
        aligned = probs * (target + self.eps) / (
            self.p_model.mean(dim=0) + self.eps)
        return aligned / aligned.sum(dim=1, keepdim=True)


class DistAlignEMA(nn.Module):
    """Distribution alignment with an exponential moving average of the
    batch-mean prediction::

        p_model = mean_b probs                     (first call)
        p_model = m * p_model + (1 - m) * mean_b probs
        p_aligned = probs / p_model, renormalised per row

    Mirrors ShrinkMatch's STL-10 code (TorchSSL's FlexMatch-style
    ``p_model`` update, momentum 0.999).

    Args:
        num_classes (int): Number of classes.
        momentum (float): EMA momentum m.
    """

    def __init__(self, num_classes: int, momentum: float = 0.999):
        super().__init__()
        self.momentum = momentum
        self.register_buffer('p_model', torch.zeros(num_classes))
        self.register_buffer('initialized', torch.zeros((), dtype=torch.bool))

    @torch.no_grad()
    def forward(self, probs: torch.Tensor) -> torch.Tensor:
        probs = probs.detach().float()
        mean = _global_batch_mean(probs).to(self.p_model)
        if bool(self.initialized):
            self.p_model.mul_(self.momentum).add_(mean * (1 - self.momentum))
        else:
            self.p_model.copy_(mean)
            self.initialized.fill_(True)
        aligned = probs / self.p_model
        return aligned / aligned.sum(dim=1, keepdim=True)
