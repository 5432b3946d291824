# Copyright (c) mmssl contributors. All rights reserved.
"""Batch (tensor) augmentations applied inside the model, as the official
WAD code does: the SimCLR views of its CSI-derived teacher
(``contrast/models/transform_layers.py``) and the student's augmentation
(``SSL/transform.py``, applied in ``WideResNet.forward`` in train mode).

All take and return ``(N, C, H, W)`` float tensors; random draws use
torch's global generator (or ``generator``, a CPU generator), on the CPU.
"""
import math
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmssl.registry import MODELS

_LUMA = (0.299, 0.587, 0.114)


def _gray(x: torch.Tensor) -> torch.Tensor:
    if x.size(1) == 1:
        return x
    w = x.new_tensor(_LUMA).view(1, 3, 1, 1)
    return (x * w).sum(1, keepdim=True)


def _rgb_to_hsv(x: torch.Tensor) -> torch.Tensor:
    r, g, b = x.unbind(1)
    maxc, _ = x.max(1)
    minc, _ = x.min(1)
    delta = maxc - minc
    s = delta / (maxc + 1e-8)
    d = torch.where(delta > 0, delta, torch.ones_like(delta))
    h = torch.where(maxc == r, (g - b) / d % 6,
                    torch.where(maxc == g, (b - r) / d + 2, (r - g) / d + 4))
    h = torch.where(delta > 0, h / 6, torch.zeros_like(h))
    return torch.stack([h, s, maxc], 1)


def _hsv_to_rgb(x: torch.Tensor) -> torch.Tensor:
    h, s, v = x.unbind(1)
    k = lambda n: (n + h * 6) % 6  # noqa: E731
    f = lambda n: v - v * s * torch.clamp(  # noqa: E731
        torch.minimum(k(n), 4 - k(n)), 0, 1)
    return torch.stack([f(5), f(3), f(1)], 1)


