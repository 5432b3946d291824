# Copyright (c) mmssl contributors. All rights reserved.
"""SAT's loss terms, spatial-query attention and backbone, checked against
worked cases computed with the official code (github.com/wpy1999/SAT:
Model/SAT.py, train.py) and against mmseg's own layers."""
import pytest
import torch

from mmssl.models.backbones import (
    SATVisionTransformer,
    convert_timm_vit,
    spatial_query_gate,
)
from mmssl.models.heads import SATHead, WSOLConvHead
from mmssl.models.losses.sat_losses import (
    sat_area_loss,
    sat_gaussian_kernel,
    sat_norm_loss,
)
from mmssl.structures import ClsDataSample


def _spec_maps():
    m0 = torch.tensor([[.9, .8, .1, 0], [.7, .6, .2, .1], [.3, .2, .1, 0],
                       [0, .1, 0, 0]])
    m1 = torch.full((4, 4), .5)
    m2 = torch.zeros(4, 4)
    m2[:2, :2] = 1
    return torch.stack([m0, m1, m2]).unsqueeze(1)  # (3, 1, 4, 4)


def test_gaussian_kernel_matches_get_kernel():
    k = sat_gaussian_kernel(3, 6)
    expected = torch.tensor([[0.002628, 0.046012, 0.002628],
                             [0.046012, 0.805440, 0.046012],
                             [0.002628, 0.046012, 0.002628]])
    torch.testing.assert_close(k, expected, atol=1e-6, rtol=0)
    assert float(k.sum()) == pytest.approx(1.0, abs=1e-6)


def test_area_and_norm_losses_spec_case():
    maps = _spec_maps()
    k = sat_gaussian_kernel()
    assert float(sat_area_loss(maps, 0.25)) == pytest.approx(0.085417,
                                                             abs=1e-5)
    assert float(sat_norm_loss(maps, k)) == pytest.approx(0.131639, abs=1e-5)
    # the abs is of the batch mean: a per-sample abs would give 0.114583
    assert float(sat_area_loss(maps, 0.35)) == pytest.approx(0.014583,
                                                             abs=1e-5)
    # (B, H, W) maps give the same values
    assert float(sat_norm_loss(maps[:, 0], k)) == pytest.approx(0.131639,
                                                                abs=1e-5)
    # smoothing matters: without it the value is 0.116458
    identity = torch.zeros(3, 3)
    identity[1, 1] = 1
    assert float(sat_norm_loss(maps, identity)) == pytest.approx(0.116458,
                                                                 abs=1e-5)


def test_smoothed_map_values():
    smoothed = torch.nn.functional.conv2d(
        _spec_maps(), sat_gaussian_kernel().view(1, 1, 3, 3), padding=1)
    torch.testing.assert_close(
        smoothed[0, 0, 0], torch.tensor([0.795490, 0.720336, 0.128395,
                                         0.009728]), atol=1e-5, rtol=0)
    assert float(smoothed[1, 0, 0, 0]) == pytest.approx(0.450046, abs=1e-5)
    assert float(smoothed[1, 0, 0, 1]) == pytest.approx(0.474366, abs=1e-5)


def test_spatial_query_gate_spec_case():
    logits = torch.zeros(1, 2, 4, 4)
    logits[0, 0, -1] = torch.tensor([2., 1., -1., .5])
    logits[0, 1, -1] = torch.tensor([0., 3., 1., -.5])
    attn, m = spatial_query_gate(logits)
    torch.testing.assert_close(
        m[0], torch.tensor([0.731059, 0.880797, 0.5, 0.5]), atol=1e-6,
        rtol=0)
    # rows whose logits are all 0 are uniform, then gated: no renormalising
    assert float(attn[0, 0, 0].sum()) == pytest.approx(0.652964, abs=1e-6)
    assert float(attn[0, 1, 1].sum()) == pytest.approx(0.652964, abs=1e-6)


def _tiny_vit(**kwargs):
    cfg = dict(img_size=32, patch_size=8, embed_dims=48, num_layers=4,
               num_heads=3, norm_cfg=dict(type='LN', eps=1e-6),
               sqa_layers=(-3, -2, -1))
    cfg.update(kwargs)
    torch.manual_seed(0)
    model = SATVisionTransformer(**cfg)
    model.init_weights()
    return model


def test_backbone_outputs_and_written_out_attention():
    model = _tiny_vit(output_cls_attn=True).eval()
    assert model.sqa_layers == (1, 2, 3)
    feats, maps = model(torch.randn(2, 3, 32, 32))
    assert feats.shape == (2, 48, 4, 4)
    assert maps['fg'].shape == maps['cls_attn'].shape == (2, 4, 4)
    assert bool(((maps['fg'] > 0) & (maps['fg'] < 1)).all())
    # the written-out block equals mmseg's layer when nothing is gated
    x = torch.randn(2, 18, 48)
    ref = model.layers[0](x)
    out, fg, cls_attn = model._block(model.layers[0], x, False, False)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    assert fg is None and cls_attn is None


def test_backbone_without_spatial_token_is_plain_vit():
    model = _tiny_vit(spatial_token=False).train()
    assert not hasattr(model, 'loc_token')
    feats, maps = model(torch.randn(1, 3, 32, 32))
    assert feats.shape == (1, 48, 4, 4) and maps == {}


