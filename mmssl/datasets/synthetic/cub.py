# Copyright (c) mmssl contributors. All rights reserved.
"""A small synthetic dataset written in the exact CUB-200-2011 layout.

Each image is one object of a class (a shape with its own colour and
texture, rotated, scaled and stretched at random) pasted on a textured
background (colour gratings, smooth noise and clutter blobs), with its
tight box. It is for tests and the CPU benchmark of the WSOL methods; it
is synthetic, not bird photographs, and its numbers say nothing about CUB.
"""
import os
import os.path as osp
from typing import Sequence, Tuple

import cv2
import numpy as np

from mmssl.utils.progress import track

# (name, polygon or primitive, RGB colour). Shapes are drawn in [-1, 1]^2.
SYNTHETIC_CUB_CLASSES: Tuple[Tuple[str, str, Tuple[int, int, int]], ...] = (
    ('Red_disc', 'disc', (220, 40, 40)),
    ('Green_square', 'square', (40, 190, 60)),
    ('Blue_triangle', 'triangle', (40, 80, 220)),
    ('Yellow_star', 'star', (235, 210, 40)),
    ('Purple_cross', 'cross', (150, 50, 200)),
    ('Orange_ring', 'ring', (245, 140, 30)),
    ('Cyan_diamond', 'diamond', (40, 210, 210)),
    ('Pink_hexagon', 'hexagon', (240, 110, 180)),
    ('White_crescent', 'crescent', (235, 235, 235)),
    ('Brown_arrow', 'arrow', (140, 90, 40)),
)


def _polygon(shape: str) -> np.ndarray:
    if shape == 'square':
        return np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64)
    if shape == 'triangle':
        return np.array([[0, -1], [1, 0.9], [-1, 0.9]], np.float64)
    if shape == 'diamond':
        return np.array([[0, -1], [0.7, 0], [0, 1], [-0.7, 0]], np.float64)
    if shape == 'hexagon':
        a = np.arange(6) * np.pi / 3
        return np.stack([np.cos(a), np.sin(a)], 1)
    if shape == 'star':
        a = np.arange(10) * np.pi / 5 - np.pi / 2
        r = np.where(np.arange(10) % 2 == 0, 1.0, 0.45)
        return np.stack([r * np.cos(a), r * np.sin(a)], 1)
    if shape == 'cross':
        t = 0.35
        return np.array([[-t, -1], [t, -1], [t, -t], [1, -t], [1, t], [t, t],
                         [t, 1], [-t, 1], [-t, t], [-1, t], [-1, -t],
                         [-t, -t]], np.float64)
    if shape == 'arrow':
        return np.array([[-1, -0.3], [0.2, -0.3], [0.2, -0.8], [1, 0],
                         [0.2, 0.8], [0.2, 0.3], [-1, 0.3]], np.float64)
    raise ValueError(shape)


def _object_mask(shape: str, size: Tuple[int, int], center, scale,
                 angle: float) -> np.ndarray:
    """uint8 mask (H, W) of one object."""
    h, w = size
    mask = np.zeros((h, w), np.uint8)
    sx, sy = scale
    if shape in ('disc', 'ring', 'crescent'):
        c = (int(round(center[0])), int(round(center[1])))
        axes = (max(int(sx), 2), max(int(sy), 2))
        cv2.ellipse(mask, c, axes, np.degrees(angle), 0, 360, 255, -1)
        if shape == 'ring':
            inner = (max(int(sx * 0.5), 1), max(int(sy * 0.5), 1))
            cv2.ellipse(mask, c, inner, np.degrees(angle), 0, 360, 0, -1)
        elif shape == 'crescent':
            off = (int(round(c[0] + 0.5 * sx * np.cos(angle))),
                   int(round(c[1] + 0.5 * sx * np.sin(angle))))
            cv2.ellipse(mask, off, axes, np.degrees(angle), 0, 360, 0, -1)
        return mask
    pts = _polygon(shape) * np.array([sx, sy])
    rot = np.array([[np.cos(angle), -np.sin(angle)],
                    [np.sin(angle), np.cos(angle)]])
    pts = pts @ rot.T + np.asarray(center)
    cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 255)
    return mask


def _smooth_noise(rng, h: int, w: int, cells: int) -> np.ndarray:
    grid = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)


