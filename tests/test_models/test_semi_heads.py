# Copyright (c) mmssl contributors. All rights reserved.
import math

import pytest
import torch

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample


def _identity_head(type_, **kwargs):
    """A 3-class head whose logits are its 3-d input features."""
    head = MODELS.build(dict(type=type_, num_classes=3, in_channels=3,
                             **kwargs))
    with torch.no_grad():
        head.fc.weight.copy_(torch.eye(3))
        head.fc.bias.zero_()
    return head


def _samples(labels):
    return [ClsDataSample().set_gt_label(y) for y in labels]


def test_fixmatch_loss_and_mask_hand_computed():
    head = _identity_head('FixMatchHead', p_cutoff=0.95, lambda_u=1.0)
    lb = torch.zeros(2, 3)  # CE = log 3 for any label
    weak = torch.tensor([[10., 0., 0.],   # p_max = 0.99991 -> kept, label 0
                         [1., 0., 0.]])   # p_max = 0.576 -> masked out
    strong = torch.tensor([[0., 0., 0.],  # CE(., 0) = log 3
                           [0., 9., 0.]])  # ignored (mask 0)
    feats = (torch.cat([lb, weak, strong]), )
    losses = head.loss_semi(feats, (2, 2, 2), dict(sup=_samples([0, 1])))
    assert losses['loss_x'].item() == pytest.approx(math.log(3), abs=1e-6)
    # Mean over ALL unlabeled samples, masked ones count as zero.
    assert losses['loss_u'].item() == pytest.approx(math.log(3) / 2,
                                                    abs=1e-6)
    assert losses['util_ratio'].item() == pytest.approx(0.5)
    assert losses['accuracy_lb'].item() == pytest.approx(50.0)


def test_fixmatch_threshold_boundary_and_lambda():
    head = _identity_head('FixMatchHead', p_cutoff=0.5, lambda_u=2.0)
    weak = torch.tensor([[math.log(2.), 0., 0.]])  # p = (0.5, .25, .25)
    strong = torch.tensor([[0., math.log(2.), 0.]])
    feats = (torch.cat([torch.zeros(1, 3), weak, strong]), )
    losses = head.loss_semi(feats, (1, 1, 1), dict(sup=_samples([2])))
    assert losses['util_ratio'].item() == 1.0  # >= threshold is kept
    # CE(strong, 0) = -log(1/4) = log 4, times lambda_u = 2.
    assert losses['loss_u'].item() == pytest.approx(2 * math.log(4),
                                                    abs=1e-5)


@pytest.mark.parametrize('T', [None, 0.5])
def test_fixmatch_soft_labels(T):
    head = _identity_head('FixMatchHead', p_cutoff=0.0, hard_label=False,
                          T=T)
    weak = torch.tensor([[1., 0., 0.]])
    strong = torch.tensor([[0., 1., 0.]])
    feats = (torch.cat([torch.zeros(1, 3), weak, strong]), )
    losses = head.loss_semi(feats, (1, 1, 1), dict(sup=_samples([0])))
    # Soft CE: -sum_k q_k log softmax(strong)_k, q = softmax(weak / T).
    q = torch.softmax(weak / (T or 1.0), 1)
    want = -(q * torch.log_softmax(strong, 1)).sum().item()
    assert losses['loss_u'].item() == pytest.approx(want, abs=1e-6)


def test_pseudo_labels_carry_no_gradient_to_weak_view():
    head = _identity_head('FixMatchHead', p_cutoff=0.0)
    feats = torch.randn(5, 3, requires_grad=True)
    losses = head.loss_semi((feats, ), (1, 2, 2), dict(sup=_samples([1])))
    losses['loss_u'].backward()
    assert feats.grad[1:3].abs().sum() == 0  # weak view
    assert feats.grad[3:].abs().sum() > 0  # strong view


def test_supervised_head_ignores_unlabeled():
    head = _identity_head('SupervisedHead')
    assert not head.uses_unlabeled
    feats = (torch.zeros(2, 3), )
    losses = head.loss_semi(feats, (2, ), dict(sup=_samples([0, 1])))
    assert set(losses) == {'loss_x', 'accuracy_lb'}


def _semi_model(head_type):
    return MODELS.build(dict(
        type='SemiClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor', mean=[77.8],
                               std=[95.9]),
        backbone=dict(type='DigitsCNN', widths=(8, 16)),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type=head_type, num_classes=10, in_channels=16)))


def _multi_branch_batch(n_lb, n_ulb):
    def img():
        return torch.randint(0, 255, (1, 8, 8), dtype=torch.uint8)
    inputs = dict(sup=[img() for _ in range(n_lb)],
                  unsup_weak=[img() for _ in range(n_ulb)],
                  unsup_strong=[img() for _ in range(n_ulb)])
    samples = dict(sup=_samples(list(range(n_lb))),
                   unsup_weak=[ClsDataSample() for _ in range(n_ulb)],
                   unsup_strong=[ClsDataSample() for _ in range(n_ulb)])
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('head_type,expected', [('FixMatchHead', 2 + 2 * 6),
                                                ('SupervisedHead', 2)])
