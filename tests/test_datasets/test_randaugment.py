# Copyright (c) mmssl contributors. All rights reserved.
import numpy as np
import pytest
from mmcv.transforms import Compose
from PIL import Image, ImageEnhance, ImageOps

from mmssl.datasets.transforms import Cutout, RandAugment
from mmssl.datasets.transforms import randaugment as ra
from mmssl.registry import TRANSFORMS


def _images():
    rng = np.random.RandomState(0)
    noise = rng.randint(0, 256, (16, 20, 3), np.uint8)
    narrow = (rng.rand(16, 20, 3) * 90 + 70).astype(np.uint8)
    narrow[..., 1] = 7  # a constant channel
    gray = rng.randint(30, 200, (16, 20, 1), np.uint8)
    return [noise, narrow, gray]


def _pil(img):
    return Image.fromarray(img[..., 0] if img.shape[2] == 1 else img)


def _back(pil_img, like):
    return np.asarray(pil_img).reshape(like.shape)


def _check(out, img):
    assert out.dtype == np.uint8
    assert out.shape == img.shape
    assert out is not img


@pytest.mark.parametrize('name,ref', [
    ('auto_contrast', lambda p, v: ImageOps.autocontrast(p)),
    ('equalize', lambda p, v: ImageOps.equalize(p)),
    ('brightness', lambda p, v: ImageEnhance.Brightness(p).enhance(v)),
    ('color', lambda p, v: ImageEnhance.Color(p).enhance(v)),
    ('contrast', lambda p, v: ImageEnhance.Contrast(p).enhance(v)),
    ('sharpness', lambda p, v: ImageEnhance.Sharpness(p).enhance(v)),
    ('posterize', lambda p, v: ImageOps.posterize(p, int(v))),
    ('solarize', lambda p, v: ImageOps.solarize(p, v)),
])
def test_point_ops_match_pil(name, ref):
    lo, hi = {n: (a, b) for n, f, a, b in ra.USB_AUGMENT_LIST
              if f.__name__ == name}.popitem()[1]
    for img in _images():
        for v in np.linspace(lo, hi, 5)[:4] + 0.01:
            out = getattr(ra, name)(img, float(v))
            _check(out, img)
            expected = _back(ref(_pil(img), float(v)), img)
            diff = np.abs(out.astype(int) - expected)
            # Exact for all but float32 rounding noise in the blends.
            assert diff.max() <= 1, (name, v)
            assert (diff > 0).mean() < 0.01, (name, v)


def test_point_op_values():
    img = np.array([[[0, 100, 200], [127, 128, 255]]], np.uint8)
    np.testing.assert_array_equal(
        ra.solarize(img, 128), [[[0, 100, 55], [127, 127, 0]]])
    np.testing.assert_array_equal(ra.solarize(img, 256), img)
    np.testing.assert_array_equal(ra.solarize(img, 0), 255 - img)
    np.testing.assert_array_equal(
        ra.posterize(img, 4), [[[0, 96, 192], [112, 128, 240]]])
    np.testing.assert_array_equal(ra.posterize(img, 8), img)
    np.testing.assert_array_equal(ra.identity(img, 0.3), img)
    np.testing.assert_array_equal(
        ra.brightness(img, 0.5), [[[0, 50, 100], [63, 64, 127]]])
    # autocontrast stretches each channel to [0, 255]
    narrow = np.array([[50, 60], [70, 150]], np.uint8)[..., None]
    out = ra.auto_contrast(narrow)
    assert out.min() == 0 and out.max() == 255
    np.testing.assert_array_equal(out[..., 0], [[0, 25], [51, 255]])
    # a constant image is left alone
    flat = np.full((4, 4, 3), 9, np.uint8)
    np.testing.assert_array_equal(ra.auto_contrast(flat), flat)
    np.testing.assert_array_equal(ra.equalize(flat), flat)


@pytest.mark.parametrize('name', ['rotate', 'shear_x', 'shear_y',
                                  'translate_x', 'translate_y'])
def test_geometric_zero_is_identity(name):
    for img in _images():
        out = getattr(ra, name)(img, 0.0)
        _check(out, img)
        np.testing.assert_array_equal(out, img)


def _marked(h=16, w=16, c=3):
    img = np.zeros((h, w, c), np.uint8)
    img[4, 6] = 255  # row 4, column 6
    return img


def _where(img):
    return tuple(np.argwhere(img[..., 0] == 255).tolist())


def test_geometric_moves_marked_pixel():
    img = _marked()
    # translate: out(x, y) = in(x + v*W, y) -> content moves left / up
    assert _where(ra.translate_x(img, 0.25)) == ([4, 2], )
    assert _where(ra.translate_x(img, -0.25)) == ([4, 10], )
    assert _where(ra.translate_y(img, 0.25)) == ([0, 6], )
    assert _where(ra.translate_y(img, -0.25)) == ([8, 6], )
    # shear x: PIL samples column floor(x + .5 + v * (y + .5)); with
    # v = .5, y = 4 that is 6 for x + 2.75 in [6, 7), i.e. x = 4
    assert _where(ra.shear_x(img, 0.5)) == ([4, 4], )
    # shear y: row floor(y + .5 + .5 * 6.5) == 4 -> y = 1
    assert _where(ra.shear_y(img, 0.5)) == ([1, 6], )
    # rotate 90 degrees counter-clockwise about the centre (8, 8):
    # (row 4, col 6) -> (row 16 - 6 - 1, col 4)
    assert _where(ra.rotate(img, 90)) == ([9, 4], )
    assert _where(ra.rotate(img, 90)) == _where(
        _back(_pil(img).rotate(90), img))
    # the pixels shifted out of the image are filled with black
    assert ra.translate_x(np.full((8, 8, 3), 200, np.uint8),
                          0.5)[:, 4:].max() == 0