def _background(rng, h: int, w: int) -> np.ndarray:
    """Float RGB background in [0, 255]: gratings, noise, clutter."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for _ in range(2):
        freq = rng.uniform(0.05, 0.3)
        theta = rng.uniform(0, np.pi)
        phase = rng.uniform(0, 2 * np.pi)
        wave = 0.5 + 0.5 * np.sin(
            freq * (xx * np.cos(theta) + yy * np.sin(theta)) + phase)
        img += wave[..., None] * rng.uniform(20, 90, size=3)
    img += _smooth_noise(rng, h, w, rng.integers(3, 8))[..., None] * \
        rng.uniform(30, 110, size=3)
    for _ in range(rng.integers(3, 8)):  # clutter: soft random blobs
        c = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(2, max(3, w // 10))),
                int(rng.integers(2, max(3, h // 10))))
        blob = np.zeros((h, w), np.uint8)
        cv2.ellipse(blob, c, axes, float(rng.uniform(0, 180)), 0, 360, 255,
                    -1)
        alpha = cv2.GaussianBlur(blob, (0, 0), 2).astype(np.float32) / 255.
        img = img * (1 - alpha[..., None]) + alpha[..., None] * \
            rng.uniform(0, 255, size=3)
    img += rng.normal(0, 6, size=img.shape)
    return img


def _render(rng, cls: int, classes) -> Tuple[np.ndarray, list]:
    _, shape, colour = classes[cls]
    h, w = int(rng.integers(96, 161)), int(rng.integers(112, 177))
    img = _background(rng, h, w)
    side = min(h, w)
    half = rng.uniform(0.18, 0.3) * side
    aspect = rng.uniform(0.75, 1.33)
    scale = (half * np.sqrt(aspect), half / np.sqrt(aspect))
    # a rotated square reaches sqrt(2) times its half side: keep it inside
    margin = min(1.42 * max(scale) + 1, side / 2)
    center = (rng.uniform(margin, w - margin), rng.uniform(margin, h - margin))
    mask = _object_mask(shape, (h, w), center, scale,
                        rng.uniform(-np.pi, np.pi))
    ys, xs = np.nonzero(mask)
    box = [int(xs.min()), int(ys.min()),
           int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
    # object texture: its colour, shaded, with fine stripes of its own
    shade = 0.75 + 0.25 * _smooth_noise(rng, h, w, 4)
    yy, xx = np.mgrid[0:h, 0:w]
    stripes = 0.9 + 0.1 * np.sin((xx + yy) * 0.8)
    obj = np.asarray(colour, np.float32) * (shade * stripes)[..., None]
    obj *= rng.uniform(0.85, 1.1)
    alpha = cv2.GaussianBlur(mask, (3, 3), 0).astype(np.float32)[..., None]
    img = img * (1 - alpha / 255.) + obj * alpha / 255.
    img += rng.normal(0, 4, size=img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), box


def make_synthetic_cub(out_dir: str,
                       num_classes: int = 10,
                       train_per_class: int = 30,
                       test_per_class: int = 10,
                       seed: int = 0,
                       classes: Sequence = SYNTHETIC_CUB_CLASSES) -> str:
    """Write a synthetic dataset in the CUB-200-2011 layout.

    Writes ``images/<NNN.Name>/<Name>_<k>.jpg``, ``images.txt``,
    ``image_class_labels.txt``, ``train_test_split.txt``,
    ``bounding_boxes.txt`` (``x y width height``, tight object boxes),
    ``classes.txt`` and a ``README.txt`` saying it is synthetic. The same
    arguments give the same files.

    Args:
        out_dir (str): Output folder (the ``CUB_200_2011`` root).
        num_classes (int): At most ``len(classes)``. Defaults to 10.
        train_per_class (int): Defaults to 30.
        test_per_class (int): Defaults to 10.
        seed (int): Defaults to 0.

    Returns:
        str: ``out_dir``.
    """
    if not 1 <= num_classes <= len(classes):
        raise ValueError(f'num_classes must be in 1..{len(classes)}')
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(out_dir, 'images'), exist_ok=True)
    lines = dict(images=[], labels=[], split=[], boxes=[], classes=[])
    folders = []
    for c in range(num_classes):
        folder = f'{c + 1:03d}.{classes[c][0]}'
        os.makedirs(osp.join(out_dir, 'images', folder), exist_ok=True)
        lines['classes'].append(f'{c + 1} {folder}')
        folders.append(folder)
    # class by class, as the images are drawn from ``rng`` in this order
    jobs = [(c, k) for c in range(num_classes)
            for k in range(train_per_class + test_per_class)]
    for image_id, (c, k) in enumerate(track(
            jobs, desc=f'synthetic CUB: {len(jobs)} images to {out_dir}'),
            1):
        img, (x, y, bw, bh) = _render(rng, c, classes)
        rel = f'{folders[c]}/{classes[c][0]}_{k:04d}.jpg'
        cv2.imwrite(osp.join(out_dir, 'images', rel),
                    cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                    [cv2.IMWRITE_JPEG_QUALITY, 95])
        lines['images'].append(f'{image_id} {rel}')
        lines['labels'].append(f'{image_id} {c + 1}')
        lines['split'].append(
            f'{image_id} {1 if k < train_per_class else 0}')
        lines['boxes'].append(
            f'{image_id} {float(x):.1f} {float(y):.1f} {float(bw):.1f} '
            f'{float(bh):.1f}')
    files = dict(images='images.txt', labels='image_class_labels.txt',
                 split='train_test_split.txt', boxes='bounding_boxes.txt',
                 classes='classes.txt')
    for key, name in files.items():
        with open(osp.join(out_dir, name), 'w') as f:
            f.write('\n'.join(lines[key]) + '\n')
    with open(osp.join(out_dir, 'README.txt'), 'w') as f:
        f.write(
            'Synthetic data written by mmssl.datasets.synthetic.'
            f'make_synthetic_cub(num_classes={num_classes}, '
            f'train_per_class={train_per_class}, test_per_class='
            f'{test_per_class}, seed={seed}) in the CUB-200-2011 layout: '
            'shapes on textured backgrounds, not birds.\n')
    return out_dir
