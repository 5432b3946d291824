# Copyright (c) mmssl contributors. All rights reserved.
"""MARS stage A: the CAM classifier and its seed masks."""
import pytest
import torch
from mmseg.structures import SegDataSample

from mmssl.registry import MODELS
from mmssl.utils import register_all_modules

register_all_modules()


def _model(**kw):
    cfg = dict(
        type='CAMSegmentor',
        data_preprocessor=dict(type='mmseg.SegDataPreProcessor',
                               mean=[0., 0., 0.], std=[1., 1., 1.],
                               size_divisor=8),
        backbone=dict(type='mmseg.ResNetV1c', depth=18, stem_channels=8,
                      base_channels=8, strides=(1, 2, 1, 1),
                      dilations=(1, 1, 2, 4), out_indices=(3, )),
        num_classes=4, in_channels=64)
    cfg.update(kw)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _samples(tags, shape=(32, 40)):
    out = []
    for t in tags:
        s = SegDataSample()
        s.set_metainfo(dict(img_labels=t, ori_shape=shape, img_shape=shape,
                            pad_shape=shape, padding_size=[0, 0, 0, 0]))
        out.append(s)
    return out


def test_loss_is_multilabel_soft_margin_on_tags():
    model = _model()
    x = torch.rand(2, 3, 32, 40)
    samples = _samples([[1], [2, 3]])
    losses = model.loss(x, samples)
    logits = model.class_logits(x)
    target = torch.tensor([[1., 0, 0], [0, 1, 1]])
    assert torch.allclose(
        losses['loss_cls'],
        torch.nn.functional.multilabel_soft_margin_loss(logits, target))
    losses['loss_cls'].backward()
    assert model.classifier.weight.grad is not None
    assert model.classifier.bias is None  # IRNet: bias-free classifier


def test_seeds_use_only_tagged_classes_at_original_size():
    model = _model(test_scales=(1.0, 0.5), test_flip=True).eval()
    model.classifier.weight.data.abs_()  # non-zero CAMs at init
    x = torch.rand(2, 3, 32, 40)
    with torch.no_grad():
        scores = model.encode_decode(x, [dict(img_labels=[2]),
                                         dict(img_labels=[1, 3])])
        out = model.predict(x, _samples([[2], [1, 3]], shape=(64, 80)))
    assert scores.shape == (2, 4, 32, 40)
    assert torch.all(scores[:, 0] == 0.15)
    assert torch.all(scores[0, [1, 3]] == 0)  # untagged classes
    # each tagged CAM is max-normalised (the max is 1 up to the 1e-5)
    assert scores[0, 2].max() == pytest.approx(1., abs=1e-3)
    for s, allowed in zip(out, ({0, 2}, {0, 1, 3})):
        pred = s.pred_sem_seg.data
        assert pred.shape == (1, 64, 80)
        assert set(pred.unique().tolist()) <= allowed
    # flipping the input flips the (flip-averaged) CAMs
    with torch.no_grad():
        flipped = model.encode_decode(x.flip(-1), [dict(img_labels=[2]),
                                                   dict(img_labels=[1, 3])])
    assert torch.allclose(flipped.flip(-1), scores, atol=1e-4)


def test_missing_tags_are_a_clear_error():
    model = _model()
    s = SegDataSample()
    with pytest.raises(KeyError, match='img_labels'):
        model.loss(torch.rand(1, 3, 32, 32), [s])
    with pytest.raises(ValueError, match='image tags'):
        model.predict(torch.rand(1, 3, 32, 32))
