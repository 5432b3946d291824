# Copyright (c) mmssl contributors. All rights reserved.
"""ShrinkMatch: worked check cases from a faithful transcription of the
official code's (``LiheYoung/ShrinkMatch``) ``shrink_loss``
(CIFAR/ImageNet) and ``consistency_loss_with_shrink`` (STL-10)."""
import pytest
import torch
import torch.nn.functional as F

from mmssl.models.losses import consistency_loss, shrink_loss
from mmssl.models.utils import DistAlignQueue
from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

T = torch.tensor


def close(a, b, tol=1e-5):
    return torch.allclose(torch.as_tensor(a).float(), T(b).float(),
                          atol=tol, rtol=0)


def keep_set(keep_row):
    return {i for i, k in enumerate(keep_row.tolist()) if k}


CASE1 = dict(
    z_w=T([[8., 1, 0, 0, 0], [4, 3.9, 0, -1, -2], [3, 2.8, 2.5, -0.5, -1],
           [1, .9, .8, .7, .6]]),
    z_s=T([[5., 0, 1, 0, 0], [1, 3, 0, 0, 0], [2, 1, 1, 0, 0],
           [0, 0, 1, 0, 0]]),
    a_s=T([[0., 0, 0, 0, 0], [1, 2, 0.5, 0, -1], [0.5, 1, 0, 2, -1],
           [1, 0, 0, 0, 0]]))


def test_case1_no_da():
    p = F.softmax(CASE1['z_w'], dim=1)
    s, info = shrink_loss(p, CASE1['a_s'], 0.95)
    assert info['c_star'][1:].tolist() == [2, 3, 4]
    assert close(info['sub_conf'][1:], [0.973205, 0.953732, 0.598688])
    assert keep_set(info['keep'][1]) == {0, 2, 3, 4}
    assert keep_set(info['keep'][2]) == {0, 3, 4}
    assert keep_set(info['keep'][3]) == {0, 4}
    assert close(info['ce'][1:], [0.746567, 1.741311, 0.313262])
    assert close(info['weight'], [0, 0.517499, 0.404241, 0])
    assert s.item() == pytest.approx(1.090257, abs=1e-5)
    l_shrink = s / 4
    assert l_shrink.item() == pytest.approx(0.272564, abs=1e-5)
    mask = p.max(1).values.ge(0.95).float()
    ema = mask.mean()  # first iteration
    l_soft = consistency_loss(CASE1['z_s'], p, mask)
    l_hard = consistency_loss(CASE1['z_s'], p.argmax(1), mask)
    assert l_soft.item() == pytest.approx(0.011761, abs=1e-5)
    assert l_hard.item() == pytest.approx(0.009451, abs=1e-5)
    assert (l_soft + ema * l_shrink).item() == pytest.approx(0.079902,
                                                             abs=1e-5)
    assert (l_hard + ema * l_shrink).item() == pytest.approx(0.077592,
                                                             abs=1e-5)


CASE2 = dict(
    z_w=T([[7., 1, 0.5, 0, -1], [2, 1.8, -1, 0, 3], [0, 3.5, 3.4, -2, -2],
           [2.5, 0.1, 0, 2.4, -0.1]]),
    z_s=T([[3., 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 2, 1, 0, 0],
           [1, 0, 0, 1, 0]]),
    a_s=T([[0., 1, 0, 0, 0], [0.5, 0, 1, -1, 2], [1, 0, 2, 0, 0],
           [0, 1, 0, 2, 0.5]]))


