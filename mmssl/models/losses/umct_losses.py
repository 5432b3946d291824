# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT's view transforms and uncertainty-weighted label fusion, as plain
functions of tensors.

UMCT: Xia et al., "3D Semi-Supervised Learning with Uncertainty-Aware
Multi-View Co-Training", WACV 2020, and "Uncertainty-aware multi-view
co-training for semi-supervised medical image segmentation and domain
adaptation", MedIA 2020. No official code was released; the formulas
follow the papers (views, MC-variance uncertainty, confidence-weighted
fusion); the values they leave open are
our choices, which configs/umct/README.md names.
"""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F

# The three views as permutations of the spatial axes of a (z, y, x)
# patch, for networks whose anisotropic kernels are 3x3 in the first two
# kernel dims and 1 in the last: axial (y, x, z),
# coronal (x, z, y), sagittal (y, z, x).
UMCT_VIEWS: Tuple[Tuple[int, int, int], ...] = ((1, 2, 0), (2, 0, 1),
                                                (1, 0, 2))


def _full_perm(view: Sequence[int], ndim: int) -> list:
    lead = ndim - 3
    return list(range(lead)) + [lead + a for a in view]


def to_view(x: torch.Tensor, view: Sequence[int]) -> torch.Tensor:
    """Permute the last three (spatial, z-y-x) axes of ``x`` into a view's
    order; a pure permutation, no interpolation."""
    return x.permute(*_full_perm(view, x.dim()))


def from_view(x: torch.Tensor, view: Sequence[int]) -> torch.Tensor:
    """Inverse of :func:`to_view`: back to the common (z, y, x) frame."""
    inverse = [0, 0, 0]
    for i, a in enumerate(view):
        inverse[a] = i
    return x.permute(*_full_perm(inverse, x.dim()))


def mc_mean_and_variance(samples: torch.Tensor
                         ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Mean and per-voxel uncertainty of K Monte-Carlo dropout samples.

    ``U = mean_k p_k^2 - (mean_k p_k)^2`` (population variance of the
    sampled probabilities, as third-party notes on the MedIA paper give
    it), averaged over the classes to
    one scalar per voxel (for two classes both channels have the same
    variance).

    Args:
        samples (Tensor): (K, B, C, *spatial) softmax probabilities.

    Returns:
        tuple: mean (B, C, *spatial) and variance (B, *spatial).
    """
    mean = samples.mean(0)
    var = (samples.square().mean(0) - mean.square()).clamp_min(0)
    return mean, var.mean(1)


def uncertainty_weighted_fusion(means: Sequence[torch.Tensor],
                                variances: Sequence[torch.Tensor],
                                eps: float = 1e-6) -> list:
    """Pseudo labels of every view from the other views' predictions.

    ``y_i = sum_{j != i} c_j p_j / sum_{j != i} c_j`` with the confidence
    ``c_j = 1 / (U_j + eps)`` (the MedIA paper's fusion formula, via
    third-party notes): a per-voxel convex
    combination of the other views' MC-mean probabilities, in the common
    frame.

    Args:
        means (list[Tensor]): per view, (B, C, *spatial) MC means.
        variances (list[Tensor]): per view, (B, *spatial) uncertainties.
        eps (float): Keeps ``c`` finite where ``U = 0``. Defaults to 1e-6.

    Returns:
        list[Tensor]: per view, its (B, C, *spatial) soft pseudo label.
    """
    if len(means) < 2 or len(means) != len(variances):
        raise ValueError('fusion needs at least two views, each with a '
                         'mean and a variance')
    conf = [1. / (v + eps) for v in variances]
    labels = []
    for i in range(len(means)):
        # summed over the others explicitly: subtracting view i from a
        # total would cancel badly when one confidence is huge
        others = [j for j in range(len(means)) if j != i]
        num = sum(conf[j].unsqueeze(1) * means[j] for j in others)
        den = sum(conf[j] for j in others).unsqueeze(1)
        labels.append(num / den)
    return labels


def soft_dice_loss(probs: torch.Tensor, target: torch.Tensor,
                   smooth: float = 1e-5) -> torch.Tensor:
    """Soft Dice loss, ``1 - 2 sum(p t) / (sum p + sum t)`` per class and
    sample, averaged; ``target`` may be soft (a fused pseudo label) or
    one-hot.

    Args:
        probs (Tensor): (B, C, *spatial) softmax probabilities.
        target (Tensor): same shape.
    """
    dims = tuple(range(2, probs.dim()))
    inter = (probs * target).sum(dims)
    denom = probs.sum(dims) + target.sum(dims)
    return (1. - (2. * inter + smooth) / (denom + smooth)).mean()


def ce_dice_loss(logits: torch.Tensor, target: torch.Tensor,
                 ce_weight: float = 0.5,
                 dice_weight: float = 0.5) -> torch.Tensor:
    """``0.5 CE + 0.5 soft Dice`` (the same loss for the supervised and the
    co-training terms).

    Args:
        logits (Tensor): (B, C, *spatial).
        target (Tensor): (B, *spatial) class indices, or (B, C, *spatial)
            soft labels.
    """
    if target.dim() == logits.dim() - 1:
        soft = F.one_hot(target.long(), logits.shape[1]).movedim(-1, 1)
        soft = soft.to(logits.dtype)
        ce = F.cross_entropy(logits, target.long())
    else:
        soft = target
        ce = -(soft * F.log_softmax(logits, dim=1)).sum(1).mean()
    dice = soft_dice_loss(logits.softmax(dim=1), soft)
    return ce_weight * ce + dice_weight * dice