@pytest.mark.parametrize('name,pil_data', [
    ('shear_x', lambda v, w, h: (1, v, 0, 0, 1, 0)),
    ('shear_y', lambda v, w, h: (1, 0, 0, v, 1, 0)),
    ('translate_x', lambda v, w, h: (1, 0, v * w, 0, 1, 0)),
    ('translate_y', lambda v, w, h: (1, 0, 0, 0, 1, v * h)),
    ('rotate', None),
])
def test_geometric_ops_match_pil(name, pil_data):
    rng = np.random.RandomState(1)
    lim = 30 if name == 'rotate' else 0.3
    for img in _images():
        for v in rng.uniform(-lim, lim, 4):
            out = getattr(ra, name)(img, float(v))
            _check(out, img)
            p = _pil(img)
            if pil_data is None:
                ref = p.rotate(float(v))
            else:
                ref = p.transform(p.size, Image.AFFINE,
                                  pil_data(float(v), *p.size))
            mismatch = (out != _back(ref, img)).any(-1).mean()
            # only pixels whose source is on a pixel edge may differ
            assert mismatch < 0.02, (name, v, mismatch)


def test_gray_and_rgb_shapes():
    rng = np.random.RandomState(2)
    for shape in [(12, 10, 3), (12, 10, 1), (12, 10)]:
        img = rng.randint(0, 256, shape, np.uint8)
        before = img.copy()
        for _, fn, lo, hi in ra.USB_AUGMENT_LIST:
            out = fn(img, (lo + hi) / 2 + 0.01)
            _check(out, img)
        out = ra.cutout(img, 0.3)
        _check(out, img)
        np.testing.assert_array_equal(img, before)  # inputs not modified


def test_cutout_square():
    img = np.zeros((20, 20, 3), np.uint8)
    np.random.seed(3)
    out = ra.cutout(img, 0.25)  # side 0.25 * 20 = 5 px
    mask = (out == (125, 123, 114)).all(-1)
    assert mask.sum() == out.any(-1).sum()  # only the fill colour painted
    rows, cols = np.nonzero(mask)
    # inclusive corners as PIL's rectangle: 6 px unless clipped at an edge
    assert rows.max() - rows.min() + 1 in (6, 5, 4, 3)
    assert cols.max() - cols.min() + 1 in (6, 5, 4, 3)
    assert mask.sum() == (rows.max() - rows.min() + 1) * (
        cols.max() - cols.min() + 1)
    # centred away from the edges: full 6x6 square
    out = ra._cutout_at(img.copy(), 0.25, 0.5, 0.5, np.array([1, 2, 3]))
    mask = (out == (1, 2, 3)).all(-1)
    assert mask.sum() == 36
    # gray image: PIL luma of the colour
    gray = ra.cutout(np.zeros((20, 20, 1), np.uint8), 0.3)
    assert set(np.unique(gray)) == {0, 123}
    assert (ra.cutout(img, 0.0) == 0).all()


def test_cutout_transform():
    t = TRANSFORMS.build(
        dict(type='Cutout', min_ratio=0.5, max_ratio=0.5, fill=(9, 9, 9)))
    assert isinstance(t, Cutout)
    np.random.seed(0)
    out = t(dict(img=np.zeros((16, 16, 3), np.uint8)))['img']
    assert (out == 9).all(-1).sum() >= 25  # >= 8 px sides minus clipping
    assert 'Cutout' in repr(t)


def test_randaugment_seed_and_shapes():
    t = TRANSFORMS.build(dict(type='RandAugment', num_ops=3, magnitude=5))
    assert isinstance(t, RandAugment)
    assert 'num_ops=3' in repr(t)
    rng = np.random.RandomState(4)
    imgs = rng.randint(0, 256, (20, 32, 32, 3), np.uint8)

    def run(seed):
        np.random.seed(seed)
        return [t(dict(img=im))['img'] for im in imgs]

    a, b, c = run(7), run(7), run(8)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
        assert x.shape == (32, 32, 3) and x.dtype == np.uint8
    assert any((x != y).any() for x, y in zip(a, c))
    gray = t(dict(img=imgs[0, ..., :1].copy()))['img']
    assert gray.shape == (32, 32, 1) and gray.dtype == np.uint8
    with pytest.raises(ValueError):
        RandAugment(ops=['Nope'])


def test_randaugment_uses_every_op():
    t = RandAugment(num_ops=1, cutout=False, ops=['Solarize'])
    np.random.seed(0)
    img = np.full((4, 4, 3), 200, np.uint8)
    outs = {int(t(dict(img=img))['img'][0, 0, 0]) for _ in range(50)}
    assert outs == {55, 200}  # threshold uniform in [0, 256]


def test_strong_pipeline_runs():
    pipeline = Compose([
        TRANSFORMS.build(cfg) for cfg in [
            dict(type='RandomCropPad', padding=4, padding_mode='reflect'),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='RandAugment', num_ops=3, magnitude=5),
            dict(type='PackClsInputs'),
        ]
    ])
    rng = np.random.RandomState(5)
    np.random.seed(5)
    for c in (3, 1):
        for _ in range(20):
            img = rng.randint(0, 256, (32, 32, c), np.uint8)
            out = pipeline(dict(img=img, gt_label=1))
            assert tuple(out['inputs'].shape) == (c, 32, 32)
            assert str(out['inputs'].dtype) == 'torch.uint8'
