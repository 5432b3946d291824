# Copyright (c) mmssl contributors. All rights reserved.
"""MARS stage D: the EMA teacher, complementing and the weighted CE on an
mmseg DeepLabV3+."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmssl.models.utils.mars import complement_label, weighted_cross_entropy
from mmssl.registry import MODELS
from mmssl.utils import register_all_modules

register_all_modules()

SEG = dict(
    type='EncoderDecoder',
    _scope_='mmseg',
    backbone=dict(type='ResNetV1c', depth=18, stem_channels=8,
                  base_channels=8, strides=(1, 2, 1, 1),
                  dilations=(1, 1, 2, 4), out_indices=(0, 1, 2, 3)),
    decode_head=dict(type='DepthwiseSeparableASPPHead', in_channels=64,
                     in_index=3, channels=16, c1_in_channels=8,
                     c1_channels=4, dilations=(1, 2), num_classes=3,
                     dropout_ratio=0.0,
                     norm_cfg=dict(type='BN', requires_grad=True)),
    test_cfg=dict(mode='whole'))


def _model(**kw):
    torch.manual_seed(0)
    cfg = dict(type='MARSSegmentor', segmentor=SEG,
               data_preprocessor=dict(type='mmseg.SegDataPreProcessor',
                                      mean=[0., 0., 0.], std=[1., 1., 1.]),
               ema_momentum=0.5)
    cfg.update(kw)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _samples(labels, tags):
    out = []
    for lab, t in zip(labels, tags):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=lab[None])
        shape = tuple(lab.shape)
        s.set_metainfo(dict(img_labels=t, img_shape=shape, ori_shape=shape,
                            pad_shape=shape, padding_size=[0, 0, 0, 0]))
        out.append(s)
    return out


def _batch():
    labels = torch.zeros(2, 32, 32, dtype=torch.long)
    labels[0, 8:16, 8:16] = 1
    labels[0, 16:20, :] = 254  # removed (biased) pixels
    labels[1, 4:12, 4:12] = 2
    labels[1, 0, :] = 255
    return torch.rand(2, 3, 32, 32), labels


def test_teacher_starts_as_student_and_follows_by_ema():
    model = _model()
    for t, s in zip(model.teacher.parameters(), model.student.parameters()):
        assert torch.equal(t, s) and not t.requires_grad
    x, labels = _batch()
    samples = _samples(labels, [[1], [2]])
    opt = torch.optim.SGD(model.student.parameters(), lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        loss = model.loss(x, samples)['loss_wce']
        loss.backward()
        opt.step()
    assert all(t.grad is None for t in model.teacher.parameters())
    # teacher = 0.5 teacher + 0.5 student after the first step's update
    w_t = model.teacher.decode_head.conv_seg.weight
    w_s = model.student.decode_head.conv_seg.weight
    assert not torch.equal(w_t, w_s)
    assert model.num_steps == 2


def test_loss_matches_complement_and_wce():
    model = _model(complement_start_iter=0)
    x, labels = _batch()
    samples = _samples(labels, [[1], [2]])
    out = model.loss(x, samples)
    model.teacher.eval()
    with torch.no_grad():
        probs = model.teacher.encode_decode(x, [s.metainfo for s in samples]
                                            ).softmax(1)
        tags = torch.tensor([[True, True, False], [True, False, True]])
        target, weight = complement_label(labels, probs, tags, 254)
        logits = model.student.decode_head.forward(
            model.student.extract_feat(x))
        logits = torch.nn.functional.interpolate(logits, (32, 32),
                                                 mode='bilinear')
    # the student is in train mode (BN batch statistics) in both passes
    expected = weighted_cross_entropy(logits, target, weight)
    assert out['loss_wce'].item() == pytest.approx(expected.item(),
                                                   rel=1e-4)
    assert set(target[0, 16:20].unique().tolist()) <= {0, 1}
    assert (target[1, 0] == 255).all()
    assert 'filled_fg' in out and 'fill_weight' in out


def test_before_complementing_removed_pixels_are_ignored():
    model = _model(complement_start_iter=5)
    x, labels = _batch()
    samples = _samples(labels, [[1], [2]])
    out = model.loss(x, samples)
    assert 'filled_fg' not in out
    with torch.no_grad():
        logits = torch.nn.functional.interpolate(
            model.student.decode_head.forward(model.student.extract_feat(x)),
            (32, 32), mode='bilinear')
    ignored = labels.masked_fill(labels == 254, 255)
    expected = torch.nn.functional.cross_entropy(logits, ignored,
                                                 ignore_index=255)
    assert out['loss_wce'].item() == pytest.approx(expected.item(),
                                                   rel=1e-4)


def test_predict_uses_the_teacher_and_full_size():
    model = _model().eval()
    x, labels = _batch()
    samples = _samples(labels, [[1], [2]])
    with torch.no_grad():
        out = model.predict(x, samples)
    assert out[0].pred_sem_seg.data.shape == (1, 32, 32)
    with pytest.raises(ValueError, match='predict_on'):
        _model(predict_on='ema')
