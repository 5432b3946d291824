# Copyright (c) mmssl contributors. All rights reserved.
"""Loss terms of SAT (Wu et al., "Spatial-Aware Token for Weakly Supervised
Object Localization", ICCV 2023), as plain functions of tensors.

Official code: github.com/wpy1999/SAT, ``Model/SAT.py`` (``get_kernel`` and
the train branch of ``SAT.forward``) and ``train.py`` (how the terms are
summed: ``loss = CE + ba_loss + norm_loss``, all weights 1).
"""
import math

import torch
import torch.nn.functional as F


def sat_gaussian_kernel(kernlen: int = 3, nsig: float = 6.) -> torch.Tensor:
    """The fixed smoothing kernel of SAT's normalization loss.

    Mirrors ``get_kernel(kernlen=3, nsig=6)`` in ``Model/SAT.py``: the
    differences of the normal CDF at ``kernlen + 1`` points spanning
    ``[-nsig - i/2, nsig + i/2]`` (``i = (2 nsig + 1) / kernlen``), their
    outer product square-rooted and normalised to sum 1. For the defaults
    the centre weight is 0.805440.

    Returns:
        Tensor: (kernlen, kernlen) float32 kernel.
    """
    interval = (2 * nsig + 1.) / kernlen
    x = torch.linspace(-nsig - interval / 2., nsig + interval / 2.,
                       kernlen + 1, dtype=torch.float64)
    cdf = 0.5 * (1. + torch.erf(x / math.sqrt(2.)))
    k1 = torch.diff(cdf)
    kernel = torch.sqrt(torch.outer(k1, k1))
    return (kernel / kernel.sum()).to(torch.float32)


def sat_area_loss(fg_map: torch.Tensor, area_thr: float) -> torch.Tensor:
    """Batch area loss ``L_ba = |mean_{b,i,j} M - lambda|``.

    The absolute value is taken of the whole-batch mean (``train.py``:
    ``torch.abs(ba_loss.mean() - area_thr)`` on the per-sample means the
    model returns), not per sample.

    Args:
        fg_map (Tensor): Foreground map M, (B, H, W) or (B, 1, H, W),
            values in (0, 1), unsmoothed.
        area_thr (float): lambda (``--area_thr``): 0.25 on CUB, 0.35 on
            ImageNet.
    """
    per_sample = fg_map.flatten(1).mean(1)
    return (per_sample.mean() - area_thr).abs()


def sat_norm_loss(fg_map: torch.Tensor,
                  kernel: torch.Tensor) -> torch.Tensor:
    """Normalization loss ``L_norm = mean_{b,i,j} M*(1 - M*)``.

    ``M*`` is M smoothed by ``kernel`` (:func:`sat_gaussian_kernel`) with
    zero padding, as ``F.conv2d(M, kernel, padding=1)`` in ``SAT.forward``.

    Args:
        fg_map (Tensor): Foreground map M, (B, H, W) or (B, 1, H, W).
        kernel (Tensor): (k, k) smoothing kernel.
    """
    if fg_map.dim() == 3:
        fg_map = fg_map.unsqueeze(1)
    k = kernel.to(fg_map).view(1, 1, *kernel.shape)
    smoothed = F.conv2d(fg_map, k, padding=kernel.shape[-1] // 2)
    return (smoothed * (1. - smoothed)).flatten(1).mean(1).mean()
