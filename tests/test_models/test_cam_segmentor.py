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


def _two_tone(tmp_path):
    """A 40x48 image, red right of column 24, grey left of it."""
    import numpy as np
    from PIL import Image
    img = np.full((40, 48, 3), 90, np.uint8)
    img[:, 24:] = (220, 30, 30)
    path = tmp_path / 'two_tone.png'
    Image.fromarray(img).save(path)
    return img, str(path)


def test_dense_crf_snaps_labels_to_the_colour_edge(tmp_path):
    import numpy as np

    from mmssl.models.utils.crf import dense_crf_labels
    img, _ = _two_tone(tmp_path)
    seed = np.zeros((40, 48), np.int64)
    seed[:, 18:] = 1  # overshoots the red region by 6 columns
    out = dense_crf_labels(img, seed, 2)
    assert out.dtype == np.int64 and out.shape == seed.shape
    # the overshoot goes back to background, the red region stays
    assert (out[:, :22] == 0).all() and (out[:, 26:] == 1).all()
    assert (seed[:, 18:24] == 1).all()
    with pytest.raises(ValueError, match='label map size'):
        dense_crf_labels(img[:10], seed, 2)


def test_cam_seeds_with_crf_keep_tagged_classes(tmp_path):
    img, path = _two_tone(tmp_path)
    model = _model(crf=dict(t=5)).eval()
    model.classifier.weight.data.abs_()
    samples = _samples([[3]], shape=(40, 48))
    samples[0].set_metainfo(dict(img_path=path))
    x = torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():
        plain = _model().eval()
        plain.load_state_dict(model.state_dict())
        ref = plain.predict(x, _samples([[3]], shape=(40, 48)))
        out = model.predict(x, samples)
    pred = out[0].pred_sem_seg.data
    assert pred.shape == (1, 40, 48)
    assert set(pred.unique().tolist()) <= {0, 3}
    # the CRF does change the thresholded CAM here
    assert not torch.equal(pred, ref[0].pred_sem_seg.data)


def test_crf_without_pydensecrf_is_a_clear_error(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_crf(name, *args, **kwargs):
        if name.startswith('pydensecrf'):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, '__import__', no_crf)
    with pytest.raises(ImportError, match='pip install pydensecrf2'):
        _model(crf=dict())
