# Copyright (c) mmssl contributors. All rights reserved.
"""N-D sliding-window inference with overlap and Gaussian blending, for
volumes larger than a training patch."""
import itertools
from typing import Callable, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F


def gaussian_importance_map(roi_size: Sequence[int],
                            sigma_scale: float = 0.125,
                            device=None,
                            dtype=torch.float32) -> torch.Tensor:
    """Separable Gaussian weights over a window, peak 1 at its centre.

    ``sigma = sigma_scale * size`` per axis (0.125, as nnU-Net and MONAI's
    ``sliding_window_inference(mode='gaussian')``); the smallest weight is
    kept above 0 so every voxel is covered.
    """
    weights = None
    for size in roi_size:
        x = torch.arange(size, device=device, dtype=torch.float64)
        sigma = max(sigma_scale * size, 1e-3)
        g = torch.exp(-0.5 * ((x - (size - 1) / 2) / sigma)**2)
        weights = g if weights is None else weights[..., None] * g
    weights = weights / weights.max()
    floor = weights[weights > 0].min()
    return weights.clamp_min(floor).to(dtype)


def _starts(size: int, roi: int, step: int) -> List[int]:
    if size <= roi:
        return [0]
    starts = list(range(0, size - roi + 1, step))
    if starts[-1] != size - roi:
        starts.append(size - roi)
    return starts


def num_windows(shape: Sequence[int], roi_size: Union[int, Sequence[int]],
                overlap: float = 0.5) -> int:
    """How many windows :func:`sliding_window_inference` runs over an
    image of spatial ``shape`` (to say how long a volume will take before
    it starts)."""
    if isinstance(roi_size, int):
        roi_size = (roi_size, ) * len(shape)
    total = 1
    for s, r in zip(shape, roi_size):
        r = int(r)
        total *= len(_starts(max(int(s), r), r, max(int(r * (1 - overlap)),
                                                    1)))
    return total


def sliding_window_inference(
        inputs: torch.Tensor,
        roi_size: Union[int, Sequence[int]],
        predictor: Callable[[torch.Tensor], torch.Tensor],
        overlap: float = 0.5,
        mode: str = 'gaussian',
        sw_batch_size: int = 4,
        sigma_scale: float = 0.125,
        pad_value: float = 0.,
        progress: Optional[Callable[[int, int], None]] = None
) -> torch.Tensor:
    """Predict a whole N-D image window by window and blend the windows.

    The image is padded (at both ends, evenly) to at least ``roi_size``;
    windows start every ``roi * (1 - overlap)`` voxels, with one more
    window flush with the far border; ``sw_batch_size`` windows go through
    ``predictor`` at a time; overlapping outputs are averaged with
    Gaussian (``mode='gaussian'``) or equal (``'constant'``) weights; the
    padding is cropped off, so the output has the input's spatial shape.

    Args:
        inputs (Tensor): (B, C, *spatial), any number of spatial dims.
        roi_size (int | Sequence[int]): Window size per spatial dim.
        predictor (callable): (N, C, *roi_size) -> (N, C_out, *roi_size).
        overlap (float): Fraction of a window shared with the next one,
            in [0, 1). Defaults to 0.5.
        mode (str): ``'gaussian'`` or ``'constant'``.
        sw_batch_size (int): Windows per predictor call.
        sigma_scale (float): Gaussian sigma as a fraction of the window.
        pad_value (float): Value of the padding.
        progress (callable, optional): Called as ``progress(done, total)``
            (windows) after each batch of windows.

    Returns:
        Tensor: (B, C_out, *spatial) blended outputs (float32).
    """
    if not 0 <= overlap < 1:
        raise ValueError(f'overlap must be in [0, 1), got {overlap}')
    if mode not in ('gaussian', 'constant'):
        raise ValueError(f"mode must be 'gaussian' or 'constant', got "
                         f'{mode!r}')
    spatial = tuple(inputs.shape[2:])
    if isinstance(roi_size, int):
        roi_size = (roi_size, ) * len(spatial)
    roi = tuple(int(r) for r in roi_size)
    if len(roi) != len(spatial):
        raise ValueError(f'roi_size {roi} does not match the {len(spatial)} '
                         f'spatial dims of an input of shape '
                         f'{tuple(inputs.shape)}')
    pads: List[Tuple[int, int]] = []
    for s, r in zip(spatial, roi):
        extra = max(r - s, 0)
        pads.append((extra // 2, extra - extra // 2))
    flat = [p for pair in reversed(pads) for p in pair]
    x = F.pad(inputs, flat, value=pad_value) if any(flat) else inputs
    padded = tuple(x.shape[2:])
    steps = [max(int(r * (1 - overlap)), 1) for r in roi]
    corners = list(itertools.product(
        *[_starts(s, r, st) for s, r, st in zip(padded, roi, steps)]))
    # constant blending adds plain window outputs (no multiply by ones)
    weight = gaussian_importance_map(roi, sigma_scale, x.device) \
        if mode == 'gaussian' else None
    out = count = None
    b = x.shape[0]
    for i in range(0, len(corners), sw_batch_size):
        chunk = corners[i:i + sw_batch_size]
        windows = torch.cat([
            x[(slice(None), slice(None)) +
              tuple(slice(c, c + r) for c, r in zip(corner, roi))]
            for corner in chunk
        ])
        pred = predictor(windows).float()
        if out is None:
            out = torch.zeros((b, pred.shape[1]) + padded, device=x.device)
            count = torch.zeros((1, 1) + padded, device=x.device)
        for k, corner in enumerate(chunk):
            region = (slice(None), slice(None)) + tuple(
                slice(c, c + r) for c, r in zip(corner, roi))
            if weight is None:
                out[region] += pred[k * b:(k + 1) * b]
                count[region] += 1
            else:
                out[region] += pred[k * b:(k + 1) * b] * weight
                count[region] += weight
        if progress is not None:
            progress(i + len(chunk), len(corners))
    out = out / count
    crop = (slice(None), slice(None)) + tuple(
        slice(lo, lo + s) for (lo, _), s in zip(pads, spatial))
    return out[crop]
