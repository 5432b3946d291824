# Copyright (c) mmssl contributors. All rights reserved.
"""Single-process throughput of the SSL data augmentations.

Measures images/s of

* ``weak``: RandomCropPad(4 px, reflect) + RandomFlip + PackClsInputs,
* ``strong``: weak + RandAugment(3, 5) with Cutout + PackClsInputs,
* ``usb_pil``: a PIL re-implementation of USB's CIFAR ``transform_strong``
  (``Image.fromarray``, Resize, RandomCrop(padding=4, reflect),
  RandomHorizontalFlip, RandAugment(3, 5) with PIL ImageOps/ImageEnhance/
  Image.transform, Cutout, ToTensor, Normalize), as USB runs it per image,

on random uint8 images, best of ``--repeats`` runs, and prints the ratio
strong / usb_pil. ``mmssl`` normalises batched in the data preprocessor, so
its pipelines stop at a uint8 tensor; USB's normalises per image.

Usage::

    python tools/benchmark/aug_speed.py --num-images 10000 --json out.json

Other scripts import :func:`pipeline_throughput` (e.g. train_speed.py).
"""
import argparse
import copy
import json
import os
import os.path as osp
import platform
import random
import sys
import time

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

WEAK = [
    dict(type='RandomCropPad', padding=4, padding_mode='reflect'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackClsInputs'),
]
STRONG = WEAK[:2] + [
    dict(type='RandAugment', num_ops=3, magnitude=5, cutout=True),
    dict(type='PackClsInputs'),
]


def build_pipeline(pipeline_cfgs: list) -> list:
    """Build a list of transforms (config dicts or callables)."""
    import mmssl.datasets.transforms  # noqa: F401 (registers transforms)
    from mmssl.registry import TRANSFORMS
    transforms = []
    for cfg in pipeline_cfgs:
        if callable(cfg):
            transforms.append(cfg)
        else:
            transforms.append(TRANSFORMS.build(copy.deepcopy(cfg)))
    return transforms


def _time_once(fn, images: np.ndarray) -> float:
    start = time.perf_counter()
    for i in range(len(images)):
        fn(images[i], i)
    return len(images) / (time.perf_counter() - start)


def pipeline_throughput(pipeline_cfgs: list,
                        images: np.ndarray,
                        repeats: int = 3) -> float:
    """Images/s of an mmssl pipeline in this process, best of ``repeats``.

    Args:
        pipeline_cfgs (list): Transform configs (``dict(type=...)``) or
            built transforms, applied in order to
            ``dict(img=image, gt_label=0, ...)``.
        images (np.ndarray): NxHxWxC uint8 images.
        repeats (int): Timed passes over ``images``; the best is returned.

    Returns:
        float: Images per second.
    """
    transforms = build_pipeline(pipeline_cfgs)

    def run(img, i):
        results = dict(
            img=img,
            gt_label=0,
            sample_idx=i,
            img_shape=img.shape[:2],
            ori_shape=img.shape[:2])
        for t in transforms:
            results = t(results)
            if results is None:
                break
        return results

    n_warm = min(len(images), 200)
    _time_once(run, images[:n_warm])
    return max(_time_once(run, images) for _ in range(max(1, repeats)))


# ---------------------------------------------------------------------------
# Reference: USB's strong transform done the USB way (PIL + per-image
# ToTensor/Normalize), re-implemented here without torchvision.
# ---------------------------------------------------------------------------
def usb_pil_transform(size: int, mean=(0.485, 0.456, 0.406),
                      std=(0.229, 0.224, 0.225)):
    """Return a callable ``img (HxWxC uint8) -> CxHxW float tensor``."""
    import torch
    from PIL import Image, ImageDraw, ImageEnhance, ImageOps

    def affine(img, data):
        return img.transform(img.size, Image.AFFINE, data)

    ops = [
        (lambda img, _: ImageOps.autocontrast(img), 0, 1),
        (lambda img, v: ImageEnhance.Brightness(img).enhance(v), 0.05, 0.95),
        (lambda img, v: ImageEnhance.Color(img).enhance(v), 0.05, 0.95),
        (lambda img, v: ImageEnhance.Contrast(img).enhance(v), 0.05, 0.95),
        (lambda img, _: ImageOps.equalize(img), 0, 1),
        (lambda img, _: img, 0, 1),
        (lambda img, v: ImageOps.posterize(img, max(1, int(v))), 4, 8),
        (lambda img, v: img.rotate(v), -30, 30),
        (lambda img, v: ImageEnhance.Sharpness(img).enhance(v), 0.05, 0.95),
        (lambda img, v: affine(img, (1, v, 0, 0, 1, 0)), -0.3, 0.3),
        (lambda img, v: affine(img, (1, 0, 0, v, 1, 0)), -0.3, 0.3),
        (lambda img, v: ImageOps.solarize(img, v), 0, 256),
        (lambda img, v: affine(img, (1, 0, v * img.size[0], 0, 1, 0)), -0.3,
         0.3),
        (lambda img, v: affine(img, (1, 0, 0, 0, 1, v * img.size[1])), -0.3,
         0.3),
    ]
    pad = int(size * (1 - 0.875))
    channels = len(mean)
    mean_t = torch.tensor(mean).view(-1, 1, 1)
    std_t = torch.tensor(std).view(-1, 1, 1)
    color = (125, 123, 114) if channels == 3 else 123

    def cutout(img, v):
        if v <= 0:
            return img
        v = v * img.size[0]
        w, h = img.size
        x0 = int(max(0, np.random.uniform(w) - v / 2.))
        y0 = int(max(0, np.random.uniform(h) - v / 2.))
        xy = (x0, y0, min(w, x0 + v), min(h, y0 + v))
        img = img.copy()
        ImageDraw.Draw(img).rectangle(xy, color)
        return img

    def transform(array: np.ndarray, _=None):
        if array.ndim == 3 and array.shape[2] == 1:
            array = array[..., 0]
        img = Image.fromarray(array)  # USB's dataset __getitem__
        img = img.resize((size, size), Image.BILINEAR)  # Resize
        # RandomCrop(size, padding, reflect): torchvision pads PIL images
        # through NumPy for non-constant modes.
        arr = np.asarray(img)
        widths = ((pad, pad), (pad, pad)) + ((0, 0), ) * (arr.ndim - 2)
        img = Image.fromarray(np.pad(arr, widths, mode='reflect'))
        top = random.randint(0, 2 * pad)
        left = random.randint(0, 2 * pad)
        img = img.crop((left, top, left + size, top + size))
        if random.random() < 0.5:  # RandomHorizontalFlip
            img = img.transpose(Image.FLIP_LEFT_RIGHT)
        for op, lo, hi in random.choices(ops, k=3):  # RandAugment(3, 5)
            img = op(img, lo + float(hi - lo) * random.random())
        img = cutout(img, random.random() * 0.5)
        # ToTensor + Normalize.
        t = torch.from_numpy(np.array(img, np.uint8, copy=True))
        t = t.view(size, size, -1).permute(2, 0, 1).contiguous()
        t = t.float().div(255)
        return t.sub_(mean_t).div_(std_t)

    return transform


def reference_throughput(images: np.ndarray, repeats: int = 3) -> float:
    """Images/s of :func:`usb_pil_transform`, best of ``repeats``."""
    c = images.shape[-1] if images.ndim == 4 else 1
    mean, std = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    if c == 1:
        mean, std = (0.5, ), (0.5, )
    fn = usb_pil_transform(images.shape[1], mean, std)
    _time_once(fn, images[:min(len(images), 200)])
    return max(_time_once(fn, images) for _ in range(max(1, repeats)))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num-images', type=int, default=10000)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--channels', type=int, default=3, choices=(1, 3))
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument(
        '--opencv-threads',
        type=int,
        default=0,
        help='cv2.setNumThreads value; 0 (the default) is what mmengine '
        'sets for training (env_cfg.mp_cfg.opencv_num_threads); '
        '-1 leaves OpenCV as it is')
    parser.add_argument('--no-reference', action='store_true')
    parser.add_argument('--json', metavar='OUT', help='write results here')
    return parser.parse_args()


