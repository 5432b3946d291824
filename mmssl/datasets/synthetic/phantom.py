# Copyright (c) mmssl contributors. All rights reserved.
"""Synthetic CT-like phantoms written in the Medical Segmentation Decathlon
layout (dataset.json, imagesTr/, labelsTr/, imagesTs/, NIfTI).

Each volume is a body (soft tissue in air) holding an organ-like blob
(label 1) with a lesion inside it (label 2) and an unlabeled distractor
organ of similar density, in Hounsfield-like units with noise. Shapes are
defined in millimetres (world coordinates), while voxel spacing, volume
size and orientation (RAS, LPS, LAS or RPS affines) vary per case, so the
loaders' reorientation and resampling are exercised. It is for tests and
the CPU benchmark; it is synthetic, not patient data.
"""
import json
import os
import os.path as osp
from typing import Tuple

import nibabel as nib
import numpy as np
from scipy import ndimage

from mmssl.utils.progress import track

PHANTOM_LABELS = {'0': 'background', '1': 'organ', '2': 'lesion'}
_ORIENTATIONS = ('RAS', 'LPS', 'LAS', 'RPS')


def _affine(spacing, axcodes: str, shape, origin) -> np.ndarray:
    signs = [1 if c in 'RAS' else -1 for c in axcodes]
    affine = np.eye(4)
    for i in range(3):
        affine[i, i] = signs[i] * spacing[i]
    # centre the volume near `origin` whatever the flips
    affine[:3, 3] = np.asarray(origin) - affine[:3, :3] @ (
        (np.asarray(shape) - 1) / 2)
    return affine


def _blob(world, centre, radii, rng, wobble=0.2):
    """Deformed ellipsoid: sum((p - c)^2 / r^2) + wobble * noise < 1."""
    d = sum(((world[i] - centre[i]) / radii[i])**2 for i in range(3))
    noise = ndimage.gaussian_filter(rng.standard_normal(d.shape), 3)
    noise /= np.abs(noise).max() + 1e-6
    return d + wobble * noise < 1


def make_phantom_case(rng: np.random.Generator
                      ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One ``(image HU float32, label uint8, affine)`` case."""
    spacing = (rng.uniform(0.9, 1.3), rng.uniform(0.9, 1.3),
               rng.uniform(1.5, 2.5))
    extent = np.array([rng.uniform(52, 64), rng.uniform(52, 64),
                       rng.uniform(56, 72)])  # mm
    shape = tuple(int(round(e / s)) for e, s in zip(extent, spacing))
    axcodes = _ORIENTATIONS[int(rng.integers(len(_ORIENTATIONS)))]
    affine = _affine(spacing, axcodes, shape, rng.uniform(-20, 20, 3))
    ijk = np.indices(shape, dtype=np.float64)
    world = np.einsum('ij,j...->i...', affine[:3, :3], ijk) + \
        affine[:3, 3, None, None, None]
    centre = affine[:3, :3] @ ((np.asarray(shape) - 1) / 2) + affine[:3, 3]
    rel = world - centre[:, None, None, None]
    img = np.full(shape, -1000., np.float32)  # air
    body = (rel[0] / (extent[0] * 0.48))**2 + (rel[1] /
                                              (extent[1] * 0.45))**2 < 1
    img[body] = -80.  # fat / soft tissue
    organ_c = rng.uniform(-6, 6, 3)
    organ_r = rng.uniform(9, 14, 3)
    organ = _blob(rel, organ_c, organ_r, rng) & body
    other_c = organ_c + np.sign(rng.uniform(-1, 1, 3)) * (organ_r + 8) * \
        np.array([1, 0.3, 0.2])
    other = _blob(rel, other_c, rng.uniform(5, 8, 3), rng) & body & ~organ
    lesion_c = organ_c + rng.uniform(-0.4, 0.4, 3) * organ_r
    lesion_r = rng.uniform(4, 7)
    lesion = _blob(rel, lesion_c, (lesion_r, ) * 3, rng, 0.1) & organ
    img[organ] = 100.
    img[other] = 120.
    img[lesion] = 0.  # hypodense (darker than the organ)
    img = ndimage.gaussian_filter(img, 0.7)
    img += rng.normal(0, 15, shape).astype(np.float32)
    label = np.zeros(shape, np.uint8)
    label[organ] = 1
    label[lesion] = 2
    return img.astype(np.float32), label, affine


def make_phantom_msd(out_dir: str,
                     num_training: int = 14,
                     num_test: int = 2,
                     seed: int = 0) -> str:
    """Write ``num_training`` labeled and ``num_test`` unlabeled phantoms
    in the MSD layout; the same arguments give the same files.

    Returns:
        str: ``out_dir``.
    """
    if isinstance(num_training, bool) or not isinstance(num_training, int) \
            or num_training < 1:
        raise ValueError('num_training must be an integer >= 1 (the '
                         f'labeled cases), got {num_training!r}')
    if isinstance(num_test, bool) or not isinstance(num_test, int) \
            or num_test < 0:
        raise ValueError('num_test must be an integer >= 0, got '
                         f'{num_test!r}')
    rng = np.random.default_rng(seed)
    for sub in ('imagesTr', 'labelsTr', 'imagesTs'):
        os.makedirs(osp.join(out_dir, sub), exist_ok=True)
    training, test = [], []
    for i in track(range(num_training + num_test),
                   desc=f'phantoms: {num_training} labeled and {num_test} '
                   f'test cases to {out_dir}'):
        img, label, affine = make_phantom_case(rng)
        name = f'phantom_{i:03d}.nii.gz'
        image_img = nib.Nifti1Image(np.rint(img).astype(np.int16), affine)
        image_img.header.set_xyzt_units('mm')
        if i < num_training:
            nib.save(image_img, osp.join(out_dir, 'imagesTr', name))
            label_img = nib.Nifti1Image(label, affine)
            label_img.header.set_xyzt_units('mm')
            nib.save(label_img, osp.join(out_dir, 'labelsTr', name))
            training.append(dict(image=f'./imagesTr/{name}',
                                 label=f'./labelsTr/{name}'))
        else:
            nib.save(image_img, osp.join(out_dir, 'imagesTs', name))
            test.append(f'./imagesTs/{name}')
    meta = dict(
        name='Phantom', description='Synthetic CT-like phantoms written by '
        'mmssl.datasets.synthetic.make_phantom_msd (not patient data)',
        tensorImageSize='3D', modality={'0': 'CT'}, labels=PHANTOM_LABELS,
        numTraining=num_training, numTest=num_test, training=training,
        test=test)
    with open(osp.join(out_dir, 'dataset.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return out_dir
