# Copyright (c) mmssl contributors. All rights reserved.
"""IOMatch: worked check cases computed with the official code's
(``nukezil/IOMatch``) ``ce_loss``, ``mb_sup_loss`` and
``consistency_loss``; tolerance 1e-5 on the 6-decimal reference values."""
import pytest
import torch
import torch.nn.functional as F

from mmssl.models.losses import (
    consistency_loss,
    iomatch_open_targets,
    mb_sup_loss,
)
from mmssl.models.utils import DistAlignQueue
from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

T = torch.tensor
LOGITS_W = T([[6., 0, 0], [4, 3.5, 0], [0, 0, 7]])
LOGITS_S = T([[2., 1, 0], [1, 1, 1], [0, -1, 3]])
OPEN_S = T([[1., 0, 0, 0], [0, 0, 0, 2], [0, 0, 1, 1]])
MB_W = T([[-2., 0, 0, 2, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 3, 0, 0, -1]])


def close(a, b, tol=1e-5):
    return torch.allclose(torch.as_tensor(a).float(), T(b).float(),
                          atol=tol, rtol=0)


def test_supervised_losses():
    logits_lb = T([[2., 0.5, -1], [0, 1, 0]])
    y = T([0, 2])
    mb_lb = T([[-1., 0.5, 1, 2, 0, -0.5], [0.3, 0.3, 0.3, 0, 0, 1.5]])
    assert F.cross_entropy(logits_lb, y).item() == pytest.approx(
        0.896378, abs=1e-5)
    assert mb_sup_loss(mb_lb, y).item() == pytest.approx(0.670151, abs=1e-5)


def test_open_targets_masks_and_unlabeled_losses():
    p = F.softmax(LOGITS_W, dim=1)
    assert close(p, [[0.995067, 0.002467, 0.002467],
                     [0.615443, 0.373285, 0.011272],
                     [0.000910, 0.000910, 0.998180]])
    t = iomatch_open_targets(p, MB_W, p_cutoff=0.95, q_cutoff=0.5)
    r_pos = F.softmax(MB_W.view(3, 2, 3), dim=1)[:, 1]
    assert close(r_pos, [[0.982014, 0.5, 0.5], [0.5, 0.5, 0.5],
                         [0.5, 0.5, 0.017986]])
    assert close(t['out_scores'], [0.020364, 0.5, 0.981136])
    assert t['in_mask'].tolist() == [1, 0, 0]  # 0.5 is NOT < 0.5
    assert close(t['q'], [[0.977170, 0.001233, 0.001233, 0.020364],
                          [0.307721, 0.186642, 0.005636, 0.5],
                          [0.000455, 0.000455, 0.017953, 0.981136]])
    assert close(t['q'].sum(1), [1., 1., 1.])
    assert t['p_mask'].tolist() == [1, 0, 1]
    assert t['q_mask'].tolist() == [1, 1, 1]  # 0.5 >= 0.5
    l_ui = consistency_loss(LOGITS_S, p, t['in_mask'] * t['p_mask'])
    l_op = consistency_loss(OPEN_S, t['q'], t['q_mask'])
    assert l_ui.item() == pytest.approx(0.138335, abs=1e-5)
    assert l_op.item() == pytest.approx(1.038190, abs=1e-5)


def test_distribution_alignment_first_call_queue_of_4():
    da = DistAlignQueue(num_classes=3, queue_len=4, eps=1e-6)
    aligned = da(F.softmax(LOGITS_W, dim=1))
    assert close(aligned, [[0.985657, 0.010452, 0.003891],
                           [0.275943, 0.716009, 0.008048],
                           [0.000571, 0.002442, 0.996987]])
    assert int(da.p_model_ptr) == 1
    assert da.p_model[1:].abs().sum() == 0
    # State is in buffers: saved with the model and restored on resume.
    assert set(da.state_dict()) == {'p_model', 'p_model_ptr'}
    for _ in range(4):
        da(F.softmax(LOGITS_W, dim=1))
    assert int(da.p_model_ptr) == 1  # wraps around


