# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's biased-object removal (stages B and C) and its complementing
loss (stage D), as plain functions of tensors.

MARS: Jo, Yu, Kim, "MARS: Model-agnostic Biased Object Removal without
Additional Supervision for Weakly-Supervised Semantic Segmentation", ICCV
2023. The official repository has no method code; every function follows
the paper's equations (Section 3, Eqs. 1-7), which the docstrings
cite. Choices the paper leaves open are
arguments, with our recommended reading as the default.

Conventions: ``C`` foreground classes, class 0 is background, labels are
``(H, W)`` integer maps with ``ignore_index`` (255) for ignored pixels and
``removed_index`` for the pixels Eq. 5 removes (the paper's ``-1``).
"""
import math
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F


def cosine_similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``S(v, v') = v.v' / (|v| |v'|)`` for every pair: ``(N, D), (M, D) ->
    (N, M)`` (the paper's notation, Sec. 3)."""
    return F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).t()


def cosine_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``D(v, v') = (1 - S(v, v')) / 2`` in ``[0, 1]``, ``(N, M)``."""
    return (1. - cosine_similarity(a, b)) / 2.


def kmeans(x: torch.Tensor,
           k: int,
           num_iters: int = 30,
           seed: int = 0) -> torch.Tensor:
    """Lloyd's K-means with k-means++ initialisation (the paper's Sec. 3.2;
    the paper does not name its K-means, the official Dockerfile ships
    faiss, whose default is also Lloyd's algorithm).

    Deterministic for a given ``seed``. A cluster that empties keeps its
    previous centroid.

    Args:
        x (Tensor): ``(n, D)`` points, ``n >= k``.
        k (int): Number of clusters.
        num_iters (int): Lloyd iterations (stops early when the assignment
            no longer changes).
        seed (int): Seed of the k-means++ draws.

    Returns:
        Tensor: ``(k, D)`` centroids.
    """
    n = x.shape[0]
    if n < k:
        raise ValueError(f'K-means needs at least k={k} points, got {n}')
    x = x.float()
    gen = torch.Generator().manual_seed(seed)
    idx = [int(torch.randint(n, (1, ), generator=gen))]
    d2 = ((x - x[idx[0]])**2).sum(1)
    for _ in range(1, k):
        if float(d2.sum()) <= 0:  # fewer distinct points than k
            idx.append(int(torch.randint(n, (1, ), generator=gen)))
        else:
            idx.append(int(torch.multinomial(d2 / d2.sum(), 1,
                                             generator=gen)))
        d2 = torch.minimum(d2, ((x - x[idx[-1]])**2).sum(1))
    centroids = x[idx].clone()
    assign = None
    for _ in range(num_iters):
        new_assign = torch.cdist(x, centroids).argmin(1)
        if assign is not None and torch.equal(new_assign, assign):
            break
        assign = new_assign
        sums = torch.zeros_like(centroids).index_add_(0, assign, x)
        counts = torch.bincount(assign, minlength=k).to(x.dtype)
        filled = counts > 0
        centroids[filled] = sums[filled] / counts[filled, None]
    return centroids


def image_centroids(features: torch.Tensor,
                    seed_label: torch.Tensor,
                    k_fg: int = 2,
                    k_bg: int = 2,
                    ignore_index: int = 255,
                    num_iters: int = 30,
                    seed: int = 0) -> Dict[int, torch.Tensor]:
    """Per-image, per-class K-means (the paper's Sec. 3.2).

    For every class ``c`` present in the seed label (background included),
    the features of its pixels are clustered into ``k_fg`` (``c > 0``) or
    ``k_bg`` (``c = 0``) centroids. A class region with fewer pixels than
    its K is skipped (the paper gives no rule; [inferred]).

    Args:
        features (Tensor): ``(D, H, W)`` per-pixel features ``F_i``.
        seed_label (Tensor): ``(H, W)`` seed label ``Y^b_i``.

    Returns:
        dict[int, Tensor]: class index -> ``(K, D)`` centroids.
    """
    if features.shape[1:] != seed_label.shape:
        raise ValueError(f'features {tuple(features.shape[1:])} and label '
                         f'{tuple(seed_label.shape)} sizes differ')
    flat = features.flatten(1).t()
    lab = seed_label.flatten()
    out = {}
    for c in torch.unique(lab).tolist():
        if c == ignore_index or c < 0:
            continue
        k = k_bg if c == 0 else k_fg
        pts = flat[lab == c]
        if pts.shape[0] < k:
            continue
        out[int(c)] = kmeans(pts, k, num_iters, seed + int(c))
    return out


def background_distance(fg_centroids: torch.Tensor,
                        bg_centroids: torch.Tensor,
                        reduce: str = 'mean') -> torch.Tensor:
    """Eq. 1: each foreground centroid's distance from the background
    centroids, ``dist_k = 1/N^bg sum_j D(v_k, v^0_j)`` (the paper's
    Sec. 3.2). ``reduce='min'`` is the reading the paper's introduction
    argues with (distance to the nearest background centroid).

    Args:
        fg_centroids (Tensor): ``(N_fg, D)``.
        bg_centroids (Tensor): ``(N_bg, D)``.

    Returns:
        Tensor: ``(N_fg, )`` distances.
    """
    d = cosine_distance(fg_centroids, bg_centroids)
    if reduce == 'mean':
        return d.mean(1)
    if reduce == 'min':
        return d.min(1).values
    raise ValueError(f"reduce must be 'mean' or 'min', got {reduce!r}")


def select_debiased_centroid(fg_centroids: torch.Tensor,
                             distances: torch.Tensor,
                             alpha: float = 0.4
                             ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Eqs. 2-3: average the ``n_c = ceil(N_fg * alpha)`` centroids furthest
    from the background into one debiased centroid ``V^c`` (the paper's
    Sec. 3.2; alpha 0.40 is the paper's default).

    Returns:
        tuple[Tensor, Tensor]: ``V^c`` ``(D, )`` and the indices of the
        selected centroids, furthest first.
    """
    if not 0 < alpha <= 1:
        raise ValueError(f'alpha must be in (0, 1], got {alpha}')
    n = max(1, math.ceil(fg_centroids.shape[0] * alpha - 1e-9))
    order = torch.sort(distances, descending=True, stable=True).indices
    chosen = order[:n]
    return fg_centroids[chosen].mean(0), chosen


def debiased_centroids(per_image: Sequence[Dict[int, torch.Tensor]],
                       num_classes: int,
                       alpha: float = 0.4,
                       reduce: str = 'mean',
                       exclude_own_background: bool = False
                       ) -> Tuple[torch.Tensor, Dict[int, torch.Tensor]]:
    """Dataset-level selection of one debiased centroid per foreground
    class (the paper's Sec. 3.2, Eqs. 1-3).

    Args:
        per_image (list[dict]): :func:`image_centroids` of every training
            image, in dataset order.
        num_classes (int): Number of classes including background.
        alpha (float): Share of a class's centroids kept (Eqs. 2-3).
        reduce (str): ``'mean'`` (Eq. 1) or ``'min'``.
        exclude_own_background (bool): Leave an image's own background
            centroids out of its foreground centroids' distances (Fig. 3's
            "background of other images", where Eq. 1 says all training
            images). False
            follows Eq. 1 (all images).

    Returns:
        tuple: ``(num_classes, D)`` centroids (row 0 and classes that never
        occur are NaN), and per class the ``(image index, centroid index)``
        rows of the selected centroids.
    """
    bg, bg_owner = [], []
    for i, cents in enumerate(per_image):
        if 0 in cents:
            bg.append(cents[0])
            bg_owner += [i] * len(cents[0])
    if not bg:
        raise ValueError('no background centroids: every seed label lacks '
                         'background pixels')
    bg = torch.cat(bg)
    bg_owner = torch.tensor(bg_owner)
    dim = bg.shape[1]
    out = torch.full((num_classes, dim), float('nan'))
    selected = {}
    for c in range(1, num_classes):
        rows = [(i, j) for i, cents in enumerate(per_image) if c in cents
                for j in range(len(cents[c]))]
        if not rows:
            continue
        fg = torch.stack([per_image[i][c][j] for i, j in rows])
        if exclude_own_background:
            dist = torch.stack([
                background_distance(fg[r:r + 1], bg[bg_owner != i],
                                    reduce)[0]
                for r, (i, _) in enumerate(rows)
            ])
        else:
            dist = background_distance(fg, bg, reduce)
        out[c], chosen = select_debiased_centroid(fg, dist, alpha)
        selected[c] = torch.tensor(rows)[chosen]
    return out, selected


def debiased_score(features: torch.Tensor, centroids: torch.Tensor,
                   image_classes: Sequence[int]) -> torch.Tensor:
    """Eq. 4: ``M^(y, x) = ReLU(max_{c in C_I} S(F(y, x), V^c))`` (the
    paper's Sec. 3.3); the max over all of the image's classes is
    deliberate.

    Args:
        features (Tensor): ``(D, H, W)``.
        centroids (Tensor): ``(num_classes, D)`` from
            :func:`debiased_centroids`.
        image_classes (list[int]): The image's foreground classes.

    Returns:
        Tensor: ``(H, W)`` scores in ``[0, 1]`` (zeros for an image with
        no usable class).
    """
    h, w = features.shape[1:]
    cls = [c for c in image_classes
           if c > 0 and not torch.isnan(centroids[c]).any()]
    if not cls:
        return features.new_zeros((h, w))
    sim = cosine_similarity(features.flatten(1).t().float(),
                            centroids[cls].float())
    return sim.max(1).values.clamp(min=0).view(h, w)


def debias_label(seed_label: torch.Tensor,
                 keep: torch.Tensor,
                 removed_index: int = -1,
                 ignore_index: int = 255) -> torch.Tensor:
    """Eq. 5: a foreground pixel of the seed label whose binarised score
    ``M`` is 0 becomes ``removed_index``; background, ignored pixels and
    class identities are never changed (the paper's Eq. 5, Sec. 3.3).

    Args:
        seed_label (Tensor): ``(H, W)`` seed label ``Y^b``.
        keep (Tensor): ``(H, W)`` bool, the binarised score ``M``.
    """
    fg = (seed_label > 0) & (seed_label != ignore_index)
    out = seed_label.clone().long()
    out[fg & ~keep.bool()] = removed_index
    return out


def complement_label(labels: torch.Tensor,
                     teacher_probs: torch.Tensor,
                     image_classes: Optional[torch.Tensor] = None,
                     removed_index: int = -1,
                     weight_mode: str = 'fg'
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Steps 10-12 and Eq. 6: fill the removed pixels with the teacher's
    label and weight them by the teacher's certainty (the paper's Sec. 3.4).

    ``Y^co = argmax P^`` where ``Y^db = removed``, else ``Y^db``;
    ``W = max_{c in C_I} P^(c)`` on removed pixels (``weight_mode='fg'``,
    the literal Eq. 6) or ``max_c P^(c)`` over all classes
    (``weight_mode='all'``, the other reading of Eq. 6's ambiguous
    weight), 1 elsewhere.

    Args:
        labels (Tensor): ``(B, H, W)`` debiased labels ``Y^db``.
        teacher_probs (Tensor): ``(B, C+1, H, W)`` teacher softmax.
        image_classes (Tensor, optional): ``(B, C+1)`` bool, the classes
            present in each image (background always True). When given,
            the teacher's argmax is restricted to them (the paper does not
            say; recommended).

    Returns:
        tuple[Tensor, Tensor]: ``Y^co`` ``(B, H, W)`` long and ``W``
        ``(B, H, W)``.
    """
    probs = teacher_probs
    if image_classes is not None:
        allowed = image_classes.bool().clone()
        allowed[:, 0] = True
        probs = probs.masked_fill(~allowed[:, :, None, None], 0.)
    teacher_label = probs.argmax(1)
    removed = labels == removed_index
    out = torch.where(removed, teacher_label, labels.long())
    if weight_mode == 'fg':
        fg = probs[:, 1:]
        if image_classes is None:
            certain = fg.max(1).values
        else:
            mask = image_classes.bool()[:, 1:, None, None]
            certain = fg.masked_fill(~mask, 0.).max(1).values
    elif weight_mode == 'all':
        certain = probs.max(1).values
    else:
        raise ValueError(f"weight_mode must be 'fg' or 'all', "
                         f'got {weight_mode!r}')
    weight = torch.where(removed, certain, torch.ones_like(certain))
    return out, weight


def weighted_cross_entropy(logits: torch.Tensor,
                           labels: torch.Tensor,
                           weight: torch.Tensor,
                           ignore_index: int = 255,
                           reduction: str = 'mean') -> torch.Tensor:
    """Eq. 7: ``-sum W(y, x) log P(Y^co(y, x) | y, x)`` (the paper's
    Sec. 3.4). ``'mean'`` divides by the number of non-ignored pixels (our
    [inferred] normalisation, as standard CE); ``'sum'`` is the equation as
    written.

    Args:
        logits (Tensor): ``(B, C+1, H, W)`` student logits.
        labels (Tensor): ``(B, H, W)`` complemented labels ``Y^co``.
        weight (Tensor): ``(B, H, W)`` certainty ``W``.
    """
    valid = labels != ignore_index
    nll = F.cross_entropy(logits, labels.masked_fill(~valid, 0).long(),
                          reduction='none')
    loss = (nll * weight * valid).sum()
    if reduction == 'sum':
        return loss
    if reduction == 'mean':
        return loss / valid.sum().clamp(min=1)
    raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
