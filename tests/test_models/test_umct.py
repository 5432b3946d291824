# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT's view permutations, MC-dropout uncertainty and uncertainty-weighted
fusion, on a worked case computed by hand from the MC-variance fusion
formula (confidence 1 / variance; Xia et al., MedIA 2020)."""
import math

import pytest
import torch

from mmssl.models.losses.umct_losses import (
    UMCT_VIEWS,
    ce_dice_loss,
    from_view,
    mc_mean_and_variance,
    soft_dice_loss,
    to_view,
    uncertainty_weighted_fusion,
)

SAMPLES = {1: [.90, .80, .85, .95], 2: [.70, .60, .80, .70],
           3: [.40, .20, .30, .10]}


def _view_stats():
    means, variances = [], []
    for v in SAMPLES.values():
        fg = torch.tensor(v, dtype=torch.float64).view(4, 1, 1, 1)
        probs = torch.cat([1 - fg, fg], dim=2)  # (K, B, C, voxels)
        m, u = mc_mean_and_variance(probs)
        means.append(m)
        variances.append(u)
    return means, variances


def test_mc_variance_and_confidence():
    means, variances = _view_stats()
    assert [float(m[0, 1, 0]) for m in means] == pytest.approx(
        [0.875, 0.7, 0.25])
    assert [float(u[0, 0]) for u in variances] == pytest.approx(
        [0.003125, 0.005, 0.0125], abs=1e-9)
    assert [1 / float(u[0, 0]) for u in variances] == pytest.approx(
        [320, 200, 80], rel=1e-6)


def test_fusion_spec_case():
    means, variances = _view_stats()
    labels = uncertainty_weighted_fusion(means, variances, eps=0.)
    fg = [float(y[0, 1, 0]) for y in labels]
    assert fg == pytest.approx([0.571429, 0.75, 0.807692], abs=1e-6)
    # the weighting flips the hard label of view 1 (the plain mean: 0.475)
    assert fg[0] > 0.5 > (0.7 + 0.25) / 2
    # every pseudo label is a distribution
    for y in labels:
        assert float(y[0, :, 0].sum()) == pytest.approx(1.0)
    with_eps = uncertainty_weighted_fusion(means, variances, eps=1e-6)
    assert float(with_eps[0][0, 1, 0]) == pytest.approx(0.571418, abs=1e-6)
    with pytest.raises(ValueError):
        uncertainty_weighted_fusion(means[:1], variances[:1])


def test_losses_spec_case():
    # view 1's training forward gives 0.875 at the voxel
    logits = torch.tensor([0., math.log(7.)]).view(1, 2, 1)
    soft = torch.tensor([1 - 0.571429, 0.571429]).view(1, 2, 1)
    assert float(ce_dice_loss(logits, soft, 1., 0.)) == pytest.approx(
        0.967493, abs=1e-5)
    hard = torch.tensor([[1]])
    assert float(ce_dice_loss(logits, hard, 1., 0.)) == pytest.approx(
        0.133531, abs=1e-5)
    fg = torch.tensor([0.875]).view(1, 1, 1)
    assert float(soft_dice_loss(fg, torch.tensor([0.571429]).view(
        1, 1, 1))) == pytest.approx(0.308642, abs=1e-4)


def test_views_are_permutations_with_inverses():
    x = torch.arange(2 * 3 * 4 * 5 * 6).reshape(2, 3, 4, 5, 6)
    shapes = set()
    for view in UMCT_VIEWS:
        v = to_view(x, view)
        shapes.add(tuple(v.shape[2:]))
        assert torch.equal(from_view(v, view), x)
        # works on unbatched (z, y, x) volumes too
        assert torch.equal(from_view(to_view(x[0, 0], view), view), x[0, 0])
    # axial (y, x, z), coronal (x, z, y), sagittal (y, z, x)
    assert shapes == {(5, 6, 4), (6, 4, 5), (5, 4, 6)}
    assert tuple(to_view(x, UMCT_VIEWS[0])[0, 0, :, :, 0].shape) == (5, 6)


def test_asymmetric_unet_sees_one_plane_in_the_encoder():
    from mmssl.models.backbones import AsymUNet3D
    torch.manual_seed(0)
    net = AsymUNet3D(1, 3, channels=(4, 8))
    x = torch.randn(2, 1, 8, 8, 6)
    assert net(x).shape == (2, 3, 8, 8, 6)
    enc = net.encoder[0][0].conv
    assert tuple(enc.kernel_size) == (3, 3, 1)
    assert tuple(net.encoder[1][0].conv.stride) == (2, 2, 1)
    # the encoder never mixes along the last axis (checked without the
    # instance norm, whose statistics span the whole patch)
    plain = AsymUNet3D(1, 3, channels=(4, 8), norm_cfg=None).eval()
    with torch.no_grad():
        x2 = x.clone()
        x2[..., 0] += 1.0
        a = plain.encoder[1](plain.encoder[0](x))
        b = plain.encoder[1](plain.encoder[0](x2))
    change = (a - b).abs().amax(dim=(0, 1, 2, 3))
    assert float(change[0]) > 0 and float(change[1:].max()) == 0
    # dropout is active in train mode only (MC sampling)
    net.train()
    assert not torch.equal(net(x), net(x))
    net.eval()
    assert torch.equal(net(x), net(x))
    with pytest.raises(ValueError, match='divisible'):
        net(torch.randn(1, 1, 7, 8, 6))


def _umct(**kwargs):
    from mmssl.registry import MODELS
    cfg = dict(type='UMCTSegmentor',
               backbone=dict(type='AsymUNet3D', channels=(4, 8)),
               num_classes=3, mc_samples=3,
               test_cfg=dict(roi_size=(8, 8, 8), sw_batch_size=2))
    cfg.update(kwargs)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _batch(num_labeled=2, num_unlabeled=2):
    from mmssl.structures import VolumeDataSample
    samples = []
    for k in range(num_labeled + num_unlabeled):
        s = VolumeDataSample()
        if k < num_labeled:
            s.gt_seg = torch.randint(0, 3, (8, 8, 8))
        samples.append(s)
    return torch.rand(len(samples), 1, 8, 8, 8), samples


def test_umct_losses_views_and_schedule():
    model = _umct(cot_start_iter=1)
    assert len(model.nets) == 3
    assert model.nets[0] is not model.nets[1]
    x, samples = _batch()
    # iteration 1: supervised only (stage 1); co-training term is a zero
    first = model.loss(x, samples)
    assert float(first['loss_cot'].detach()) == 0
    assert 'pseudo_fg_ratio' not in first
    second = model.loss(x, samples)
    assert float(second['loss_cot'].detach()) > 0
    assert 'pseudo_fg_ratio' in second
    total = second['loss_sup'] + second['loss_cot']
    total.backward()
    assert all(p.grad is not None for p in model.parameters())
    # pseudo labels: one soft label per view, a distribution per voxel
    targets = model.pseudo_labels(x[2:])
    assert len(targets) == 3 and targets[0].shape == (2, 3, 8, 8, 8)
    torch.testing.assert_close(targets[0].sum(1), torch.ones(2, 8, 8, 8))
    hard = _umct(hard_pseudo_label=True).pseudo_labels(x[2:])
    assert set(hard[0].unique().tolist()) <= {0.0, 1.0}
    # single-view supervised baseline: no co-training term at all
    single = _umct(views=[(1, 2, 0)], lambda_cot=0.)
    assert set(single.loss(x, samples)) == {'loss_sup', 'loss_cot'}
    with pytest.raises(ValueError, match='permute'):
        _umct(views=[(0, 1, 1)])


def test_umct_predict_whole_volume_by_sliding_window():
    model = _umct().eval()
    out = model.predict(torch.rand(1, 1, 13, 9, 17))
    assert out[0].pred_seg.shape == (13, 9, 17)
    assert out[0].pred_seg.dtype == torch.int64


def test_umct_predict_with_chosen_views():
    """``test_cfg.views`` tests a subset of the views (one alone shows a
    view hidden by the ensemble); an index outside the views is an
    error."""
    from mmssl.models.utils.sliding_window import sliding_window_inference
    model = _umct().eval()
    x = torch.rand(1, 1, 8, 8, 8)
    alone = _umct(test_cfg=dict(roi_size=(8, 8, 8), sw_batch_size=2,
                                views=[2])).eval()
    alone.load_state_dict(model.state_dict())
    with torch.no_grad():
        probs = sliding_window_inference(
            x, (8, 8, 8), lambda t: model.view_logits(2, t).softmax(1),
            overlap=0.5, mode='gaussian', sw_batch_size=2)
    assert torch.equal(alone.predict(x)[0].pred_seg, probs[0].argmax(0))
    for bad in ([3], []):
        with pytest.raises(ValueError, match='test_cfg.views'):
            _umct(test_cfg=dict(views=bad))


def test_labels_beyond_num_classes_are_reported():
    model = _umct(num_classes=2)
    x, samples = _batch()
    samples[0].gt_seg[0, 0, 0] = 2
    with pytest.raises(ValueError, match='num_classes=2'):
        model.loss(x, samples)
