# Copyright (c) mmssl contributors. All rights reserved.
"""Loss terms of the semi-supervised classification methods, as plain
functions of tensors.

Every function names the official function it mirrors, so that a loss can
be checked against the official implementation on fixed inputs without
building a model. The heads in :mod:`mmssl.models.heads` call these.
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F


def soft_ce_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-sample cross-entropy with hard (``(B,)`` long) or soft
    (``(B, C)`` probability) targets.

    Mirrors USB's ``ce_loss(logits, targets, reduction='none')``
    (``semilearn/algorithms/utils/loss.py``): soft targets give
    ``-sum_c targets[b, c] * log_softmax(logits)[b, c]``.

    Returns:
        Tensor: ``(B,)`` losses (float32).
    """
    logits = logits.float()
    if targets.dim() == 1:
        return F.cross_entropy(logits, targets.long(), reduction='none')
    if targets.shape != logits.shape:
        raise ValueError(f'soft targets must have the shape of the logits '
                         f'{tuple(logits.shape)}, got {tuple(targets.shape)}')
    return -(targets.float() * F.log_softmax(logits, dim=1)).sum(dim=1)


def consistency_loss(logits: torch.Tensor,
                     targets: torch.Tensor,
                     mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Masked cross-entropy, averaged over ALL samples (masked ones count
    as 0).

    Mirrors USB's ``consistency_loss(logits, targets, 'ce', mask)``
    (``semilearn/algorithms/utils/loss.py``).
    """
    loss = soft_ce_loss(logits, targets)
    if mask is not None:
        loss = loss * mask.float()
    return loss.mean()


def fixed_threshold_mask(probs: torch.Tensor,
                         cutoff: float) -> torch.Tensor:
    """``1[max_c probs[b, c] >= cutoff]`` as float.

    Mirrors USB's ``FixedThresholdingHook.masking(..., softmax_x_ulb=False)``
    (``semilearn/algorithms/hooks/masking.py``).
    """
    return probs.max(dim=1).values.ge(cutoff).float()


def mb_sup_loss(logits_mb: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Supervised loss of the multi-binary (one-vs-all) classifiers.

    Mirrors ``mb_sup_loss`` of IOMatch (``semilearn/algorithms/iomatch/
    utils.py``, taken from OpenMatch's ``ova_loss``). ``logits_mb`` (B, 2K)
    is read as ``(B, 2, K)``; index 1 along dim 1 is "is class k", 0 is
    "is not class k", softmax over that pair::

        L = mean_b -log(p[b, 1, y_b] + 1e-8)
            + mean_b max_{k != y_b} -log(p[b, 0, k] + 1e-8)

    (the max runs over ``-log(p_neg) * (1 - onehot)``, so the true class
    contributes 0, as in the official code).
    """
    batch = logits_mb.size(0)
    probs = F.softmax(logits_mb.float().view(batch, 2, -1), dim=1)
    onehot = F.one_hot(labels.long(), probs.size(2)).float()
    pos = (-torch.log(probs[:, 1, :] + 1e-8) * onehot).sum(dim=1).mean()
    neg = (-torch.log(probs[:, 0, :] + 1e-8) * (1 - onehot)).max(dim=1)[0]
    return pos + neg.mean()


@torch.no_grad()
def iomatch_open_targets(probs: torch.Tensor, logits_mb: torch.Tensor,
                         p_cutoff: float = 0.95,
                         q_cutoff: float = 0.5) -> Dict[str, torch.Tensor]:
    """IOMatch's closed- and open-set targets of the unlabeled weak views.

    Mirrors the target block of ``IOMatch.train_step``
    (``semilearn/algorithms/iomatch/iomatch.py``). With ``r = softmax
    (logits_mb.view(B, 2, K), dim=1)``::

        s = sum_k probs[:, k] * r[:, 0, k]          # outlier score
        q[:, :K] = probs * r[:, 1, :];  q[:, K] = s  # (K+1)-way target
        in_mask = s < 0.5
        p_mask = max(probs) >= p_cutoff;  q_mask = max(q) >= q_cutoff

    Args:
        probs (Tensor): ``(B, K)`` closed-set probabilities of the weak
            views (after distribution alignment when it is on).
        logits_mb (Tensor): ``(B, 2K)`` multi-binary logits of the weak
            views.

    Returns:
        dict: ``q`` (B, K+1), ``out_scores`` (B,), and the float masks
        ``in_mask``, ``p_mask``, ``q_mask`` (B,).
    """
    batch, num_classes = probs.shape
    probs = probs.float()
    r = F.softmax(logits_mb.float().view(batch, 2, num_classes), dim=1)
    out_scores = (probs * r[:, 0, :]).sum(dim=1)
    q = torch.cat([probs * r[:, 1, :], out_scores[:, None]], dim=1)
    return dict(
        q=q,
        out_scores=out_scores,
        in_mask=out_scores.lt(0.5).float(),
        p_mask=fixed_threshold_mask(probs, p_cutoff),
        q_mask=fixed_threshold_mask(q, q_cutoff))


def shrink_loss(probs: torch.Tensor,
                logits_aux_s: torch.Tensor,
                p_cutoff: float,
                rank_probs: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
    """ShrinkMatch's loss of the uncertain unlabeled samples (vectorized).

    Mirrors ``shrink_loss`` of ShrinkMatch's CIFAR/ImageNet code
    (``CIFAR/shrinkmatch.py``; with ``rank_probs`` the STL-10/SVHN
    ``consistency_loss_with_shrink``). For each sample with
    ``max(probs) < p_cutoff``: sort its probabilities, always remove the
    rank-1 class, then remove ranks 2, 3, ... until the top-1 probability
    renormalised over the kept classes reaches ``p_cutoff`` (or only the
    top-1 and the least likely class are left); the loss is the
    cross-entropy of the auxiliary strong-view logits restricted to the kept
    classes, target the top-1 class, weighted by the original top-1
    confidence times ``1[renormalised top-1 >= p_cutoff]`` (principle 1).

    Args:
        probs (Tensor): ``(B, C)`` pseudo-label distribution of the weak
            views (after distribution alignment); gives the certainty mask
            and the weights, and the ranking unless ``rank_probs`` is given.
        logits_aux_s (Tensor): ``(B, C)`` auxiliary-head logits of the
            strong views.
        p_cutoff (float): Confidence threshold tau.
        rank_probs (Tensor, optional): ``(B, C)`` probabilities that rank
            the classes and give the renormalised confidence (STL-10/SVHN:
            the softmax of the raw weak logits).

    Returns:
        tuple: ``S``, the SUM of the weighted per-sample losses (the caller
        divides by the unlabeled batch size, as the official code), and a
        dict with ``ce`` (B,), ``weight`` (B,), ``keep`` (B, C) bool,
        ``c_star`` (B,) and ``sub_conf`` (B,). Certain samples have weight
        0 (their ``ce`` is computed but unused).
    """
    probs = probs.detach().float()
    rank = probs if rank_probs is None else rank_probs.detach().float()
    batch, num_classes = probs.shape
    max_probs = probs.max(dim=1).values
    uncertain = max_probs.lt(p_cutoff)
    logits_aux_s = logits_aux_s.float()
    if num_classes <= 2:
        zeros = probs.new_zeros(batch)
        return logits_aux_s.sum() * 0, dict(
            ce=zeros, weight=zeros,
            keep=probs.new_ones(batch, num_classes, dtype=torch.bool),
            c_star=torch.full((batch, ), num_classes - 1,
                              device=probs.device),
            sub_conf=probs.new_ones(batch))
    sorted_p, sorted_idx = rank.sort(dim=1, descending=True)
    # tail[:, c] = sum_{j >= c} sorted_p[:, j]
    tail = sorted_p.flip(1).cumsum(1).flip(1)
    sub = sorted_p[:, :1] / (sorted_p[:, :1] + tail[:, 2:])  # c = 2..C-1
    ok = sub.ge(p_cutoff)
    first = ok.float().argmax(dim=1)
    c_star = torch.where(ok.any(dim=1), first + 2,
                         torch.full_like(first, num_classes - 1))
    sub_conf = sub.gather(1, (c_star - 2)[:, None]).squeeze(1)
    ranks = torch.arange(num_classes, device=probs.device)[None, :]
    keep_sorted = ranks.eq(0) | ranks.ge(c_star[:, None])
    keep = torch.zeros_like(keep_sorted).scatter(1, sorted_idx, keep_sorted)
    top1 = sorted_idx[:, 0]
    ce = torch.logsumexp(logits_aux_s.masked_fill(~keep, float('-inf')),
                         dim=1) - logits_aux_s.gather(1, top1[:, None])[:, 0]
    weight = uncertain.float() * max_probs * sub_conf.ge(p_cutoff).float()
    return (weight * ce).sum(), dict(
        ce=ce, weight=weight, keep=keep, c_star=c_star, sub_conf=sub_conf)