@MODELS.register_module()
class SimCLRAugment(nn.Module):
    """SimCLR views on a batch in ``[0, 1]``, as CSI's / WAD's
    ``simclr_aug``: ColorJitter(brightness, contrast, saturation, hue) with
    probability ``jitter_prob``, RandomGrayscale(``gray_prob``), then
    RandomResizedCrop(``scale``, ratio 3/4..4/3) back to the input size.
    Parameters are drawn per sample. ``flip_prob`` adds CSI's
    ``HorizontalFlipLayer`` (applied first, per sample), which WAD's
    training step applies before ``simclr_aug``.

    Single-channel images skip saturation, hue and grayscale (no colour).

    Args:
        brightness, contrast, saturation, hue (float): Jitter strengths
            (official 0.4, 0.4, 0.4, 0.1).
        jitter_prob (float): Official 0.8.
        gray_prob (float): Official 0.2.
        scale (tuple): Area range of the crop (official ``resize_factor``
            0.08 to 1).
        flip_prob (float): Official 0.5 (horizontal).
    """

    def __init__(self,
                 brightness: float = 0.4,
                 contrast: float = 0.4,
                 saturation: float = 0.4,
                 hue: float = 0.1,
                 jitter_prob: float = 0.8,
                 gray_prob: float = 0.2,
                 scale: Sequence[float] = (0.08, 1.0),
                 ratio: Sequence[float] = (3 / 4, 4 / 3),
                 flip_prob: float = 0.5):
        super().__init__()
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self.jitter_prob = jitter_prob
        self.gray_prob = gray_prob
        self.scale = tuple(scale)
        self.ratio = tuple(ratio)
        self.flip_prob = flip_prob

    @staticmethod
    def _u(n, lo, hi, like, g):
        # Drawn on the CPU (a CPU generator works for inputs on any device,
        # and the draws are the same on every device).
        return (torch.rand(n, 1, 1, 1, generator=g) * (hi - lo) + lo).to(like)

    def jitter(self, x: torch.Tensor, g=None) -> torch.Tensor:
        n = x.size(0)
        out = x
        ops = ['b', 'c', 's', 'h']
        if torch.rand(1, generator=g).item() > 0.5:  # CSI shuffles order
            ops.reverse()
        for op in ops:
            if op == 'b' and self.brightness > 0:
                f = self._u(n, 1 - self.brightness, 1 + self.brightness, x, g)
                out = (out * f).clamp(0, 1)
            elif op == 'c' and self.contrast > 0:
                f = self._u(n, 1 - self.contrast, 1 + self.contrast, x, g)
                mean = _gray(out).mean(dim=(1, 2, 3), keepdim=True)
                out = ((out - mean) * f + mean).clamp(0, 1)
            elif op == 's' and self.saturation > 0 and x.size(1) == 3:
                f = self._u(n, 1 - self.saturation, 1 + self.saturation, x, g)
                gray = _gray(out)
                out = ((out - gray) * f + gray).clamp(0, 1)
            elif op == 'h' and self.hue > 0 and x.size(1) == 3:
                f = self._u(n, -self.hue, self.hue, x, g).view(n, 1, 1)
                hsv = _rgb_to_hsv(out)
                hsv = torch.stack([(hsv[:, 0] + f) % 1, hsv[:, 1], hsv[:, 2]],
                                  1)
                out = _hsv_to_rgb(hsv).clamp(0, 1)
        keep = (torch.rand(n, 1, 1, 1, generator=g) < self.jitter_prob).to(x)
        return x * (1 - keep) + out * keep

    def resized_crop(self, x: torch.Tensor, g=None) -> torch.Tensor:
        n = x.size(0)
        area = torch.empty(n).uniform_(*self.scale, generator=g)
        logr = torch.empty(n).uniform_(math.log(self.ratio[0]),
                                       math.log(self.ratio[1]), generator=g)
        r = torch.exp(logr)
        w = torch.sqrt(area * r).clamp(max=1.0)
        h = torch.sqrt(area / r).clamp(max=1.0)
        cx = (torch.rand(n, generator=g) * 2 - 1) * (1 - w)
        cy = (torch.rand(n, generator=g) * 2 - 1) * (1 - h)
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0], theta[:, 0, 2] = w, cx
        theta[:, 1, 1], theta[:, 1, 2] = h, cy
        grid = F.affine_grid(theta.to(x), list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode='bilinear', padding_mode='border',
                             align_corners=False)

    def forward(self, x: torch.Tensor,
                generator: Optional[torch.Generator] = None) -> torch.Tensor:
        n = x.size(0)
        if self.flip_prob > 0:
            flip = torch.rand(n, generator=generator) < self.flip_prob
            x = torch.where(flip.view(n, 1, 1, 1).to(x.device),
                            x.flip(3), x)
        x = self.jitter(x, generator)
        if self.gray_prob > 0 and x.size(1) == 3:
            gray = (torch.rand(n, 1, 1, 1, generator=generator)
                    < self.gray_prob).to(x)
            x = x * (1 - gray) + _gray(x).expand_as(x) * gray
        return self.resized_crop(x, generator)


@MODELS.register_module()
class WADStudentAugment(nn.Module):
    """WAD's student augmentation (``SSL/transform.py``), applied to the
    normalised batch in training: a horizontal flip of the WHOLE batch with
    probability ``flip_prob``, padding by ``pad`` pixels and a random crop
    back at one offset for the whole batch, and Gaussian noise of standard
    deviation ``noise_std``.

    Args:
        flip_prob (float): Official 0.5.
        pad (int): Official 2 (reflect).
        pad_mode (str): ``'reflect'`` (official) or ``'constant'``.
        noise_std (float): Official 0.15.
    """

    def __init__(self, flip_prob: float = 0.5, pad: int = 2,
                 pad_mode: str = 'reflect', noise_std: float = 0.15):
        super().__init__()
        self.flip_prob = flip_prob
        self.pad = pad
        self.pad_mode = pad_mode
        self.noise_std = noise_std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        if self.flip_prob > 0 and torch.rand(1).item() < self.flip_prob:
            x = x.flip(3)
        if self.pad > 0:
            h, w = x.shape[-2:]
            p = self.pad
            x = F.pad(x, (p, p, p, p), mode=self.pad_mode)
            i, j = torch.randint(0, 2 * p + 1, (2, )).tolist()
            x = x[..., i:i + h, j:j + w]
        if self.noise_std > 0:
            x = x + torch.randn_like(x) * self.noise_std
        return x
