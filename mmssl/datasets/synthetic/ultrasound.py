# Copyright (c) mmssl contributors. All rights reserved.
"""Synthetic breast-ultrasound-like images for TSDDNet's CPU benchmark
(our design, configs/tsddnet/README.md explains).

Each image is a B-mode-like frame: horizontal tissue layers of different
echogenicity, Rayleigh speckle, log compression and a depth-gain falloff,
with one hypoechoic lesion. Benign lesions are mostly smooth,
wider-than-tall ovals with posterior acoustic *enhancement*; malignant
ones mostly spiculated and taller-than-wide with posterior *shadowing*
and a slightly more heterogeneous interior. Every cue is drawn with a
class-dependent probability (``P_SPICULES``, ``P_POSTERIOR``), so none
decides alone. Most of the class signal is in the margin
(spicules) and the posterior band, outside the lesion's box, and only a
weak part in the lesion's shape and interior, so that a tight box loses
it: which region of interest is cropped matters
for the diagnosis. Synthetic, not ultrasound scans.

Per image the generator keeps the exact lesion box (detection ground
truth), the *diagnostic ROI* (the lesion box grown by its spicule margin
and extended over the posterior band) and, for training images, a coarse
"manual" box drawn by one of two simulated annotators: a noisy one
(per-side scale U(0.6, 1.5) of the half-size, centre shift up to 0.2 of
the size) and a systematically tight one (U(0.6, 0.85), which cuts the
spicules and the posterior band).

Layout written (COCO json, one ``lesion`` category, the diagnosis in each
image entry's ``diagnosis`` field)::

    images/{train,val,test}/<name>.png     grayscale PNG
    annotations/train.json                 coarse manual boxes
    annotations/train_exact.json           exact boxes (for analysis)
    annotations/{val,test}.json            exact boxes
    annotations/{train,val,test}_roi.json  diagnostic ROIs (for analysis)
    meta.json                              the generator's arguments
"""
import json
import os
import os.path as osp
from typing import Dict, List, Tuple

import numpy as np
from PIL import Image

from mmssl.utils.progress import track

from ..bus import lesion_coco

DIAGNOSES = ('benign', 'malignant')
#: P(spiculated margin | benign, malignant): no cue decides alone.
P_SPICULES = (0.05, 0.7)
#: P(posterior shadowing, no change, enhancement | benign, malignant).
P_POSTERIOR = ((0.1, 0.3, 0.6), (0.6, 0.3, 0.1))


def _smooth(a: np.ndarray, passes: int = 1) -> np.ndarray:
    """A 3x3 box blur ``passes`` times (speckle correlation)."""
    for _ in range(passes):
        p = np.pad(a, 1, mode='edge')
        a = sum(p[i:i + a.shape[0], j:j + a.shape[1]]
                for i in range(3) for j in range(3)) / 9.0
    return a


