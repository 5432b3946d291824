# Copyright (c) mmssl contributors. All rights reserved.
"""A synthetic PASCAL-VOC-layout dataset with a biased background, for
MARS's CPU benchmark (our design, configs/mars/README.md explains).

Scenes are sky over grass. Class 1 ("train") is a red box with a row of
windows; in the training split it stands on a rail-like stripe (grey
ballast, dark sleepers, two bright rails) in ``p_cooccur`` of its images.
The stripe under a train is 24-28 px tall, at least three cells of a
stride-8 feature map, so its features are not all mixed with the train's
or the grass's. In ``'biased'`` mode the same stripe also lies alone, as a
full-width band 24-32 px tall (a quarter to a third of the image), in the
background of ``p_alone`` of the other images: MARS's assumption, the
biased texture is labelled background elsewhere, with enough of it for a
background cluster of its own. The ``'control'`` mode (the negative
control) keeps the co-occurrence but never puts the stripe alone in a
training image: nothing marks the stripe as background there, so MARS
should change nothing. Class 2 ("person") is two-tone (a skin head over
a coloured shirt), so an unsupervised feature splits it into parts. The
validation split is the same in both modes (its own random stream, with
the stripe under trains and alone), so arms are compared on the same
images. Synthetic, not photographs.

Layout written::

    JPEGImages/<name>.jpg
    SegmentationClass/<name>.png      palette PNG, 0 bg / 1 train / 2 person
    BiasedRegion/<name>.png           1 where the stripe is (bg in the GT)
    BiasedRegionFar/<name>.png        the stripe pixels more than
                                      ``far_distance`` px from any train
                                      pixel (no adjacency to the train)
    ImageSets/Segmentation/{train,val}.txt
    cls_labels.json                   {name: [foreground classes]}
    meta.json                         the generator's arguments
"""
import json
import os
import os.path as osp
from typing import Tuple

import numpy as np
from PIL import Image

from mmssl.utils.progress import track

SKY = (95, 145, 215)
GRASS = (70, 135, 60)
BALLAST = (120, 110, 100)
SLEEPER = (70, 45, 30)
RAIL = (200, 200, 210)
TRAIN = (190, 35, 35)
WINDOW = (235, 225, 150)
SKIN = (230, 180, 140)
SHIRTS = ((40, 60, 170), (220, 190, 40))


def _stripe(img, region, y, x0, x1, height):
    """Draw the rail stripe (rows ``y .. y + height``)."""
    img[y:y + height, x0:x1] = BALLAST
    for x in range(x0 + 1, x1, 6):
        img[y:y + height, x:x + 2] = SLEEPER
    img[y + 2, x0:x1] = RAIL
    img[y + height - 3, x0:x1] = RAIL
    region[y:y + height, x0:x1] = 1


