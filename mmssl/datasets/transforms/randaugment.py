# Copyright (c) mmssl contributors. All rights reserved.
"""RandAugment + Cutout: the strong view of FixMatch / USB, in NumPy/OpenCV.

This is an independent implementation of the strong augmentation used by
USB (``semilearn/datasets/augmentation/randaugment.py``, itself derived from
FixMatch's RandAugment), written for speed on small images:

* point operations (AutoContrast, Brightness, Contrast, Equalize, Posterize,
  Solarize) build a 256-entry lookup table and apply it with ``cv2.LUT``;
* geometric operations (Rotate, ShearX/Y, TranslateX/Y) build the inverse
  affine matrix PIL would use and apply it with ``cv2.warpAffine``
  (nearest neighbour, black fill, like ``PIL.Image.transform`` /
  ``Image.rotate`` with their default arguments);
* Color and Sharpness blend with a degenerate image in ``float32`` with
  truncation, like ``PIL.Image.blend``.

Every op is a function ``op(img, v) -> img`` on a ``uint8`` HxWxC (C = 1 or
3) or HxW array that returns a new array of the same shape and never
modifies its input.

Randomness: all random draws (op choice, op value, cutout size and
position) use NumPy's global generator (``np.random``), like
:class:`~mmssl.datasets.transforms.RandomCropPad`, so
``mmengine.runner.set_random_seed`` / the dataloader's ``worker_init_fn``
make them reproducible. (USB draws the ops with Python's ``random`` and the
cutout position with ``np.random``; the distributions are the same.)
"""
import functools
import math
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmssl.registry import TRANSFORMS

__all__ = [
    'auto_contrast', 'brightness', 'color', 'contrast', 'equalize',
    'identity', 'posterize', 'rotate', 'sharpness', 'shear_x', 'shear_y',
    'solarize', 'translate_x', 'translate_y', 'cutout', 'USB_AUGMENT_LIST',
    'RandAugment', 'Cutout'
]

# PIL's RGB -> L conversion: L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16
_LUMA = np.array([19595, 38470, 7471], dtype=np.int32)
_ARANGE = np.arange(256, dtype=np.int64)
_ARANGE_F32 = np.arange(256, dtype=np.float32)
_ARANGE_F64 = np.arange(256, dtype=np.float64)
# Solarize: ``i if i < t else 255 - i``; for integer ``i`` and real ``t``,
# ``i < t`` <=> ``i < ceil(t)``, so 257 tables cover every threshold.
_SOLARIZE_LUTS = np.stack([
    np.where(_ARANGE < t, _ARANGE, 255 - _ARANGE).astype(np.uint8)
    for t in range(257)
])
# Posterize: keep the ``bits`` high bits.
_POSTERIZE_LUTS = np.stack([(_ARANGE & (~(2**(8 - b) - 1) & 0xFF)).astype(
    np.uint8) for b in range(9)])
# PIL's ImageFilter.SMOOTH kernel (scale 13).
_SMOOTH_KERNEL = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]],
                          dtype=np.float32) / 13.0


def _restore(out: np.ndarray, img: np.ndarray) -> np.ndarray:
    """OpenCV drops a trailing channel axis of 1; put it back."""
    if out.shape != img.shape:
        out = out.reshape(img.shape)
    return out