def _lesion_mask(rng, size, cx, cy, rx, ry, malignant, spiculated):
    """The lesion's binary mask and its spicule mask (empty unless
    ``spiculated``)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    dx, dy = (xx - cx) / rx, (yy - cy) / ry
    r = np.hypot(dx, dy)
    theta = np.arctan2(dy, dx)
    spicules = np.zeros((size, size), bool)
    # Both classes are slightly lobulated (a weak cue: malignant a bit
    # more); the strong margin cue is spiculation, mostly malignant, whose
    # spicules start beyond a thin halo, outside the lesion's box.
    k = rng.integers(4, 8)
    phase = rng.uniform(0, 2 * np.pi, 2)
    amp = rng.uniform(0.03, 0.12) if malignant else rng.uniform(0.0, 0.09)
    bound = 1 + amp * np.sin(k * theta + phase[0]) \
        + amp / 2 * np.sin((k + 3) * theta + phase[1])
    body = r <= bound
    if spiculated:
        n = rng.integers(7, 12)
        angles = rng.uniform(0, 2 * np.pi, n)
        lengths = rng.uniform(0.35, 0.7, n)
        for a, length in zip(angles, lengths):
            d = np.abs(np.angle(np.exp(1j * (theta - a))))
            spicules |= (d < 0.09) & (r > 1.15) & (r < 1.15 + length)
    return body, spicules & ~body


def render_lesion_image(rng: np.random.Generator,
                        size: int = 128,
                        malignant: bool = False) -> Tuple[np.ndarray, Dict]:
    """One frame and its geometry.

    Returns:
        tuple: ``(img, info)``: a ``(size, size)`` uint8 image and a dict
        with ``box`` (exact lesion box, ``x0, y0, x1, y1``), ``roi``
        (diagnostic ROI) and ``malignant``.
    """
    # Tissue layers: fat (dark), glandular (bright), muscle (medium).
    rows = np.arange(size, dtype=np.float64)
    b1 = rng.uniform(0.12, 0.25) * size
    b2 = rng.uniform(0.7, 0.85) * size
    cols = np.arange(size, dtype=np.float64)
    wave = 0.04 * size * np.sin(cols / size * 2 * np.pi *
                                rng.uniform(0.5, 1.5) + rng.uniform(0, 6))
    y = rows[:, None] - wave[None, :]
    tissue = np.where(y < b1, 0.45, np.where(y < b2, 0.8, 0.6))
    tissue = tissue * rng.uniform(0.85, 1.15)
    # Lesion geometry: size 15-40 % of the width; benign rather wider than
    # tall, malignant rather taller (widely overlapping ranges: weak cue).
    width = rng.uniform(0.15, 0.4) * size
    aspect = rng.uniform(0.85, 1.6) if not malignant \
        else rng.uniform(0.7, 1.35)
    rx, ry = width / 2, width / 2 / aspect
    ry = min(ry, 0.22 * size)
    cx = rng.uniform(rx + 0.12 * size, size - rx - 0.12 * size)
    cy = rng.uniform(max(ry + 0.2 * size, b1 + ry),
                     size - ry - 0.3 * size)
    spiculated = bool(rng.random() < P_SPICULES[int(malignant)])
    body, spicules = _lesion_mask(rng, size, cx, cy, rx, ry, malignant,
                                  spiculated)
    # Posterior band: below the lesion, as wide as the lesion.
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    lesion_cols = body.any(0)
    bottom = np.where(body.any(1))[0].max()
    post_len = 1.2 * 2 * ry
    posterior = lesion_cols[None, :] & (yy > cy) & ~body \
        & (yy <= bottom + post_len)
    fall = np.clip(1 - (yy - bottom) / post_len, 0, 1)
    gain = np.ones((size, size))
    acoustic = int(rng.choice(3, p=P_POSTERIOR[int(malignant)]))
    if acoustic == 0:  # shadowing
        gain[posterior] = 1 - 0.65 * fall[posterior]
    elif acoustic == 2:  # enhancement
        gain[posterior] = 1 + 0.6 * fall[posterior]
    gain = _smooth(gain, 2)
    tissue = tissue * gain
    # Interior: hypoechoic, heterogeneous in both (a weak cue: malignant a
    # bit more).
    interior = 0.22 + (0.05 if malignant else 0.035) * _smooth(
        rng.standard_normal((size, size)), 2)
    tissue = np.where(body, interior, tissue)
    tissue = np.where(spicules, 0.35, tissue)
    # Speckle (Rayleigh, slightly correlated), log compression, depth gain.
    speckle = _smooth(rng.rayleigh(1.0, (size, size)), 1) / 1.25
    intensity = tissue * speckle
    img = np.log1p(8 * intensity) / np.log1p(8 * 1.6)
    img *= np.exp(-rng.uniform(0.2, 0.6) * rows / size)[:, None]
    img = np.clip(img * 255, 0, 255).astype(np.uint8)

    ys, xs = np.nonzero(body)
    box = [float(xs.min()), float(ys.min()), float(xs.max() + 1),
           float(ys.max() + 1)]
    grown = body | spicules
    ys, xs = np.nonzero(grown)
    roi = [float(xs.min()), float(ys.min()), float(xs.max() + 1),
           min(float(size), float(bottom + 1 + 0.6 * post_len))]
    return img, dict(box=box, roi=roi, malignant=bool(malignant),
                     spiculated=spiculated,
                     posterior=('shadow', 'none', 'enhancement')[acoustic])


def coarse_box(rng: np.random.Generator, box, size: int,
               tight: bool) -> List[float]:
    """A manual box: each side's distance from the centre scaled (U(0.6,
    1.5), or U(0.6, 0.85) for the tight annotator) and the centre shifted
    by up to 0.2 of the box size, clipped to the image."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
    lo, hi = (0.6, 0.85) if tight else (0.6, 1.5)
    s = rng.uniform(lo, hi, 4)
    shift = rng.uniform(-0.2, 0.2, 2) * [2 * hw, 2 * hh]
    if tight:
        shift *= 0.25
    cx, cy = cx + shift[0], cy + shift[1]
    out = [cx - s[0] * hw, cy - s[1] * hh, cx + s[2] * hw, cy + s[3] * hh]
    out = [float(np.clip(v, 0, size)) for v in out]
    if out[2] - out[0] < 2 or out[3] - out[1] < 2:
        return [float(v) for v in box]
    return out