def main():
    args = parse_args()
    import cv2
    import torch
    if args.opencv_threads >= 0:
        cv2.setNumThreads(args.opencv_threads)
    torch.set_num_threads(1)
    np.random.seed(0)
    random.seed(0)
    images = np.random.RandomState(0).randint(
        0, 256, (args.num_images, args.size, args.size, args.channels),
        np.uint8)

    result = dict(
        num_images=args.num_images,
        size=args.size,
        channels=args.channels,
        repeats=args.repeats,
        opencv_threads=cv2.getNumThreads(),
        cpu=platform.processor() or platform.machine(),
        cpu_count=os.cpu_count())
    result['weak_images_per_s'] = pipeline_throughput(WEAK, images,
                                                      args.repeats)
    result['strong_images_per_s'] = pipeline_throughput(
        STRONG, images, args.repeats)
    if not args.no_reference:
        result['usb_pil_images_per_s'] = reference_throughput(
            images, args.repeats)
        result['strong_over_usb_pil'] = (
            result['strong_images_per_s'] / result['usb_pil_images_per_s'])

    for key, value in result.items():
        if isinstance(value, float):
            value = f'{value:,.2f}' if key.endswith('usb_pil') else \
                f'{value:,.0f}'
        print(f'{key:24s} {value}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