def test_gradient_reaches_the_spatial_token():
    model = _tiny_vit()
    head = SATHead(num_classes=3, in_channels=48)
    samples = [ClsDataSample().set_gt_label(i % 3) for i in range(2)]
    losses = head.loss(model(torch.randn(2, 3, 32, 32)), samples)
    assert {'loss_cls', 'loss_area', 'loss_norm'} <= set(losses)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert model.loc_token.grad is not None
    assert float(model.loc_token.grad.abs().sum()) > 0


def test_sat_head_losses_are_the_plain_functions():
    head = SATHead(num_classes=3, in_channels=8, area_thr=0.35)
    fg = _spec_maps()[:, 0]
    feats = (torch.randn(3, 8, 4, 4), dict(fg=fg))
    samples = [ClsDataSample().set_gt_label(i) for i in range(3)]
    losses = head.loss(feats, samples)
    assert float(losses['loss_area']) == pytest.approx(0.014583, abs=1e-5)
    assert float(losses['loss_norm']) == pytest.approx(0.131639, abs=1e-5)
    logits = head(feats)
    assert float(losses['loss_cls'].detach()) == pytest.approx(
        float(torch.nn.functional.cross_entropy(logits.detach(),
                                                torch.arange(3))),
        abs=1e-6)
    with pytest.raises(RuntimeError, match='spatial token'):
        head.loss((feats[0], {}), samples)


def test_predict_gives_normalised_map_and_box():
    head = WSOLConvHead(num_classes=2, in_channels=4, loc_map='tscam',
                        box_threshold=0.5)
    cls_attn = torch.zeros(1, 4, 4)
    cls_attn[0, 1:3, 1:3] = 1.
    with torch.no_grad():
        head.conv.weight.zero_()
        head.conv.bias.copy_(torch.tensor([0., 1.]))
    sample = ClsDataSample(metainfo=dict(img_shape=(16, 16)))
    sample.set_gt_label(1)
    out = head.predict((torch.zeros(1, 4, 4, 4), dict(cls_attn=cls_attn)),
                       [sample])[0]
    assert out.loc_map.shape == (16, 16)
    assert float(out.loc_map.max()) <= 1 and float(out.loc_map.min()) == 0
    assert int(out.pred_label[0]) == 1
    x0, y0, x1, y1 = out.pred_bbox.tolist()
    assert 2 <= x0 < 8 < x1 <= 14 and 2 <= y0 < 8 < y1 <= 14
    with pytest.raises(ValueError, match='loc_map'):
        WSOLConvHead(num_classes=2, in_channels=4, loc_map='gradcam')


def _timm_state(model):
    """A timm/DeiT-named state dict with the shapes of ``model``."""
    state = {'cls_token': torch.randn(1, 1, 48),
             'pos_embed': torch.randn(1, 17, 48),
             'patch_embed.proj.weight': torch.randn(48, 3, 8, 8),
             'patch_embed.proj.bias': torch.randn(48),
             'norm.weight': torch.randn(48), 'norm.bias': torch.randn(48),
             'head.weight': torch.randn(1000, 48),
             'head.bias': torch.randn(1000)}
    for i in range(len(model.layers)):
        p = f'blocks.{i}.'
        state.update({
            p + 'norm1.weight': torch.randn(48),
            p + 'norm1.bias': torch.randn(48),
            p + 'attn.qkv.weight': torch.randn(144, 48),
            p + 'attn.qkv.bias': torch.randn(144),
            p + 'attn.proj.weight': torch.randn(48, 48),
            p + 'attn.proj.bias': torch.randn(48),
            p + 'norm2.weight': torch.randn(48),
            p + 'norm2.bias': torch.randn(48),
            p + 'mlp.fc1.weight': torch.randn(192, 48),
            p + 'mlp.fc1.bias': torch.randn(192),
            p + 'mlp.fc2.weight': torch.randn(48, 192),
            p + 'mlp.fc2.bias': torch.randn(48)})
    return state


def test_timm_weights_convert_and_load(tmp_path):
    model = _tiny_vit()
    state = _timm_state(model)
    converted = convert_timm_vit({'model': state})
    assert 'head.weight' not in converted
    own = set(model.state_dict())
    assert set(converted) == own - {'loc_token', 'loc_embed'}
    path = tmp_path / 'deit.pth'
    torch.save({'model': state}, path)
    loaded = _tiny_vit(pretrained=str(path))
    torch.testing.assert_close(loaded.layers[2].attn.attn.in_proj_weight,
                               state['blocks.2.attn.qkv.weight'])
    torch.testing.assert_close(loaded.ln1.weight, state['norm.weight'])
    # distilled DeiT: dist_token and its pos_embed row are dropped
    dist = dict(state, dist_token=torch.randn(1, 1, 48),
                pos_embed=torch.randn(1, 18, 48))
    conv = convert_timm_vit(dist)
    assert conv['pos_embed'].shape == (1, 17, 48)
    assert 'dist_token' not in conv


def test_missing_weights_file_names_it(tmp_path):
    missing = str(tmp_path / 'deit_small_patch16_224-cd65a155.pth')
    with pytest.raises(FileNotFoundError, match='deit_small_patch16_224'):
        _tiny_vit(pretrained=missing)