def make_ultrasound_dataset(out_dir: str,
                            num_train: int = 600,
                            num_val: int = 150,
                            num_test: int = 300,
                            size: int = 128,
                            p_malignant: float = 0.4,
                            p_tight: float = 0.5,
                            seed: int = 0) -> Dict[str, int]:
    """Write the synthetic benchmark (see the module docstring).

    Args:
        out_dir (str): Dataset root.
        num_train, num_val, num_test (int): Images per split.
        size (int): Image side in pixels.
        p_malignant (float): Share of malignant lesions.
        p_tight (float): Share of training images whose manual box is
            drawn by the systematically tight annotator.
        seed (int): Seed; each split draws from its own stream, so the
            test images do not depend on ``num_train``.

    Returns:
        dict: Images written per split.
    """
    os.makedirs(osp.join(out_dir, 'annotations'), exist_ok=True)
    counts = {}
    for split_idx, (split, num) in enumerate(
            (('train', num_train), ('val', num_val), ('test', num_test))):
        rng = np.random.default_rng([seed, split_idx])
        img_dir = osp.join(out_dir, 'images', split)
        os.makedirs(img_dir, exist_ok=True)
        images, exact, rois, coarse = [], [], [], []
        for i in track(range(num), desc=f'synthetic ultrasound: {num} '
                       f'{split} images to {out_dir}'):
            malignant = rng.random() < p_malignant
            img, info = render_lesion_image(rng, size, malignant)
            name = f'{split}_{i:05d}.png'
            Image.fromarray(img, mode='L').save(osp.join(img_dir, name))
            entry = dict(id=i + 1, file_name=name, height=size, width=size,
                         diagnosis=DIAGNOSES[int(malignant)],
                         spiculated=info['spiculated'],
                         posterior=info['posterior'])
            if split == 'train':
                tight = bool(rng.random() < p_tight)
                entry['annotator'] = 'tight' if tight else 'noisy'
                coarse.append(coarse_box(rng, info['box'], size, tight))
            images.append(entry)
            exact.append(info['box'])
            rois.append(info['roi'])
        ann_dir = osp.join(out_dir, 'annotations')
        files = {f'{split}.json': coarse if split == 'train' else exact,
                 f'{split}_roi.json': rois}
        if split == 'train':
            files['train_exact.json'] = exact
        for fname, boxes in files.items():
            with open(osp.join(ann_dir, fname), 'w') as f:
                json.dump(lesion_coco(images, [[b] for b in boxes]), f)
        counts[split] = num
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(dict(generator='mmssl.datasets.synthetic.ultrasound',
                       num_train=num_train, num_val=num_val,
                       num_test=num_test, size=size,
                       p_malignant=p_malignant, p_tight=p_tight, seed=seed,
                       synthetic=True), f, indent=2)
    return counts
