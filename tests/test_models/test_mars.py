# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's equations (Jo et al., ICCV 2023, Eqs. 1-7) on worked cases
computed by hand from them, to 1e-5, and the K-means / selection helpers."""
import pytest
import torch

from mmssl.models.utils.mars import (
    background_distance,
    complement_label,
    debias_label,
    debiased_centroids,
    debiased_score,
    image_centroids,
    kmeans,
    select_debiased_centroid,
    weighted_cross_entropy,
)

BODY = [1., .1, 0.]
RAIL = [.1, 1., .1]
SKY = [0., .1, 1.]
CLOTHES = [.3, .2, .8]

FG = torch.tensor([BODY, RAIL, [.9, .2, .1], [.2, .9, .3]])
BG = torch.tensor([[0., 1., 0.], [0., .2, 1.], [.1, 0., 1.], [0., .9, .2],
                   [0., .1, 1.], [.1, .1, .9]])


def test_case1_centroid_selection():
    dist = background_distance(FG, BG)
    assert torch.allclose(dist, torch.tensor([0.4629, 0.2673, 0.4028,
                                              0.2045]), atol=1e-4)
    v, chosen = select_debiased_centroid(FG, dist, alpha=0.4)
    assert chosen.tolist() == [0, 2]  # both rail centroids rejected
    assert torch.allclose(v, torch.tensor([0.95, 0.15, 0.05]), atol=1e-5)
    # min reading of Eq. 1 ranks the same way here
    assert background_distance(FG, BG, 'min').argmax() == 0


def test_case1_through_dataset_selection():
    per_image = [
        {0: BG[0:2], 1: FG[0:2]},
        {0: BG[2:4], 1: FG[2:4]},
        {0: BG[4:6]},
    ]
    cents, selected = debiased_centroids(per_image, num_classes=3,
                                         alpha=0.4)
    assert torch.allclose(cents[1], torch.tensor([0.95, 0.15, 0.05]),
                          atol=1e-5)
    assert torch.isnan(cents[0]).all() and torch.isnan(cents[2]).all()
    assert selected[1].tolist() == [[0, 0], [1, 0]]
    # excluding each image's own background still rejects the rails
    cents2, _ = debiased_centroids(per_image, 3, 0.4,
                                   exclude_own_background=True)
    assert torch.allclose(cents2[1], cents[1])


def _case2():
    feats = torch.empty(4, 4, 3)
    feats[:] = torch.tensor(SKY)
    feats[0:2, 1:3] = torch.tensor(BODY)
    feats[2, :] = torch.tensor(RAIL)
    feats[3, 0:2] = torch.tensor(CLOTHES)
    seed = torch.tensor([[0, 1, 1, 0], [0, 1, 1, 0], [1, 1, 1, 1],
                         [1, 0, 0, 0]])
    return feats.permute(2, 0, 1), seed


def test_case2_debiased_label():
    feats, seed = _case2()
    centroids = torch.full((2, 3), float('nan'))
    centroids[1] = torch.tensor([0.95, 0.15, 0.05])
    score = debiased_score(feats, centroids, [1])
    expected = torch.tensor([[.0672, .9970, .9970, .0672]] * 2 +
                            [[.2570] * 4, [.4201, .4201, .0672, .0672]])
    assert torch.allclose(score, expected, atol=1e-4)
    y_db = debias_label(seed, score > 0.5)
    assert y_db.tolist() == [[0, 1, 1, 0], [0, 1, 1, 0], [-1, -1, -1, -1],
                             [-1, 0, 0, 0]]
    # another removed index (the PNG encoding) and kept ignore pixels
    seed2 = seed.clone()
    seed2[0, 0] = 255
    y2 = debias_label(seed2, score > 0.5, removed_index=254)
    assert y2[0, 0] == 255 and y2[2, 0] == 254 and y2[0, 1] == 1


def _case3():
    y_db = torch.tensor([[0, 1, 1, 0], [0, 1, 1, 0], [-1, -1, -1, -1],
                         [-1, 0, 0, 0]])[None]
    body = torch.zeros(4, 4, dtype=torch.bool)
    body[0:2, 1:3] = True
    t_train = torch.full((4, 4), 0.1)
    t_train[body] = 0.95
    t_train[3, 0] = 0.7
    s_train = torch.full((4, 4), 0.3)
    s_train[body] = 0.8
    teacher = torch.stack([1 - t_train, t_train])[None]
    student = torch.stack([1 - s_train, s_train])[None]
    return y_db, teacher, student


def test_case3_complement_and_wce():
    y_db, teacher, student = _case3()
    classes = torch.tensor([[True, True]])
    y_co, w = complement_label(y_db, teacher, classes)
    assert y_co[0].tolist() == [[0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0],
                                [1, 0, 0, 0]]
    expected_w = torch.ones(4, 4)
    expected_w[2] = 0.1
    expected_w[3, 0] = 0.7
    assert torch.allclose(w[0], expected_w, atol=1e-6)
    logits = student.log()  # log_softmax(log P) = log P
    loss_sum = weighted_cross_entropy(logits, y_co, w, reduction='sum')
    loss_mean = weighted_cross_entropy(logits, y_co, w)
    assert loss_sum.item() == pytest.approx(4.3747, abs=1e-4)
    assert loss_mean.item() == pytest.approx(0.27342, abs=1e-5)
    # the other reading of Eq. 6: max over background and foreground
    _, w_all = complement_label(y_db, teacher, classes, weight_mode='all')
    assert torch.allclose(w_all[0, 2], torch.full((4, ), 0.9))
    assert w_all[0, 3, 0].item() == pytest.approx(0.7)


def test_complement_restricts_teacher_to_image_classes():
    y = torch.full((1, 2, 2), -1)
    probs = torch.zeros(1, 3, 2, 2)
    probs[:, 2] = 0.6  # a class absent from the image
    probs[:, 1] = 0.3
    probs[:, 0] = 0.1
    classes = torch.tensor([[True, True, False]])
    y_co, w = complement_label(y, probs, classes)
    assert (y_co == 1).all() and torch.allclose(w, torch.full_like(w, .3))
    y_free, _ = complement_label(y, probs)
    assert (y_free == 2).all()


def test_wce_ignores_255():
    logits = torch.zeros(1, 2, 1, 2)
    labels = torch.tensor([[[1, 255]]])
    w = torch.ones(1, 1, 2)
    assert weighted_cross_entropy(logits, labels, w).item() == \
        pytest.approx(torch.log(torch.tensor(2.)).item())


def test_kmeans_separates_and_is_deterministic():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(50, 4, generator=g) * 0.05 + torch.tensor([1., 0, 0, 0])
    b = torch.randn(30, 4, generator=g) * 0.05 + torch.tensor([0., 1, 0, 0])
    x = torch.cat([a, b])
    c1 = kmeans(x, 2, seed=3)
    assert torch.equal(c1, kmeans(x, 2, seed=3))
    c1 = c1[c1[:, 0].argsort(descending=True)]
    assert torch.allclose(c1[0], a.mean(0), atol=1e-5)
    assert torch.allclose(c1[1], b.mean(0), atol=1e-5)
    with pytest.raises(ValueError, match='at least k=2'):
        kmeans(x[:1], 2)


def test_image_centroids_per_class_and_small_regions():
    feats, seed = _case2()
    seed = seed.clone()
    seed[0, 0] = 255  # ignored pixels are not clustered
    seed[3, 3] = 2  # one pixel of class 2: fewer than K, skipped
    cents = image_centroids(feats, seed, k_fg=2, k_bg=2)
    assert set(cents) == {0, 1}
    assert cents[0].shape == (2, 3) and cents[1].shape == (2, 3)
    with pytest.raises(ValueError, match='sizes differ'):
        image_centroids(feats, seed[:3])
