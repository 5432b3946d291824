# Copyright (c) mmssl contributors. All rights reserved.
"""WAD (Du et al., ICCV 2023) as plain functions of tensors: the SimCLR
teacher's loss, the "PMI" scores, pseudo labels and weights computed in its
representation space, the weighted distillation loss of the student, and
the reliable-instance selection between rounds.

Official code: github.com/RUC-DWBI-ML/research, ``WAD-master/`` (derived
from CSI); each function names the official function it mirrors.
"""
from typing import Tuple

import torch
import torch.nn.functional as F


def _l2n(x: torch.Tensor) -> torch.Tensor:
    # CSI's ``normalize``: x / (||x||_2 + 1e-8)
    return x / (x.norm(dim=1, keepdim=True) + 1e-8)


def nt_xent_loss(z: torch.Tensor, temperature: float = 0.5,
                 eps: float = 1e-8) -> torch.Tensor:
    """SimCLR's NT-Xent loss of ``2B`` projections, the two views of sample
    ``i`` at rows ``i`` and ``B + i``.

    Mirrors CSI's ``NT_xent(get_similarity_matrix(normalize(z)), 0.5)``
    (``contrast/training/contrastive_loss.py``)::

        S = n(z) n(z)^T;  E = exp(S / t) with the diagonal removed
        L = mean over the 2B rows of -log(E[i, pos(i)] / (sum_k E[i, k] +
            eps) + eps)
    """
    n = z.size(0)
    if n % 2:
        raise ValueError(f'nt_xent_loss needs 2B rows (two views), got {n}')
    b = n // 2
    z = _l2n(z.float())
    sim = torch.exp(z @ z.t() / temperature) * (1 - torch.eye(n,
                                                               device=z.device))
    loss = -torch.log(sim / (sim.sum(dim=1, keepdim=True) + eps) + eps)
    return (loss[:b, b:].diag().sum() + loss[b:, :b].diag().sum()) / (2 * b)


def wad_scores(feats_u: torch.Tensor, feats_l: torch.Tensor,
               labels_l: torch.Tensor, num_classes: int) -> torch.Tensor:
    """WAD's per-class scores ("PMI" in the paper's words) of unlabeled
    samples: the cosine similarity to the NEAREST labeled sample of each
    class, in the teacher's (projection-head) representation space::

        S[j, k] = max_{x_l of class k} <n(g(u_j)), n(g(x_l))>

    Mirrors ``knowledge_generation`` / ``get_scores`` of
    ``evals/eval.py`` with one shift (K_shift = 1, as the official runs).

    Args:
        feats_u (Tensor): ``(N_u, d)`` teacher features of unlabeled samples.
        feats_l (Tensor): ``(N_l, d)`` teacher features of labeled samples
            (the class anchors).
        labels_l (Tensor): ``(N_l, )`` their classes in ``0..C-1``.
        num_classes (int): Number of target classes C; every class needs
            at least one anchor.

    Returns:
        Tensor: ``(N_u, C)`` scores.
    """
    labels_l = labels_l.long()
    present = torch.bincount(labels_l, minlength=num_classes)
    if (present == 0).any():
        missing = torch.nonzero(present == 0).flatten().tolist()
        raise ValueError(f'classes {missing} have no labeled anchor')
    sim = _l2n(feats_u.float()) @ _l2n(feats_l.float()).t()
    scores = sim.new_full((sim.size(0), num_classes), float('-inf'))
    index = labels_l[None, :].expand_as(sim)
    return scores.scatter_reduce(1, index, sim, reduce='amax')


def wad_pseudo_labels_and_weights(
        scores: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Pseudo labels (argmax of the scores, ties to the first class) and
    weights, the margin between the two best scores ``s1 - s2``.

    The official code (``knowledge_generation``) writes the weight as
    ``s1 * (1 - s2 / s1)``, which equals ``s1 - s2`` but is NaN when
    ``s1 == 0`` (and then the whole batch loss is NaN); mmssl computes
    ``s1 - s2`` (a documented deviation, identical otherwise).
    """
    top2 = scores.float().topk(2, dim=1).values
    return scores.argmax(dim=1), top2[:, 0] - top2[:, 1]


def wad_student_loss(logits_l: torch.Tensor, labels_l: torch.Tensor,
                     logits_u: torch.Tensor, pseudo_u: torch.Tensor,
                     weights_u: torch.Tensor) -> Tuple[torch.Tensor,
                                                       torch.Tensor]:
    """The weighted distillation loss of one student step::

        L_sup = mean_i CE(f(x_i), y_i)
        L_unsup = mean_j w_j * CE(f(u_j), y^_j)   (hard pseudo labels)

    Mirrors ``Solver.backbone_classifier`` (``SSL/train/train.py``).

    Returns:
        tuple: ``(L_sup, L_unsup)``; the official total is their sum.
    """
    sup = F.cross_entropy(logits_l.float(), labels_l.long())
    unsup = (weights_u.float() * F.cross_entropy(
        logits_u.float(), pseudo_u.long(), reduction='none')).mean()
    return sup, unsup


def wad_select(logits_u: torch.Tensor, pseudo_u: torch.Tensor,
               num: int) -> torch.Tensor:
    """Indices of the ``num`` unlabeled samples whose student cross-entropy
    against the teacher's pseudo label is smallest, smallest first.

    Mirrors ``Solver.calculate_loss_logits_pseudo`` (``topk(-loss, k)``).
    """
    loss = F.cross_entropy(logits_u.float(), pseudo_u.long(),
                           reduction='none')
    num = max(0, min(int(num), loss.numel()))
    return (-loss).topk(num).indices


def polynomial_decay(step: int, alpha: float = 0.1, end: float = 0.0,
                     split: int = 5, power: float = 2.0) -> float:
    """Share of the unlabeled set moved to the labeled set after round
    ``step`` (1-based): ``(alpha - end) (1 - min(step, split) / split)^power
    + end``. Mirrors ``polynomial_decay`` of ``datasets.py``."""
    step = min(step, split)
    return (alpha - end) * (1 - step / split)**power + end