def _head(**kwargs):
    head = MODELS.build(dict(type='IOMatchHead', num_classes=3,
                             in_channels=8, **kwargs))
    head.train()
    return head


def test_head_losses_match_the_functions():
    """The head's loss_semi equals the functions on its own logits."""
    torch.manual_seed(0)
    head = _head(dist_align=False, op_warmup_iters=0, lambda_mb=0.5,
                 lambda_op=2.0)
    feats = torch.randn(2 + 3 + 3, 8) * 3
    samples = dict(sup=[ClsDataSample().set_gt_label(y) for y in (0, 2)])
    losses = head.loss_semi((feats, ), (2, 3, 3), samples)
    out = head.forward_all((feats, ))
    y = T([0, 2])
    assert losses['loss_x'].item() == pytest.approx(
        F.cross_entropy(out['logits'][:2], y).item(), abs=1e-6)
    assert losses['loss_mb'].item() == pytest.approx(
        0.5 * mb_sup_loss(out['logits_mb'][:2], y).item(), abs=1e-6)
    p = F.softmax(out['logits'][2:5], dim=1)
    t = iomatch_open_targets(p, out['logits_mb'][2:5])
    assert losses['loss_u'].item() == pytest.approx(consistency_loss(
        out['logits'][5:], p, t['in_mask'] * t['p_mask']).item(), abs=1e-6)
    assert losses['loss_op'].item() == pytest.approx(2.0 * consistency_loss(
        out['logits_open'][5:], t['q'], t['q_mask']).item(), abs=1e-6)
    assert losses['q_mask_ratio'].item() == pytest.approx(
        t['q_mask'].mean().item())
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert head.openset_classifier.weight.grad.abs().sum() > 0
    assert head.mb_classifiers.weight.grad.abs().sum() > 0


def test_open_loss_is_zero_during_the_first_epoch():
    head = _head(op_warmup_iters=2)
    feats = torch.randn(2 + 4 + 4, 8)
    samples = dict(sup=[ClsDataSample().set_gt_label(y) for y in (0, 1)])
    ops = [head.loss_semi((feats, ), (2, 4, 4), samples)['loss_op'].item()
           for _ in range(3)]
    assert ops[0] == 0 and ops[1] == 0 and ops[2] > 0
    assert int(head.num_steps) == 3
    assert int(head.dist_align.p_model_ptr) == 3


def test_official_init_of_added_layers():
    head = _head(init_cfg=dict(type='Normal', layer='Linear', std=1e-4))
    head.init_weights()
    assert head.fc.weight.std() < 1e-3  # init_cfg applies to fc
    assert head.openset_classifier.weight.std() > 1e-2  # xavier, not 1e-4
    assert head.openset_classifier.bias.abs().sum() == 0
    assert head.mlp_proj[0].weight.std() > 1e-2
    assert head.mb_classifiers.bias is None


@pytest.mark.parametrize('rule', ['open_head', 'fused'])
def test_predict_sets_open_set_fields(rule):
    head = _head(open_rule=rule).eval()
    feats = torch.randn(4, 8)
    out = head.predict((feats, ))
    for sample in out:
        assert sample.pred_score.shape == (3, )
        assert 0 <= float(sample.ood_score) <= 1
        assert 0 <= int(sample.open_pred_label) <= 3
    q = F.softmax(head.forward_all((feats, ))['logits_open'], dim=1)
    if rule == 'open_head':
        assert [int(s.open_pred_label) for s in out] == q.argmax(1).tolist()
        assert close([float(s.ood_score) for s in out], q[:, 3].tolist(),
                     1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match='open_rule'):
        _head(open_rule='msp')
    with pytest.raises(ValueError, match='q_cutoff'):
        _head(q_cutoff=1.5)