def test_semi_classifier_one_forward_pass(head_type, expected):
    torch.manual_seed(0)
    model = _semi_model(head_type)
    model.init_weights()
    seen = []
    model.backbone.register_forward_hook(
        lambda m, i, o: seen.append(i[0].shape[0]))
    data = model.data_preprocessor(_multi_branch_batch(2, 6), training=True)
    assert data['inputs']['sup'].dtype == torch.float32
    losses = model(**data, mode='loss')
    assert seen == [expected]  # one backbone pass over the whole batch
    assert ('loss_u' in losses) == (head_type == 'FixMatchHead')
    # Evaluation: plain batches pass through the wrapped preprocessor.
    plain = model.data_preprocessor(
        dict(inputs=[torch.zeros(1, 8, 8, dtype=torch.uint8)],
             data_samples=_samples([3])), training=False)
    pred = model(**plain, mode='predict')
    assert pred[0].pred_score.shape == (10, )


def test_semi_classifier_rejects_plain_head():
    with pytest.raises(TypeError, match='semi-supervised head'):
        MODELS.build(dict(
            type='SemiClassifier',
            backbone=dict(type='DigitsCNN', widths=(8, )),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=10,
                      in_channels=8)))


def test_channels_last_same_values():
    torch.manual_seed(0)
    model = _semi_model('FixMatchHead').eval()
    model.init_weights()
    x = torch.randn(3, 1, 8, 8)
    ref = model(x, mode='tensor')
    model.channels_last = True
    model.to(memory_format=torch.channels_last)
    torch.testing.assert_close(model(x, mode='tensor'), ref)


def test_semi_classifier_clear_errors_and_warning():
    model = _semi_model('FixMatchHead')
    model.init_weights()
    batch = _multi_branch_batch(2, 3)
    batch['inputs']['sup'] = [None, None]
    with pytest.raises(ValueError, match="no 'sup' samples"):
        model.data_preprocessor(batch, training=True)
    data = model.data_preprocessor(_multi_branch_batch(2, 3), training=True)
    del data['inputs']['unsup_strong']
    with pytest.raises(KeyError, match='needs the unlabeled branches'):
        model(**data, mode='loss')
    # A labeled-only batch trains the supervised loss, with one warning.
    plain = model.data_preprocessor(
        dict(inputs=[torch.zeros(1, 8, 8, dtype=torch.uint8)] * 2,
             data_samples=_samples([1, 2])), training=True)
    from mmengine.logging import MMLogger
    MMLogger.get_instance('mmssl-test-warn')
    losses = model(**plain, mode='loss')
    assert 'loss_u' not in losses and model._warned_plain


def _unlabeled(true):
    out = []
    for t in true:
        s = ClsDataSample()
        if t is not None:
            s.set_metainfo(dict(true_label=t))
        out.append(s)
    return out


def _open_head(type_, **kwargs):
    """A 3-class head on 12-d features whose logits are the first 3."""
    head = MODELS.build(dict(type=type_, num_classes=3, in_channels=12,
                             **kwargs))
    with torch.no_grad():
        head.fc.weight.zero_()
        head.fc.weight[:, :3] = torch.eye(3)
        head.fc.bias.zero_()
    return head.train()


@pytest.mark.parametrize('type_, kwargs', [
    ('FixMatchHead', dict(p_cutoff=0.95)),
    ('IOMatchHead', dict(p_cutoff=0.95, dist_align=False,
                         op_warmup_iters=0)),
    ('ShrinkMatchHead', dict(p_cutoff=0.95, dist_align=None)),
])
def test_true_labels_are_logged_never_trained_on(type_, kwargs):
    torch.manual_seed(0)
    weak = torch.tensor([[10., 0., 0.],   # certain, right (seen class 0)
                         [0., 9., 0.],    # certain, wrong (true class 2)
                         [3., 2.5, -3.],  # uncertain, seen
                         [8., 0., 0.]])   # certain, an unseen image (-1)
    strong = torch.randn(4, 3)
    feats = torch.cat([torch.zeros(2, 3), weak, strong])
    feats = (torch.cat([feats, torch.rand(10, 9)], 1), )
    sup = _samples([0, 1])
    true = [0, 2, 1, -1]
    torch.manual_seed(1)
    plain_head = _open_head(type_, **kwargs)
    torch.manual_seed(1)
    diag_head = _open_head(type_, **kwargs)
    plain = plain_head.loss_semi(
        feats, (2, 4, 4), dict(sup=sup, unsup_weak=_unlabeled([None] * 4)))
    logged = diag_head.loss_semi(
        feats, (2, 4, 4), dict(sup=sup, unsup_weak=_unlabeled(true)))
    # the losses do not depend on the true labels
    for key, value in plain.items():
        if key.startswith('loss'):
            assert torch.equal(value, logged[key]), key
    assert not any(k.endswith('_seen') for k in plain)
    # accuracy of the argmax pseudo labels on the 3 seen images: 1 of 3
    assert logged['pl_acc'].item() == pytest.approx(100 / 3)
    if type_ == 'FixMatchHead':
        assert logged['util_ratio_seen'].item() == pytest.approx(2 / 3)
        assert logged['util_ratio_unseen'].item() == 1.0
        assert logged['util_ratio_pl_acc'].item() == pytest.approx(50.0)
    if type_ == 'IOMatchHead':
        assert {'in_mask_seen', 'in_mask_unseen', 'selected_seen',
                'selected_unseen', 'q_unknown_unseen'} <= set(logged)
    if type_ == 'ShrinkMatchHead':
        assert logged['util_ratio_pl_acc'].item() == pytest.approx(50.0)
        # the uncertain seen image (top-1 class 0, true class 1): its
        # shrink removes the rank-2 class, which is the true one
        assert logged['shrink_ratio_seen'].item() == pytest.approx(1 / 3)
        assert logged['shrink_true_removed'].item() == 100.0