def make_biased_scene(rng: np.random.Generator,
                      size: int = 96,
                      p_train: float = 0.5,
                      p_cooccur: float = 0.9,
                      p_alone: float = 0.5,
                      p_person: float = 0.5
                      ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One ``(image HxWx3 uint8, label HxW uint8, stripe HxW uint8)``.

    Sizes are given for 96 px and scaled with ``size``.
    """
    s = size / 96.
    img = np.empty((size, size, 3), np.float32)
    horizon = int(rng.uniform(0.3, 0.42) * size)
    img[:horizon] = SKY
    img[horizon:] = GRASS
    label = np.zeros((size, size), np.uint8)
    region = np.zeros((size, size), np.uint8)
    has_train = rng.random() < p_train
    left = rng.random() < 0.5  # the train's half; the person takes the other
    if has_train:
        w = int(rng.uniform(34, 46) * s)
        h = int(rng.uniform(16, 22) * s)
        w96 = w / s
        x0 = int(rng.uniform(2, max(2.5, 50 - w96)) * s) if left else \
            int(rng.uniform(46, 94 - w96) * s)
        x0 = int(np.clip(x0, 0, size - w))
        # 3+ cells of a stride-8 feature map under the train
        sh = max(6, int(round(rng.uniform(24, 28) * s)))
        lo = max(horizon + h + 2, int(0.5 * size))
        base = int(rng.uniform(lo, max(lo + 1, size - sh - 1)))
        base = min(base, size - sh)
        if rng.random() < p_cooccur:
            xa = int(np.clip(x0 - rng.uniform(6, 20) * s, 0, size))
            xb = int(np.clip(x0 + w + rng.uniform(6, 20) * s, 0, size))
            _stripe(img, region, base, xa, xb, sh)
        top = base - h
        img[top:base, x0:x0 + w] = TRAIN
        wy = top + max(2, h // 5)
        for wx in range(x0 + 3, x0 + w - 5, 8):
            img[wy:wy + int(5 * s), wx:wx + int(5 * s)] = WINDOW
        label[top:base, x0:x0 + w] = 1
        region[top:base, x0:x0 + w] = 0
    elif rng.random() < p_alone:
        # a full-width rail band, a quarter to a third of the image
        sh = max(6, int(round(rng.uniform(24, 32) * s)))
        lo = max(horizon + 2, int(0.45 * size))
        base = int(rng.uniform(lo, max(lo + 1, size - sh)))
        base = min(base, size - sh)
        _stripe(img, region, base, 0, size, sh)
    if rng.random() < p_person:
        r = max(3, int(round(rng.uniform(3.5, 5) * s)))
        bw, bh = int(rng.uniform(9, 12) * s), int(rng.uniform(16, 22) * s)
        cx = int(rng.uniform(60, 84) * s) if (has_train and left) else \
            int(rng.uniform(12, 36) * s) if has_train else \
            int(rng.uniform(12, 84) * s)
        feet = int(rng.uniform(max(horizon + bh + 2 * r, 0.55 * size),
                               size - 2))
        by0 = feet - bh
        shirt = SHIRTS[int(rng.integers(len(SHIRTS)))]
        img[by0:feet, cx - bw // 2:cx + bw // 2] = shirt
        label[by0:feet, cx - bw // 2:cx + bw // 2] = 2
        yy, xx = np.ogrid[:size, :size]
        head = (yy - (by0 - r))**2 + (xx - cx)**2 <= r * r
        img[head] = SKIN
        label[head] = 2
        region[label == 2] = 0
    img += rng.normal(0, 8, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), label, region


def far_region(region: np.ndarray, label: np.ndarray, biased_class: int = 1,
               distance: float = 8.0) -> np.ndarray:
    """The pixels of ``region`` more than ``distance`` px (Euclidean) from
    every pixel of ``biased_class`` in ``label`` (all of it when the image
    has no such pixel)."""
    from scipy.ndimage import distance_transform_edt
    target = label == biased_class
    if not target.any():
        return (region > 0).astype(np.uint8)
    dist = distance_transform_edt(~target)
    return ((region > 0) & (dist > distance)).astype(np.uint8)


def make_biased_voc(out_dir: str,
                    num_train: int = 400,
                    num_val: int = 100,
                    mode: str = 'biased',
                    size: int = 96,
                    p_cooccur: float = 0.9,
                    p_alone: float = 0.5,
                    far_distance: float = 8.0,
                    seed: int = 0) -> str:
    """Write the benchmark in the VOC layout; the same arguments give the
    same files.

    Args:
        mode (str): ``'biased'`` (the stripe lies under a train in
            ``p_cooccur`` of the training trains and alone in ``p_alone``
            of the other training images) or ``'control'`` (the negative
            control: the same co-occurrence, never alone in the training
            split).
        far_distance (float): ``BiasedRegionFar/`` keeps the stripe pixels
            more than this many pixels from any train pixel.

    Returns:
        str: ``out_dir``.
    """
    if mode not in ('biased', 'control'):
        raise ValueError(f"mode must be 'biased' or 'control', got {mode!r}")
    from ..wsss import BiasedVOCDataset
    palette = np.zeros((256, 3), np.uint8)
    for i, c in enumerate(BiasedVOCDataset.METAINFO['palette']):
        palette[i] = c
    palette[255] = (224, 224, 192)  # VOC's ignore colour
    for sub in ('JPEGImages', 'SegmentationClass', 'BiasedRegion',
                'BiasedRegionFar', 'ImageSets/Segmentation'):
        os.makedirs(osp.join(out_dir, sub), exist_ok=True)
    tags = {}
    splits = (('train', num_train, p_alone if mode == 'biased' else 0.0,
               0), ('val', num_val, p_alone, 1))
    for split, num, p_al, stream in splits:
        rng = np.random.default_rng([seed, stream])
        names = []
        for i in track(range(num), desc=f'biased VOC ({mode}): {num} '
                       f'{split} images to {out_dir}'):
            name = f'{split}_{i:04d}'
            img, label, region = make_biased_scene(
                rng, size, p_cooccur=p_cooccur, p_alone=p_al)
            Image.fromarray(img).save(
                osp.join(out_dir, 'JPEGImages', name + '.jpg'), quality=95)
            lab = Image.fromarray(label)
            lab.putpalette(palette.flatten().tolist())
            lab.save(osp.join(out_dir, 'SegmentationClass', name + '.png'))
            Image.fromarray(region).save(
                osp.join(out_dir, 'BiasedRegion', name + '.png'))
            Image.fromarray(far_region(region, label, 1, far_distance)).save(
                osp.join(out_dir, 'BiasedRegionFar', name + '.png'))
            tags[name] = sorted(int(c) for c in np.unique(label) if c > 0)
            names.append(name)
        with open(osp.join(out_dir, 'ImageSets', 'Segmentation',
                           f'{split}.txt'), 'w') as f:
            f.write('\n'.join(names) + '\n')
    with open(osp.join(out_dir, 'cls_labels.json'), 'w') as f:
        json.dump(tags, f, indent=0, sort_keys=True)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(dict(generator='mmssl.datasets.synthetic.make_biased_voc',
                       synthetic=True, num_train=num_train, num_val=num_val,
                       mode=mode, size=size, p_cooccur=p_cooccur,
                       p_alone=p_alone, far_distance=far_distance,
                       version=2, seed=seed), f, indent=2)
    return out_dir