def test_case2_da_cifar_rule():
    raw = F.softmax(CASE2['z_w'], dim=1)
    p = DistAlignQueue(5, queue_len=32, eps=0.0)(raw)
    assert close(p, [[0.985271, 0.005623, 0.004844, 0.003352, 0.000910],
                     [0.090599, 0.170786, 0.014750, 0.045742, 0.678122],
                     [0.005678, 0.432947, 0.556391, 0.002867, 0.002116],
                     [0.197729, 0.041300, 0.053076, 0.667457, 0.040438]])
    s, info = shrink_loss(p, CASE2['a_s'], 0.95)
    assert keep_set(info['keep'][1]) == {4, 2}
    assert keep_set(info['keep'][2]) == {2, 0, 3, 4}
    assert keep_set(info['keep'][3]) == {3, 4}
    assert close(info['sub_conf'][1:], [0.978711, 0.981199, 0.942875])
    assert close(info['ce'][1:], [0.313262, 0.493812, 0.201413])
    assert close(info['weight'], [0, 0.678122, 0.556391, 0])
    assert (s / 4).item() == pytest.approx(0.121796, abs=1e-5)
    mask = p.max(1).values.ge(0.95).float()
    l_u = consistency_loss(CASE2['z_s'], p, mask)
    assert l_u.item() == pytest.approx(0.056450, abs=1e-5)
    assert (l_u + 0.25 * s / 4).item() == pytest.approx(0.086899, abs=1e-5)


def test_case2_stl_rule_ranks_by_raw_logits():
    raw = F.softmax(CASE2['z_w'], dim=1)
    p = DistAlignQueue(5, queue_len=32, eps=0.0)(raw)
    s, info = shrink_loss(p, CASE2['a_s'], 0.95, rank_probs=raw)
    assert keep_set(info['keep'][1]) == {4, 2}
    assert keep_set(info['keep'][2]) == {1, 0, 3, 4}  # raw top-1 is class 1
    assert close(info['sub_conf'][1:], [0.982014, 0.963047, 0.930862])
    assert close(info['weight'], [0, 0.678122, 0.556391, 0])
    assert (s / 4).item() == pytest.approx(0.295648, abs=1e-5)
    mask = p.max(1).values.ge(0.95).float()
    l_hard = consistency_loss(CASE2['z_s'], p.argmax(1), mask)
    assert l_hard.item() == pytest.approx(0.045403, abs=1e-5)
    assert (l_hard + 0.25 * s / 4).item() == pytest.approx(0.119315,
                                                           abs=1e-5)


def test_case3_imagenet_style():
    z_w = T([[2., 1.5, 0, -1, -1], [6, 0, 0, 0, 0], [1, 0.8, 0.6, 0.4, -3],
             [0.2, 0.1, 3, -1, -1]])
    z_s = T([[1., 1, 0, 0, 0], [2, 0, 0, 0, 0], [0, 1, 0, 0, 0],
             [0, 0, 2, 0, 0]])
    a_s = T([[0., 1, 2, 0, 0], [0, 0, 0, 0, 0], [1, 0, 0, 0, 2],
             [0, 1, 1, 0, 0]])
    p = F.softmax(z_w, dim=1)
    assert close(p.max(1).values, [0.543053, 0.990182, 0.327206, 0.867706])
    s, info = shrink_loss(p, a_s, 0.7)
    assert keep_set(info['keep'][0]) == {0, 2, 3, 4}
    assert keep_set(info['keep'][2]) == {0, 4}
    assert close(info['ce'][[0, 2]], [2.340753, 1.313262])
    assert s.item() == pytest.approx(1.700861, abs=1e-5)
    mask = p.max(1).values.ge(0.7).float()
    ema = 0.999 * 0.6 + 0.001 * mask.mean().item()
    assert ema == pytest.approx(0.5999, abs=1e-6)
    l_u = consistency_loss(z_s, p, mask)
    assert l_u.item() == pytest.approx(0.287383, abs=1e-5)
    total = 10 * l_u + 10 * ema * s / 4
    assert total.item() == pytest.approx(5.424691, abs=1e-5)


