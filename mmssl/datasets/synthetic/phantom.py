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

Version 2 (``version=2``, :func:`make_phantom_case_v2`) is the UMCT
co-training benchmark's redesign: the organ only (no lesion), every case
on one anisotropic grid (1 x 1 x 2.5 mm by default: thick slices, with
their partial-volume averaging, so the views of a 3x3x1-kernel network
really differ), and a per-case contrast (tissue density, organ and
distractor contrast to it with a random sign, i.e. brighter or darker
than the tissue, and noise, all drawn per case), so that two labeled
cases do not cover the intensities of the others. Revision 2 of version 2
(``PHANTOM_V2_REVISION``, after a probe where 18 labeled cases beat 2 by
only 1.3 Dice) takes away the shortcuts that two labels sufficed for: the
distractor is about as large as the organ (before: half its radius, so
size alone told them apart), the contrast-to-noise ratio is lower, and
what tells the organ from the distractor is a lobular texture inside the
organ (smooth, zero-mean, its amplitude drawn per case) on top of its
shape; the distractor is homogeneous. Revision 3 (the default, after
revision 2's gate failed: 18 labeled cases no better than 2) draws the
organ's and the distractor's appearance per case and independently from
four kinds (homogeneous brighter or darker than the tissue, textured, a
bright rim around a dark core), so an appearance does not tell which
object it is and two labeled cases show at most two of the organ's; the
distractor is smaller again (size and shape are the cue) and the noise
lower, so each case is easy to fit. ``revision=2`` still writes the
earlier design.
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
PHANTOM_V2_LABELS = {'0': 'background', '1': 'organ'}
# version 2, drawn per case: the soft tissue around the organs, the
# organ's and the distractor's contrast to it (magnitude; the sign too is
# drawn, independently: hyper- or hypodense), the noise's standard
# deviation. Intensity alone never tells organ from distractor, and two
# labeled cases cannot show every polarity and level.
V2_TISSUE_HU = (-20., 60.)
V2_CONTRAST_HU = (25., 60.)  # revision 1: 30-80
V2_NOISE_HU = (20., 35.)  # revision 1: 15-30
# revision 2: the organ's lobular texture (standard deviation, HU, of a
# zero-mean smooth field of correlation length V2_TEXTURE_MM), and the
# distractor's radii as a share of the organ's range (revision 1: 5-8 mm
# against the organ's 10-24 mm)
V2_TEXTURE_HU = (15., 35.)
V2_TEXTURE_MM = 1.5
V2_DISTRACTOR_SCALE = (0.75, 0.95)
V2_SPACING = (1.0, 1.0, 2.5)
# revision 3 (after revision 2's gate failed: 18 labeled cases no better
# than 2, the texture cue under noise too hard for either): appearances
# drawn per object from four kinds, independently for the organ and the
# distractor, so two labeled cases show at most two of the organ's; the
# distractor smaller (size and shape tell the objects apart, as in
# version 1, whose 2-label runs learnt it); lower noise (each case easy
# to fit)
V2R3_APPEARANCES = ('bright', 'dark', 'textured', 'rim')
V2R3_TISSUE_HU = (-10., 50.)
V2R3_CONTRAST_HU = (45., 80.)  # bright, dark, and the rim
V2R3_RIM_CORE_HU = (25., 45.)  # the rim's core: darker than the tissue
V2R3_RIM_MM = 2.5
V2R3_TEXTURE_HU = (40., 55.)
V2R3_NOISE_HU = (10., 18.)
V2R3_DISTRACTOR_SCALE = (0.45, 0.6)
PHANTOM_V2_REVISION = 3
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


def _v2_grid(rng: np.random.Generator, spacing, n: int) -> dict:
    """A version-2 case's grid: its size and orientation (drawn), the
    affine, and the world coordinates (relative to the volume's centre)
    of a grid ``n`` times finer along the slices, with the body mask on
    it."""
    extent = np.array([rng.uniform(64, 76), rng.uniform(64, 76),
                       rng.uniform(82, 100)])  # mm
    shape = tuple(int(round(e / s)) for e, s in zip(extent, spacing))
    axcodes = _ORIENTATIONS[int(rng.integers(len(_ORIENTATIONS)))]
    affine = _affine(spacing, axcodes, shape, rng.uniform(-20, 20, 3))
    # the fine grid: slice k covers sub-slices k*n .. k*n + n-1, at
    # k + (m + 0.5) / n - 0.5 in voxel units
    fine = (shape[0], shape[1], shape[2] * n)
    ijk = np.indices(fine, dtype=np.float64)
    ijk[2] = (ijk[2] + 0.5) / n - 0.5
    world = np.einsum('ij,j...->i...', affine[:3, :3], ijk) + \
        affine[:3, 3, None, None, None]
    centre = affine[:3, :3] @ ((np.asarray(shape) - 1) / 2) + affine[:3, 3]
    rel = world - centre[:, None, None, None]
    body = (rel[0] / (extent[0] * 0.48))**2 + (rel[1] /
                                              (extent[1] * 0.45))**2 < 1
    return dict(shape=shape, affine=affine, fine=fine, rel=rel, body=body,
                voxel_mm=np.array(spacing[:2] + (spacing[2] / n, )))


def _organ_radii(rng: np.random.Generator) -> np.ndarray:
    return np.array([rng.uniform(10, 15), rng.uniform(10, 15),
                     rng.uniform(14, 24)])


def _organ_and_distractor(rel, body, rng, scale) -> tuple:
    """The organ's and the distractor's masks on the fine grid: the organ
    near the centre, the distractor (radii drawn from the organ's range
    times a factor drawn from ``scale``) beside it along x (the side
    drawn), a 3 mm gap between them."""
    organ_c = rng.uniform(-6, 6, 3)
    organ_r = _organ_radii(rng)
    organ = _blob(rel, organ_c, organ_r, rng) & body
    other_r = _organ_radii(rng) * rng.uniform(*scale)
    other_c = organ_c + np.sign(rng.uniform(-1, 1, 3)) * np.array(
        [organ_r[0] + other_r[0] + 3, 0.3 * organ_r[1], 0.2 * organ_r[2]])
    other = _blob(rel, other_c, other_r, rng) & body & ~organ
    return organ, other


def _smooth_field(rng, fine, voxel_mm, std) -> np.ndarray:
    """Zero-mean smooth noise of standard deviation ``std`` HU and
    correlation length ``V2_TEXTURE_MM``."""
    field = ndimage.gaussian_filter(
        rng.standard_normal(fine).astype(np.float32),
        V2_TEXTURE_MM / voxel_mm)
    return field * (std / (field.std() + 1e-6))


def _appearance(kind: str, mask, tissue_hu, grid, rng) -> tuple:
    """Revision 3: the HU values of an object of appearance ``kind``
    (``V2R3_APPEARANCES``) on its ``mask`` of the fine grid, and the
    drawn levels."""
    if kind in ('bright', 'dark'):
        level = float(rng.uniform(*V2R3_CONTRAST_HU))
        level = tissue_hu + (level if kind == 'bright' else -level)
        return np.full(int(mask.sum()), level, np.float32), dict(
            mean_hu=round(level, 1))
    if kind == 'textured':
        level = tissue_hu + float(rng.uniform(-10, 10))
        std = float(rng.uniform(*V2R3_TEXTURE_HU))
        field = _smooth_field(rng, grid['fine'], grid['voxel_mm'], std)
        return level + field[mask], dict(mean_hu=round(level, 1),
                                         texture_hu=round(std, 1))
    if kind == 'rim':
        rim_hu = tissue_hu + float(rng.uniform(*V2R3_CONTRAST_HU))
        core_hu = tissue_hu - float(rng.uniform(*V2R3_RIM_CORE_HU))
        depth = ndimage.distance_transform_edt(mask,
                                               sampling=grid['voxel_mm'])
        values = np.where(depth[mask] <= V2R3_RIM_MM, rim_hu, core_hu)
        return values.astype(np.float32), dict(rim_hu=round(rim_hu, 1),
                                               core_hu=round(core_hu, 1))
    raise ValueError(f'unknown appearance {kind!r}; expected one of '
                     f'{V2R3_APPEARANCES}')


def make_phantom_case_v2(rng: np.random.Generator,
                         spacing=V2_SPACING,
                         supersample: int = 5,
                         revision: int = PHANTOM_V2_REVISION
                         ) -> Tuple[np.ndarray, np.ndarray, np.ndarray,
                                    dict]:
    """One version-2 case: ``(image HU float32, label uint8, affine,
    info)``, label 1 the organ only.

    Every case has the voxel size ``spacing`` (mm, array axes; the third
    is the slice axis whatever the orientation) and its own size and
    orientation. The scene is drawn on a grid ``supersample`` times finer
    along the slices and averaged over each slice (partial volume: a thick
    slice blurs the organ's top and bottom; the label is the voxels at
    least half organ).

    ``revision=2``: per case the soft tissue's density
    (``V2_TISSUE_HU``), the organ's and the distractor's contrast to it
    (``V2_CONTRAST_HU``, each with its own random sign: brighter or darker
    than the tissue), the noise (``V2_NOISE_HU``), the organ's texture
    (``V2_TEXTURE_HU``); the distractor about as large as the organ.
    ``info`` holds ``tissue_hu``, ``organ_hu``, ``distractor_hu``,
    ``noise_hu``, ``texture_hu``.

    ``revision=3`` (the default): the organ and the distractor each get
    an appearance drawn from ``V2R3_APPEARANCES`` (homogeneous brighter or
    darker than the tissue, textured, or a bright rim around a dark core),
    independently, so an appearance says nothing about which object it
    is; what does is size (the distractor's radii are
    ``V2R3_DISTRACTOR_SCALE`` of the organ's) and shape. The noise
    (``V2R3_NOISE_HU``) is lower than revision 2's, so each case is easy to
    fit: what two labeled cases lack is the other appearances. ``info``
    holds ``tissue_hu``, ``noise_hu``, ``organ_kind``,
    ``distractor_kind`` and their drawn levels (``organ``,
    ``distractor``).

    Both: the organ's and the distractor's volume in ml (``organ_ml``,
    ``distractor_ml``) and ``spacing``.
    """
    if revision not in (2, 3):
        raise ValueError(f'revision must be 2 or 3, got {revision!r}')
    spacing = tuple(float(s) for s in spacing)
    n = int(supersample)
    grid = _v2_grid(rng, spacing, n)
    shape, fine, rel, body = (grid['shape'], grid['fine'], grid['rel'],
                              grid['body'])
    voxel_mm = grid['voxel_mm']
    fine_img = np.full(fine, -1000., np.float32)  # air
    if revision == 2:
        tissue_hu = float(rng.uniform(*V2_TISSUE_HU))

        def contrast():
            sign = 1. if rng.uniform() < 0.5 else -1.
            return sign * float(rng.uniform(*V2_CONTRAST_HU))

        organ_hu = tissue_hu + contrast()
        other_hu = tissue_hu + contrast()
        noise_hu = float(rng.uniform(*V2_NOISE_HU))
        texture_hu = float(rng.uniform(*V2_TEXTURE_HU))
        organ, other = _organ_and_distractor(rel, body, rng,
                                             V2_DISTRACTOR_SCALE)
        fine_img[body] = tissue_hu  # soft tissue
        # the organ's lobular texture: smooth noise of unit std, scaled
        texture = _smooth_field(rng, fine, voxel_mm, texture_hu)
        fine_img[organ] = organ_hu + texture[organ]
        fine_img[other] = other_hu
        info = dict(tissue_hu=round(tissue_hu, 1),
                    organ_hu=round(organ_hu, 1),
                    distractor_hu=round(other_hu, 1),
                    noise_hu=round(noise_hu, 1),
                    texture_hu=round(texture_hu, 1))
    else:
        tissue_hu = float(rng.uniform(*V2R3_TISSUE_HU))
        noise_hu = float(rng.uniform(*V2R3_NOISE_HU))
        kinds = [V2R3_APPEARANCES[int(i)] for i in rng.integers(
            len(V2R3_APPEARANCES), size=2)]
        organ, other = _organ_and_distractor(rel, body, rng,
                                             V2R3_DISTRACTOR_SCALE)
        fine_img[body] = tissue_hu
        organ_values, organ_info = _appearance(kinds[0], organ, tissue_hu,
                                               grid, rng)
        other_values, other_info = _appearance(kinds[1], other, tissue_hu,
                                               grid, rng)
        fine_img[organ] = organ_values
        fine_img[other] = other_values
        info = dict(tissue_hu=round(tissue_hu, 1),
                    noise_hu=round(noise_hu, 1), organ_kind=kinds[0],
                    distractor_kind=kinds[1], organ=organ_info,
                    distractor=other_info)

    def slab_mean(a):
        return a.reshape(shape[0], shape[1], shape[2], n).mean(-1)

    img = slab_mean(fine_img)
    img = ndimage.gaussian_filter(img, 0.7)  # in-plane and slice blur
    img += rng.normal(0, noise_hu, shape).astype(np.float32)
    label = (slab_mean(organ.astype(np.float32)) >= 0.5).astype(np.uint8)
    info.update(
        organ_ml=round(float(organ.sum() * voxel_mm.prod()) / 1e3, 1),
        distractor_ml=round(float(other.sum() * voxel_mm.prod()) / 1e3, 1),
        spacing=list(spacing))
    return img.astype(np.float32), label, grid['affine'], info


def make_phantom_msd(out_dir: str,
                     num_training: int = 14,
                     num_test: int = 2,
                     seed: int = 0,
                     version: int = 1,
                     revision: int = PHANTOM_V2_REVISION) -> str:
    """Write ``num_training`` labeled and ``num_test`` unlabeled phantoms
    in the MSD layout; the same arguments give the same files.

    ``version=1`` (the default): organ + lesion, spacing varying per case
    (the original benchmark's data). ``version=2``: organ only, the
    anisotropic ``V2_SPACING`` for every case and a per-case contrast
    (:func:`make_phantom_case_v2`); ``dataset.json`` then also lists each
    case's drawn densities under ``phantom_cases`` (an extra key; the
    MSD readers ignore it). ``revision`` picks version 2's design
    (:func:`make_phantom_case_v2`; 3, the default, or 2 to reproduce
    older results).

    Returns:
        str: ``out_dir``.
    """
    if version not in (1, 2):
        raise ValueError(f'version must be 1 or 2, got {version!r}')
    if version == 2 and revision not in (2, 3):
        raise ValueError(f'revision must be 2 or 3, got {revision!r}')
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
    training, test, cases = [], [], []

    def name_of(i):
        return f'phantom_{i:03d}.nii.gz'

    for i in track(range(num_training + num_test),
                   desc=f'phantoms v{version}: {num_training} labeled and '
                   f'{num_test} test cases to {out_dir}'):
        if version == 1:
            img, label, affine = make_phantom_case(rng)
        else:
            img, label, affine, info = make_phantom_case_v2(
                rng, revision=revision)
            cases.append(dict(name=name_of(i), **info))
        name = name_of(i)
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
        tensorImageSize='3D', modality={'0': 'CT'},
        labels=PHANTOM_LABELS if version == 1 else PHANTOM_V2_LABELS,
        numTraining=num_training, numTest=num_test, training=training,
        test=test)
    if version == 2:
        meta['description'] += (
            '; version 2: organ only, anisotropic voxels, per-case '
            'contrast')
        meta['phantom_version'] = 2
        meta['phantom_revision'] = revision
        meta['phantom_cases'] = cases
    with open(osp.join(out_dir, 'dataset.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return out_dir
