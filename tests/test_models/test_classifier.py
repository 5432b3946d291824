# Copyright (c) mmssl contributors. All rights reserved.
import pytest
import torch

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample


def _model():
    return MODELS.build(dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[77.8],
                               std=[95.9]),
        backbone=dict(type='DigitsCNN', widths=(8, 16)),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=16,
                  topk=(1, 5))))


def _batch(n=4):
    inputs = [torch.randint(0, 255, (1, 8, 8), dtype=torch.uint8)
              for _ in range(n)]
    samples = [ClsDataSample().set_gt_label(i % 10) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def test_loss_predict_tensor_modes():
    torch.manual_seed(0)
    model = _model()
    model.init_weights()
    data = model.data_preprocessor(_batch(), training=True)
    assert data['inputs'].shape == (4, 1, 8, 8)
    assert data['inputs'].dtype == torch.float32
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss', 'accuracy_top-1', 'accuracy_top-5'}
    assert losses['loss'].requires_grad and losses['loss'] > 0
    preds = model(**data, mode='predict')
    assert len(preds) == 4
    assert torch.allclose(preds[0].pred_score.sum(), torch.tensor(1.0))
    assert preds[0].pred_label.item() == preds[0].pred_score.argmax()
    logits = model(data['inputs'], mode='tensor')
    assert logits.shape == (4, 10)
    with pytest.raises(RuntimeError, match='invalid mode'):
        model(data['inputs'], mode='train')


def test_loss_matches_cross_entropy():
    model = _model()
    data = model.data_preprocessor(_batch(), training=True)
    logits = model(data['inputs'], mode='tensor')
    target = torch.tensor([0, 1, 2, 3])
    expected = torch.nn.functional.cross_entropy(logits, target)
    loss = model.loss(data['inputs'], data['data_samples'])['loss']
    assert torch.allclose(loss, expected, atol=1e-6)


def test_gap_neck_is_nd():
    gap = MODELS.build(dict(type='GlobalAveragePooling'))
    x2, x3 = torch.randn(2, 3, 4, 5), torch.randn(2, 3, 2, 4, 5)
    assert torch.allclose(gap((x2, ))[0], x2.mean((2, 3)))
    assert torch.allclose(gap(x3)[0], x3.mean((2, 3, 4)), atol=1e-6)


def test_cls_data_sample_validates():
    s = ClsDataSample().set_gt_label(torch.tensor(2))
    assert s.gt_label.tolist() == [2]
    with pytest.raises(ValueError):
        s.set_pred_score(torch.zeros(2, 2))
    with pytest.raises(TypeError):
        s.set_gt_label('two')


def test_cls_data_preprocessor_matches_mmengine():
    """The batched preprocessor gives mmengine's ImgDataPreprocessor's
    result, leaves data samples alone, and falls back for mixed sizes."""
    torch.manual_seed(0)
    cfg = dict(mean=[125.3, 123.0, 113.9], std=[63.0, 62.1, 66.7],
               bgr_to_rgb=True)
    ours = MODELS.build(dict(type='ClsDataPreprocessor', **cfg))
    ref = MODELS.build(dict(type='ImgDataPreprocessor', **cfg))
    inputs = [torch.randint(0, 255, (3, 6, 6), dtype=torch.uint8)
              for _ in range(3)]
    samples = [ClsDataSample().set_gt_label(i) for i in range(3)]
    out = ours(dict(inputs=inputs, data_samples=samples), training=True)
    want = ref(dict(inputs=inputs, data_samples=samples), training=True)
    torch.testing.assert_close(out['inputs'], want['inputs'])
    assert out['data_samples'] is samples
    mixed = inputs[:2] + [torch.zeros(3, 4, 4, dtype=torch.uint8)]
    out = ours(dict(inputs=mixed, data_samples=samples))
    assert out['inputs'].shape == (3, 3, 6, 6)  # padded by mmengine
    with pytest.raises(ValueError, match='3 channels'):
        ours(dict(inputs=[torch.zeros(1, 6, 6)], data_samples=None))