def _lut(img: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """Apply a uint8 lookup table of shape (256, ) or (256, C)."""
    if lut.ndim == 2:
        if lut.shape[1] == 1:
            lut = lut[:, 0]
        else:
            lut = lut.reshape(256, 1, lut.shape[1])
    return _restore(cv2.LUT(img, lut), img)


def _channels(img: np.ndarray) -> int:
    return 1 if img.ndim == 2 else img.shape[2]


def _gray(img: np.ndarray) -> np.ndarray:
    """PIL's ``convert('L')`` of an RGB image, as an int32 HxW array."""
    if _channels(img) == 1:
        return img.reshape(img.shape[:2]).astype(np.int32)
    x = img.astype(np.int32)
    return (x @ _LUMA + 0x8000) >> 16


def _blend(degenerate, img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.Image.blend(degenerate, img, v)`` for ``0 <= v <= 1``.

    PIL computes ``(uint8)(d + v * (x - d))`` in single precision, i.e. with
    truncation; this does the same.
    """
    d = np.asarray(degenerate, dtype=np.float32)
    out = img.astype(np.float32)
    out -= d
    out *= np.float32(v)
    out += d
    return out.astype(np.uint8)


def _blend_lut(d: float, v: float) -> np.ndarray:
    """Lookup table of :func:`_blend` against a constant image ``d``."""
    d = np.float32(d)
    out = _ARANGE_F32 - d
    out *= np.float32(v)
    out += d
    if not 0.0 <= v <= 1.0:  # PIL clips when extrapolating
        np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def _warp(img: np.ndarray, a, b, c, d, e, f) -> np.ndarray:
    """``PIL.Image.transform(size, AFFINE, (a, b, c, d, e, f))``.

    PIL maps output pixel ``(x, y)`` to the input pixel
    ``floor(a*(x+.5) + b*(y+.5) + c), floor(d*(x+.5) + e*(y+.5) + f)``
    (nearest neighbour, pixel edges at integers) and fills pixels mapped
    outside the image with 0. OpenCV's nearest neighbour rounds the mapped
    pixel-centre coordinate, so the translation is shifted by half a pixel
    to give the same sampling. OpenCV maps in 1/1024 pixel fixed point, so
    a pixel whose source lies within ~1e-3 of a pixel edge may differ.
    """
    h, w = img.shape[:2]
    m = np.array([[a, b, c + 0.5 * (a + b - 1.0)],
                  [d, e, f + 0.5 * (d + e - 1.0)]],
                 dtype=np.float64)
    out = cv2.warpAffine(
        img,
        m, (w, h),
        flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0)
    return _restore(out, img)


# ---------------------------------------------------------------------------
# The ops. ``v`` is the value drawn from the op's range.
# ---------------------------------------------------------------------------
def _keep(img: np.ndarray, v: float = 0) -> np.ndarray:
    return img


def identity(img: np.ndarray, v: float = 0) -> np.ndarray:
    """Return a copy of ``img`` (``v`` is ignored)."""
    return img.copy()


def _split(img: np.ndarray) -> list:
    """Contiguous single-channel planes of ``img``."""
    if _channels(img) == 1:
        return [img.reshape(img.shape[:2])]
    return cv2.split(img)


@functools.lru_cache(maxsize=4096)
def _auto_contrast_lut(lo: int, hi: int) -> np.ndarray:
    """PIL's autocontrast table for a channel spanning ``[lo, hi]``."""
    if hi <= lo:
        return _ARANGE.astype(np.uint8).reshape(256, 1)
    scale = 255.0 / (hi - lo)
    lut = _ARANGE_F64 * scale
    lut += -lo * scale
    np.clip(lut, 0, 255, out=lut)
    lut = lut.astype(np.uint8).reshape(256, 1)
    lut.flags.writeable = False
    return lut


def auto_contrast(img: np.ndarray, v: float = 0) -> np.ndarray:
    """``PIL.ImageOps.autocontrast(img)`` (cutoff 0): stretch each channel's
    ``[min, max]`` to ``[0, 255]``; ``v`` is ignored.

    Same table as PIL: ``int(i * 255 / (hi - lo) - lo * 255 / (hi - lo))``
    clipped to [0, 255]; constant channels are unchanged. Tables are cached
    per ``(lo, hi)`` (at most 4096 of 256 bytes).
    """
    luts = []
    for plane in _split(img):
        lo, hi = cv2.minMaxLoc(plane)[:2]
        luts.append(_auto_contrast_lut(int(lo), int(hi)))
    if len(luts) == 1:
        return _lut(img, luts[0][:, 0])
    return _restore(cv2.LUT(img, cv2.merge(luts)), img)


def equalize(img: np.ndarray, v: float = 0) -> np.ndarray:
    """``PIL.ImageOps.equalize(img)``: per-channel histogram equalisation;
    ``v`` is ignored.

    Same table as Pillow >= 10 (the installed reference): with
    ``step = (N - count of the last non-empty bin) // 255``,
    ``lut[i] = (step // 2 + #pixels below i) // step`` (clipped to 255);
    channels with one value or ``step == 0`` are unchanged. (Older Pillow,
    which USB was developed with, divided by 256 instead of 255, which
    maps the levels very slightly darker.)
    """
    planes = _split(img)
    total = img.shape[0] * img.shape[1]
    hist = np.empty((len(planes), 256), dtype=np.int64)
    steps, keep = [], []
    for k, plane in enumerate(planes):
        h = hist[k]
        h[:] = np.bincount(plane.reshape(-1), minlength=256)
        lo, hi = cv2.minMaxLoc(plane)[:2]
        step = (total - int(h[int(hi)])) // 255
        if hi > lo and step > 0:
            steps.append(step)
            keep.append(False)
        else:
            steps.append(1)
            keep.append(True)
    if all(keep):
        return img.copy()
    step = np.array(steps, dtype=np.int64)[:, None]
    lut = hist.cumsum(axis=1)
    lut -= hist
    lut += step // 2
    lut //= step
    if any(keep):
        lut[keep] = _ARANGE
    np.minimum(lut, 255, out=lut)
    return _lut(img, lut.T.astype(np.uint8))


def brightness(img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.ImageEnhance.Brightness(img).enhance(v)``: blend with black."""
    return _lut(img, _blend_lut(0.0, v))


def color(img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.ImageEnhance.Color(img).enhance(v)``: blend with the image's
    grey version (PIL's integer luma). Identity for 1-channel images."""
    if _channels(img) == 1:
        return img.copy()
    return _blend(_gray(img)[..., None], img, v)


def contrast(img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.ImageEnhance.Contrast(img).enhance(v)``: blend with a constant
    image of the rounded mean grey level."""
    mean = int(_gray(img).mean() + 0.5)
    return _lut(img, _blend_lut(mean, v))


def sharpness(img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.ImageEnhance.Sharpness(img).enhance(v)``: blend with the image
    filtered by PIL's ``SMOOTH`` kernel (rounded; the one-pixel border is
    left unfiltered, as PIL does)."""
    if min(img.shape[:2]) < 3:
        return img.copy()
    smooth = _restore(cv2.filter2D(img, -1, _SMOOTH_KERNEL), img)
    smooth[0] = img[0]
    smooth[-1] = img[-1]
    smooth[:, 0] = img[:, 0]
    smooth[:, -1] = img[:, -1]
    return _blend(smooth, img, v)


def posterize(img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.ImageOps.posterize(img, max(1, int(v)))``: keep the high
    ``int(v)`` bits."""
    bits = min(8, max(1, int(v)))
    return _lut(img, _POSTERIZE_LUTS[bits])


def solarize(img: np.ndarray, v: float) -> np.ndarray:
    """``PIL.ImageOps.solarize(img, v)``: invert pixels ``>= v``."""
    t = min(256, max(0, math.ceil(v)))
    return _lut(img, _SOLARIZE_LUTS[t])


def rotate(img: np.ndarray, v: float) -> np.ndarray:
    """``img.rotate(v)`` in PIL: ``v`` degrees counter-clockwise about the
    image centre ``(w / 2, h / 2)``, nearest neighbour, black fill."""
    if v % 360.0 == 0:
        return img.copy()
    h, w = img.shape[:2]
    rad = -math.radians(v % 360.0)
    a, b = round(math.cos(rad), 15), round(math.sin(rad), 15)
    d, e = -b, a
    cx, cy = w / 2.0, h / 2.0
    c = a * -cx + b * -cy + cx
    f = d * -cx + e * -cy + cy
    return _warp(img, a, b, c, d, e, f)


def shear_x(img: np.ndarray, v: float) -> np.ndarray:
    """PIL affine ``(1, v, 0, 0, 1, 0)``: ``out(x, y) = in(x + v*y, y)``."""
    return _warp(img, 1.0, v, 0.0, 0.0, 1.0, 0.0)


def shear_y(img: np.ndarray, v: float) -> np.ndarray:
    """PIL affine ``(1, 0, 0, v, 1, 0)``: ``out(x, y) = in(x, y + v*x)``."""
    return _warp(img, 1.0, 0.0, 0.0, v, 1.0, 0.0)


def translate_x(img: np.ndarray, v: float) -> np.ndarray:
    """PIL affine ``(1, 0, v*W, 0, 1, 0)``: ``out(x, y) = in(x + v*W, y)``
    (a positive ``v`` moves the content left)."""
    return _warp(img, 1.0, 0.0, v * img.shape[1], 0.0, 1.0, 0.0)


def translate_y(img: np.ndarray, v: float) -> np.ndarray:
    """PIL affine ``(1, 0, 0, 0, 1, v*H)``: ``out(x, y) = in(x, y + v*H)``
    (a positive ``v`` moves the content up)."""
    return _warp(img, 1.0, 0.0, 0.0, 0.0, 1.0, v * img.shape[0])


def _fill_value(img: np.ndarray, fill: Sequence[int]):
    if _channels(img) == 1:
        if len(fill) == 1:
            return int(fill[0])
        # PIL's RGB -> L conversion of the colour.
        return int((np.asarray(fill[:3], np.int64) @ _LUMA + 0x8000) >> 16)
    return np.asarray(fill, dtype=np.uint8)


def _cutout_at(out: np.ndarray, v: float, ux: float, uy: float,
               fill) -> np.ndarray:
    """Paint USB's cutout square in place; ``ux, uy`` uniform in [0, 1)."""
    h, w = out.shape[:2]
    s = v * w
    x0 = int(max(0.0, 1.0 + (w - 1.0) * ux - s / 2.0))
    y0 = int(max(0.0, 1.0 + (h - 1.0) * uy - s / 2.0))
    x1 = int(min(w, x0 + s))
    y1 = int(min(h, y0 + s))
    out[y0:y1 + 1, x0:x1 + 1] = fill
    return out


def cutout(img: np.ndarray,
           v: float,
           fill: Sequence[int] = (125, 123, 114)) -> np.ndarray:
    """USB's ``Cutout``: paint a square of side ``v * W`` with ``fill``.

    As USB (PIL ``ImageDraw.rectangle`` with inclusive, truncated corners):
    the centre ``(cx, cy)`` is uniform in ``[1, W] x [1, H]`` (what USB's
    ``np.random.uniform(w)`` draws, i.e. ``uniform(low=w, high=1)``),
    ``x0 = int(max(0, cx - s/2))`` and the filled columns are
    ``x0 .. int(min(W, x0 + s))`` inclusive (clipped to the image),
    likewise for rows, with ``s = v * W`` (the width, for both sides). So a
    square is at least one pixel for any ``v > 0``; ``v <= 0`` does nothing.
    A 1-channel image is filled with the colour's PIL luma (123 for USB's
    colour) unless ``fill`` has one value. The position is drawn from
    ``np.random``.
    """
    out = img.copy()
    if v <= 0:
        return out
    ux, uy = np.random.random(2).tolist()
    return _cutout_at(out, v, ux, uy, _fill_value(img, fill))


#: USB's ``augment_list()``: (name, op, min value, max value).
USB_AUGMENT_LIST: Tuple[tuple, ...] = (
    ('AutoContrast', auto_contrast, 0, 1),
    ('Brightness', brightness, 0.05, 0.95),
    ('Color', color, 0.05, 0.95),
    ('Contrast', contrast, 0.05, 0.95),
    ('Equalize', equalize, 0, 1),
    ('Identity', identity, 0, 1),
    ('Posterize', posterize, 4, 8),
    ('Rotate', rotate, -30, 30),
    ('Sharpness', sharpness, 0.05, 0.95),
    ('ShearX', shear_x, -0.3, 0.3),
    ('ShearY', shear_y, -0.3, 0.3),
    ('Solarize', solarize, 0, 256),
    ('TranslateX', translate_x, -0.3, 0.3),
    ('TranslateY', translate_y, -0.3, 0.3),
)


@TRANSFORMS.register_module()
class RandAugment(BaseTransform):
    """USB / FixMatch RandAugment with Cutout, on ``results['img']``.

    Faithful to USB's ``RandAugment(n, m)``:

    * ``num_ops`` ops are drawn uniformly **with replacement** from the 14
      ops of :data:`USB_AUGMENT_LIST` (``random.choices(..., k=n)``);
    * each op's value is uniform in its ``[min, max]`` range, drawn
      independently per op; the ranges are symmetric where the sign
      matters (Rotate [-30, 30] degrees, Shear [-0.3, 0.3], Translate
      [-0.3, 0.3] of the side), so there is no extra random sign flip;
      ``magnitude`` is **not used**, as in USB ("deprecated");
    * then Cutout with ``v`` uniform in ``[0, cutout_max]`` (0.5), i.e. a
      square of side up to half the image width, filled with
      ``(125, 123, 114)``. See :func:`cutout`.

    Posterize draws ``int(v)`` bits with ``v`` in [4, 8), i.e. 4 to 7 bits.
    Draws use NumPy's global generator (``np.random``).

    Args:
        num_ops (int): Ops applied per image (USB's ``n``). Defaults to 3.
        magnitude (int): USB's ``m``; kept for config parity, unused.
            Defaults to 5.
        cutout (bool): Apply Cutout after the ops. Defaults to True.
        cutout_max (float): Upper bound of Cutout's ``v`` (side fraction).
            Defaults to 0.5.
        fill (Sequence[int]): Cutout colour. Defaults to USB's
            ``(125, 123, 114)``.
        ops (Sequence[str], optional): Names of the ops to draw from, a
            subset of :data:`USB_AUGMENT_LIST` (e.g. USB's
            ``augment_list_no_color``). Defaults to all 14.
    """

    def __init__(self,
                 num_ops: int = 3,
                 magnitude: int = 5,
                 cutout: bool = True,
                 cutout_max: float = 0.5,
                 fill: Sequence[int] = (125, 123, 114),
                 ops: Optional[Sequence[str]] = None):
        self.num_ops = int(num_ops)
        self.magnitude = magnitude
        self.cutout = bool(cutout)
        self.cutout_max = float(cutout_max)
        self.fill = tuple(int(x) for x in fill)
        table = {name: (fn, lo, hi) for name, fn, lo, hi in USB_AUGMENT_LIST}
        if ops is None:
            ops = [name for name, *_ in USB_AUGMENT_LIST]
        unknown = [name for name in ops if name not in table]
        if unknown or not ops:
            raise ValueError(f'unknown or empty ops {unknown or ops!r}; '
                             f'choose from {sorted(table)}')
        self.ops = tuple(ops)
        # Identity needs no copy inside the pipeline.
        self._fns = [
            _keep if name == 'Identity' else table[name][0]
            for name in self.ops
        ]
        self._lo = [float(table[name][1]) for name in self.ops]
        self._span = [
            float(table[name][2]) - float(table[name][1])
            for name in self.ops
        ]
        self._fill_rgb = np.asarray(self.fill, dtype=np.uint8)

    def transform(self, results: dict) -> dict:
        img = results['img']
        src = img
        n = self.num_ops
        # One draw for everything: n op indices, n values, cutout (v, x, y).
        u = np.random.random(2 * n + 3).tolist()
        k = len(self._fns)
        for j in range(n):
            i = min(int(u[j] * k), k - 1)
            img = self._fns[i](img, self._lo[i] + self._span[i] * u[n + j])
        if self.cutout:
            v = u[2 * n] * self.cutout_max
            if v > 0:
                if img is src:
                    img = img.copy()
                if _channels(img) == 3 and len(self.fill) == 3:
                    fill = self._fill_rgb
                else:
                    fill = _fill_value(img, self.fill)
                img = _cutout_at(img, v, u[2 * n + 1], u[2 * n + 2], fill)
        results['img'] = img
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_ops={self.num_ops}, '
                f'magnitude={self.magnitude}, cutout={self.cutout}, '
                f'cutout_max={self.cutout_max}, fill={self.fill}, '
                f'ops={self.ops})')


@TRANSFORMS.register_module()
class Cutout(BaseTransform):
    """USB's Cutout on ``results['img']``: a square of side ``v * W``, with
    ``v`` uniform in ``[min_ratio, max_ratio]``, filled with ``fill``.

    See :func:`cutout` for the exact geometry. Draws use ``np.random``.

    Args:
        max_ratio (float): Upper bound of ``v``. Defaults to 0.5.
        min_ratio (float): Lower bound of ``v``. Defaults to 0.
        fill (Sequence[int]): Fill colour. Defaults to (125, 123, 114).
    """

    def __init__(self,
                 max_ratio: float = 0.5,
                 min_ratio: float = 0.0,
                 fill: Sequence[int] = (125, 123, 114)):
        if not 0 <= min_ratio <= max_ratio:
            raise ValueError('need 0 <= min_ratio <= max_ratio')
        self.max_ratio = float(max_ratio)
        self.min_ratio = float(min_ratio)
        self.fill = tuple(int(x) for x in fill)

    def transform(self, results: dict) -> dict:
        v = self.min_ratio + np.random.random() * (
            self.max_ratio - self.min_ratio)
        results['img'] = cutout(results['img'], v, self.fill)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_ratio={self.max_ratio}, '
                f'min_ratio={self.min_ratio}, fill={self.fill})')
