# Copyright (c) mmssl contributors. All rights reserved.
"""WAD's loss terms: worked check cases from a faithful transcription of
the official code's (``RUC-DWBI-ML/research``, ``WAD-master/``)
``knowledge_generation``, ``backbone_classifier`` loss and selection."""
import pytest
import torch
import torch.nn.functional as F

from mmssl.models.losses import (
    nt_xent_loss,
    polynomial_decay,
    wad_pseudo_labels_and_weights,
    wad_scores,
    wad_select,
    wad_student_loss,
)

T = torch.tensor


def close(a, b, tol=1e-5):
    return torch.allclose(torch.as_tensor(a).float(), T(b).float(),
                          atol=tol, rtol=0)


def test_case_a():
    feats_l = T([[1., 0, 0, 0], [0.9, 0.1, 0, 0], [0, 1, 0, 0],
                 [0.1, 0.9, 0.1, 0], [0, 0, 1, 0], [0, 0.2, 0.8, 0]])
    labels_l = T([0, 0, 1, 1, 2, 2])
    feats_u = T([[2., 0.2, 0, 0], [0.5, 0.5, 0, 0], [0, 0.3, 1, 0.1],
                 [0.2, 0.1, 0.3, 1], [1, 1, 1, 1], [-1, 0.2, 0.1, 0.5]])
    s = wad_scores(feats_u, feats_l, labels_l, 3)
    assert close(s, [[0.999940, 0.207517, 0.024133],
                     [0.780869, 0.776151, 0.171499],
                     [0.031588, 0.387228, 0.994369],
                     [0.196514, 0.143925, 0.295302],
                     [0.552158, 0.603703, 0.606339],
                     [-0.852323, 0.175412, 0.127631]])
    pseudo, w = wad_pseudo_labels_and_weights(s)
    assert close(w, [0.792422, 0.004718, 0.607142, 0.098788, 0.002636,
                     0.047781])
    assert pseudo.tolist() == [0, 0, 2, 2, 2, 1]
    logits_l = T([[2., 0, -1], [1, 0.5, 0], [0, 1.5, 0], [-0.5, 1, 0.2],
                  [0, 0, 1], [0.3, -0.2, 0.9]])
    logits_u = T([[1.5, 0, 0], [0.2, 0.4, 0], [0, 0, 2], [0.1, 0.2, 0.3],
                  [0.5, 0.5, 0.5], [-1, 0, 1]])
    sup, unsup = wad_student_loss(logits_l, T([0, 0, 1, 1, 2, 2]), logits_u,
                                  pseudo, w)
    assert close(F.cross_entropy(logits_u, pseudo, reduction='none'),
                 [0.368981, 1.111902, 0.239545, 1.001943, 1.098612,
                  1.407606])
    assert sup.item() == pytest.approx(0.486167, abs=1e-5)
    assert unsup.item() == pytest.approx(0.102034, abs=1e-5)
    assert (sup + unsup).item() == pytest.approx(0.588201, abs=1e-5)
    idx = wad_select(logits_u, pseudo, int(0.5 * 6))
    assert idx.tolist() == [2, 0, 3]
    assert pseudo[idx].tolist() == [2, 0, 2]


def test_case_b_and_the_margin_weight():
    feats_l, labels_l = T([[1., 0, 0], [0, 1, 0]]), T([0, 1])
    feats_u = T([[3., 1, 0], [1, 1, 0], [-1, 0.5, 1], [0.2, 2, -1]])
    s = wad_scores(feats_u, feats_l, labels_l, 2)
    assert close(s, [[0.948683, 0.316228], [0.707107, 0.707107],
                     [-0.666667, 0.333333], [0.089087, 0.890871]])
    pseudo, w = wad_pseudo_labels_and_weights(s)
    assert close(w, [0.632455, 0.0, 1.0, 0.801784])
    assert pseudo.tolist() == [0, 0, 1, 1]  # the tie goes to class 0
    sup, unsup = wad_student_loss(T([[2., 1], [0, 1]]), T([0, 1]),
                                  T([[1., 0], [0, 0], [0.5, -0.5], [0, 2]]),
                                  pseudo, w)
    assert sup.item() == pytest.approx(0.313262, abs=1e-5)
    assert unsup.item() == pytest.approx(0.403289, abs=1e-5)
    assert (sup + unsup).item() == pytest.approx(0.716550, abs=1e-5)
    idx = wad_select(T([[1., 0], [0, 0], [0.5, -0.5], [0, 2]]), pseudo, 2)
    assert idx.tolist() == [3, 0] and pseudo[idx].tolist() == [1, 0]


def test_case_c_zero_score_is_not_nan():
    """The official s1 * (1 - s2 / s1) is NaN for s1 == 0; s1 - s2 is 0."""
    s = wad_scores(T([[0., 0, 1], [1, 0, 0]]), T([[1., 0, 0], [0, 1, 0]]),
                   T([0, 1]), 2)
    assert close(s, [[0., 0.], [1., 0.]])
    pseudo, w = wad_pseudo_labels_and_weights(s)
    assert pseudo.tolist() == [0, 0] and w.tolist() == [0.0, 1.0]
    s1, s2 = s.topk(2, dim=1).values.unbind(1)
    official = s1 * (1 - s2 / s1)
    assert torch.isnan(official[0]) and official[1] == w[1]


def test_alpha_schedule():
    assert [round(polynomial_decay(i), 6) for i in range(1, 7)] == [
        0.064, 0.036, 0.016, 0.004, 0.0, 0.0]


def test_missing_anchor_class_is_an_error():
    with pytest.raises(ValueError, match=r'classes \[1\]'):
        wad_scores(torch.randn(3, 4), torch.randn(2, 4), T([0, 0]), 2)


def test_nt_xent_matches_a_direct_computation():
    torch.manual_seed(0)
    z = torch.randn(8, 5)
    n = F.normalize(z, dim=1, eps=0)
    sim = n @ n.t() / 0.5
    ref = 0.0
    for i in range(8):
        pos = (i + 4) % 8
        others = torch.cat([sim[i, :i], sim[i, i + 1:]])
        ref += -(sim[i, pos] - torch.logsumexp(others, 0))
    assert nt_xent_loss(z, 0.5).item() == pytest.approx(ref.item() / 8,
                                                        abs=1e-5)
    # Two identical views far from the rest: a small loss.
    views = torch.eye(4).repeat(2, 1) * 10
    assert nt_xent_loss(views, 0.5).item() < nt_xent_loss(
        torch.randn(8, 4), 0.5).item()
    with pytest.raises(ValueError, match='2B rows'):
        nt_xent_loss(torch.randn(5, 3))