def test_matches_the_official_loop_on_random_batches():
    """The vectorized loss equals a loop transcription of the official
    ``shrink_loss`` (CIFAR/shrinkmatch.py)."""
    g = torch.Generator().manual_seed(0)
    for _ in range(50):
        c = int(torch.randint(3, 12, (1, ), generator=g))
        p = F.softmax(torch.randn(16, c, generator=g) * 3, dim=1)
        a_s = torch.randn(16, c, generator=g)
        tau = 0.95
        ref = 0.0
        sp, si = p.topk(c, dim=-1, sorted=True)
        sa = a_s.gather(1, si)
        for b in range(16):
            if p[b].max() >= tau:
                continue
            for k in range(2, c):
                sub = sp[b, 0] / (sp[b, 0] + sp[b, k:].sum())
                if sub >= tau or k == c - 1:
                    logits = torch.cat([sa[b, :1], sa[b, k:]])
                    ce = F.cross_entropy(logits[None], T([0]))
                    ref += float(ce * p[b].max() * (sub >= tau))
                    break
        s, _ = shrink_loss(p, a_s, tau)
        assert s.item() == pytest.approx(ref, abs=1e-5)


def test_two_classes_give_zero():
    p = T([[0.6, 0.4], [0.99, 0.01]])
    s, info = shrink_loss(p, torch.randn(2, 2, requires_grad=True), 0.95)
    assert s.item() == 0 and info['weight'].sum() == 0


def _head(**kwargs):
    head = MODELS.build(dict(type='ShrinkMatchHead', num_classes=5,
                             in_channels=16, **kwargs))
    return head.train()


def test_ratio_ema_restarts_every_epoch_as_the_cifar_code():
    head = _head(ema_reset_interval=3)
    values = [head.update_ratio_ema(r) for r in (0.5, 1.0, 1.0, 0.2, 0.0)]
    assert values[0] == pytest.approx(0.5)
    assert values[1] == pytest.approx(0.5 * 0.999 + 0.001)
    assert values[3] == pytest.approx(0.2)  # restarted at step 3
    assert values[4] == pytest.approx(0.2 * 0.999)
    never = _head(ema_reset_interval=None)
    vals = [never.update_ratio_ema(r) for r in (0.5, 1.0, 1.0, 0.2)]
    assert vals[3] == pytest.approx(((0.5 * .999 + .001) * .999 + .001)
                                    * .999 + .0002)


def test_head_step_uses_aux_head_on_strong_rows_and_backprops():
    torch.manual_seed(0)
    head = _head()
    feats = torch.randn(2 + 8 + 8, 16, requires_grad=True)
    samples = dict(sup=[ClsDataSample().set_gt_label(y) for y in (0, 3)])
    losses = head.loss_semi((feats, ), (2, 8, 8), samples)
    assert set(losses) >= {'loss_x', 'loss_u', 'loss_shrink', 'util_ratio',
                           'ratio_ema'}
    assert losses['ratio_ema'].item() == pytest.approx(
        losses['util_ratio'].item())
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    # Aux head only sees strong rows: no gradient into the weak rows from it.
    assert head.head_aux[0].weight.grad is not None
    assert int(head.dist_align.p_model_ptr) == 1
    # The aux head is not used at test time.
    head.eval()
    pred = head.predict((torch.randn(3, 16), ))
    assert pred[0].pred_score.shape == (5, )


def test_shrinkmatch_bad_arguments():
    with pytest.raises(ValueError, match='dist_align'):
        _head(dist_align='fifo')
    with pytest.raises(ValueError, match='aux_rows'):
        _head(aux_rows='weak')


def test_ablation_without_the_shrink_term():
    torch.manual_seed(0)
    feats = torch.randn(2 + 8 + 8, 16)
    samples = dict(sup=[ClsDataSample().set_gt_label(y) for y in (0, 3)])
    full = _head()
    ablated = _head(use_shrink=False)
    ablated.load_state_dict(full.state_dict())
    a = full.loss_semi((feats, ), (2, 8, 8), samples)
    b = ablated.loss_semi((feats, ), (2, 8, 8), samples)
    assert 'loss_shrink' in a and 'loss_shrink' not in b
    assert a['loss_u'].item() == pytest.approx(b['loss_u'].item())
