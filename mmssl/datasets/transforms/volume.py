# Copyright (c) mmssl contributors. All rights reserved.
"""Loading and geometric/intensity transforms of NIfTI volumes.

Arrays stay in nibabel's axis order (the i, j, k axes of the NIfTI affine)
through the pipeline, with ``results['affine']`` kept true for the current
array; every geometric step is recorded in ``results['geometry']`` so that
:func:`invert_geometry` brings a prediction back to the grid of the file
(then saved with the file's own affine and header by
:func:`save_nifti_like`). :class:`PackVolumeInputs` hands the network the
array with its axes reversed, (k, j, i): after ``Orientation('RAS')`` that
is (z, y, x), axial slices first.
"""
import os.path as osp
from typing import Sequence

import nibabel as nib
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from nibabel import orientations as nio
from scipy import ndimage

from mmssl.registry import TRANSFORMS


def check_affine(affine: np.ndarray, path: str) -> None:
    """Raise a ValueError naming ``path`` unless the voxel-to-world part of
    ``affine`` is finite and invertible (a zero or rank-deficient affine has
    no orientation, and nibabel fails on it later with an obscure
    message)."""
    affine = np.asarray(affine, dtype=np.float64)
    if affine.shape != (4, 4) or not np.isfinite(affine).all():
        raise ValueError(f'{path}: the NIfTI affine is not a finite 4 x 4 '
                         'matrix; fix the qform/sform of the header')
    sv = np.linalg.svd(affine[:3, :3], compute_uv=False)
    if sv[0] == 0 or sv[-1] / sv[0] < 1e-6:
        raise ValueError(
            f'{path}: the NIfTI affine is singular (its voxel-to-world 3 x 3 '
            f'part has rank {int((sv > sv[0] * 1e-6).sum())}, not 3), so the '
            'volume has no orientation; fix the qform/sform of the header')


def check_voxels(data: np.ndarray, path: str, kind: str = 'image') -> None:
    """Raise a ValueError naming ``path`` if ``data`` has NaN or Inf voxels
    or, for ``kind='label'``, non-integer values."""
    data = np.asarray(data)
    if np.issubdtype(data.dtype, np.integer) or data.dtype == bool:
        return
    bad = ~np.isfinite(data)
    if bad.any():
        first = tuple(int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f'{path}: the {kind} volume has {int(bad.sum())} non-finite '
            f'voxels (NaN or Inf, the first at {first}); '
            + ('labels must be finite integers' if kind == 'label' else
               'replace them (e.g. with the background intensity)'))
    if kind == 'label':
        frac = data != np.rint(data)
        if frac.any():
            first = tuple(int(v) for v in np.argwhere(frac)[0])
            raise ValueError(
                f'{path}: the label volume has {int(frac.sum())} '
                f'non-integer voxels (the first, at {first}, is '
                f'{float(data[first])}); labels must be finite integers')


def load_nifti(path: str, kind: str = 'image'):
    """``(array, affine, header)`` of a NIfTI file, with one clear error
    naming the file when it is missing, truncated or not NIfTI, when its
    affine is not finite and invertible, or when its voxels are not finite
    (``kind='image'``) or not finite integers (``kind='label'``)."""
    if kind not in ('image', 'label'):
        raise ValueError(f"kind must be 'image' or 'label', got {kind!r}")
    if not osp.isfile(path):
        raise FileNotFoundError(f'NIfTI file not found: {path}')
    try:
        img = nib.load(path)
        data = np.asanyarray(img.dataobj)
    except Exception as e:  # nibabel/gzip/zlib raise many types
        raise ValueError(f'cannot read NIfTI volume {path}: the file is '
                         f'truncated, corrupt or not NIfTI ({type(e).__name__}'
                         f': {str(e).splitlines()[0] if str(e) else ""})'
                         ) from None
    if data.ndim == 4 and data.shape[3] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise ValueError(f'{path}: expected a 3-D volume, got shape '
                         f'{data.shape}')
    check_affine(img.affine, path)
    check_voxels(data, path, kind)
    return data, img.affine.copy(), img.header


@TRANSFORMS.register_module()
class LoadNiftiFromFile(BaseTransform):
    """Read ``img_path`` (and ``seg_map_path`` when present) with nibabel.

    Sets ``img`` (float32), ``gt_seg`` (int64), ``affine``, ``spacing``
    (voxel sizes along the array axes, from the affine), ``ori_shape``,
    ``ori_affine`` and an empty ``geometry`` record. The label must have
    the image's shape and affine.
    """

    def __init__(self, with_seg: bool = True):
        self.with_seg = with_seg

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        img, affine, _ = load_nifti(path)
        results['img'] = np.asarray(img, dtype=np.float32)
        results['affine'] = affine
        results['ori_affine'] = affine.copy()
        results['ori_shape'] = tuple(img.shape)
        results['spacing'] = tuple(
            float(v) for v in np.linalg.norm(affine[:3, :3], axis=0))
        results['geometry'] = []
        if self.with_seg and results.get('seg_map_path'):
            seg, seg_affine, _ = load_nifti(results['seg_map_path'],
                                             kind='label')
            if seg.shape != img.shape:
                raise ValueError(
                    f'label {results["seg_map_path"]} has shape {seg.shape}'
                    f', its image {path} {img.shape}')
            if not np.allclose(seg_affine, affine, atol=1e-3):
                raise ValueError(
                    f'label {results["seg_map_path"]} and image {path} have '
                    'different affines: reorient/resample them together')
            results['gt_seg'] = np.rint(np.asarray(seg)).astype(np.int64)
        return results


@TRANSFORMS.register_module()
class Orientation(BaseTransform):
    """Reorient the arrays to ``axcodes`` (default ``'RAS'``, nibabel's
    closest canonical), by axis flips and permutations only."""

    def __init__(self, axcodes: str = 'RAS'):
        self.axcodes = tuple(axcodes)

    def transform(self, results: dict) -> dict:
        affine = results['affine']
        start = nio.io_orientation(affine)
        tfm = nio.ornt_transform(start, nio.axcodes2ornt(self.axcodes))
        shape = results['img'].shape
        results['img'] = nio.apply_orientation(results['img'], tfm)
        if 'gt_seg' in results:
            results['gt_seg'] = nio.apply_orientation(results['gt_seg'], tfm)
        results['affine'] = affine @ nio.inv_ornt_aff(tfm, shape)
        results['spacing'] = tuple(float(v) for v in np.linalg.norm(
            results['affine'][:3, :3], axis=0))
        results['geometry'].append(
            dict(op='orient', inverse=nio.ornt_transform(
                nio.axcodes2ornt(self.axcodes), start).tolist()))
        return results


def _zoom(arr: np.ndarray, factors, order: int) -> np.ndarray:
    return ndimage.zoom(arr, factors, order=order, mode='nearest',
                        grid_mode=True)


@TRANSFORMS.register_module()
class Spacing(BaseTransform):
    """Resample to the voxel size ``pixdim`` (mm, along the array axes):
    linear for the image, nearest for the label; the affine follows (voxel
    edges stay aligned)."""

    def __init__(self, pixdim: Sequence[float], image_order: int = 1):
        self.pixdim = tuple(float(p) for p in pixdim)
        self.image_order = image_order

    def transform(self, results: dict) -> dict:
        shape = np.array(results['img'].shape)
        spacing = np.array(results['spacing'])
        new_shape = np.maximum(np.rint(shape * spacing / self.pixdim), 1)
        factors = new_shape / shape
        results['img'] = _zoom(results['img'], factors, self.image_order)
        if 'gt_seg' in results:
            results['gt_seg'] = _zoom(results['gt_seg'], factors, 0)
        ratio = shape / new_shape  # new voxel size / old voxel size
        affine = results['affine'].copy()
        affine[:3, 3] = affine[:3, 3] + affine[:3, :3] @ ((ratio - 1) / 2)
        affine[:3, :3] = affine[:3, :3] @ np.diag(ratio)
        results['affine'] = affine
        results['spacing'] = tuple(float(v) for v in np.linalg.norm(
            affine[:3, :3], axis=0))
        results['geometry'].append(
            dict(op='resample', shape=[int(s) for s in shape]))
        return results


@TRANSFORMS.register_module()
class ScaleIntensityWindow(BaseTransform):
    """CT windowing: clip to ``[a_min, a_max]`` (HU) and map linearly to
    ``[b_min, b_max]`` (default [0, 1])."""

    def __init__(self, a_min: float, a_max: float, b_min: float = 0.,
                 b_max: float = 1., clip: bool = True):
        if a_max <= a_min:
            raise ValueError('a_max must be larger than a_min')
        self.a_min, self.a_max = float(a_min), float(a_max)
        self.b_min, self.b_max = float(b_min), float(b_max)
        self.clip = clip

    def transform(self, results: dict) -> dict:
        img = results['img']
        if self.clip:
            img = np.clip(img, self.a_min, self.a_max)
        img = (img - self.a_min) / (self.a_max - self.a_min)
        results['img'] = (img * (self.b_max - self.b_min) +
                          self.b_min).astype(np.float32)
        return results


@TRANSFORMS.register_module()
class RandCropByPosNeg(BaseTransform):
    """Random patch of ``size`` voxels, centred on a foreground voxel with
    probability ``pos / (pos + neg)`` and on any voxel otherwise (MONAI's
    ``RandCropByPosNegLabel`` rule, one patch per call). The volume is
    padded (image with ``pad_value``, label with 0) where it is smaller
    than the patch; without a label (unlabeled volumes) every crop is a
    random one.

    Args:
        size (int | Sequence[int]): Patch size (array axes); UMCT uses
            cubic patches so that all views share one shape.
        pos (float): Weight of foreground-centred crops. Defaults to 1.
        neg (float): Weight of random crops. Defaults to 1.
        pad_value (float): Image padding value. Defaults to 0.
    """

    def __init__(self, size, pos: float = 1., neg: float = 1.,
                 pad_value: float = 0.):
        self.size = (int(size), ) * 3 if np.isscalar(size) else tuple(
            int(s) for s in size)
        if pos < 0 or neg < 0 or pos + neg <= 0:
            raise ValueError('pos and neg must be >= 0 and not both 0')
        self.pos_ratio = pos / (pos + neg)
        self.pad_value = pad_value

    def _centre(self, seg):
        """A foreground voxel with probability ``pos_ratio``, else None
        (a random centre)."""
        if seg is None or np.random.rand() >= self.pos_ratio:
            return None
        fg = np.flatnonzero(seg > 0)
        if not len(fg):
            return None
        return np.unravel_index(fg[np.random.randint(len(fg))], seg.shape)

    def transform(self, results: dict) -> dict:
        img = results['img']
        seg = results.get('gt_seg')
        pads = [(max(s - d, 0) // 2, max(s - d, 0) - max(s - d, 0) // 2)
                for s, d in zip(self.size, img.shape)]
        if any(sum(p) for p in pads):
            img = np.pad(img, pads, constant_values=self.pad_value)
            if seg is not None:
                seg = np.pad(seg, pads, constant_values=0)
        centre = self._centre(seg)
        if centre is None:
            centre = [np.random.randint(d) for d in img.shape]
        starts = [int(np.clip(c - s // 2, 0, d - s))
                  for c, s, d in zip(centre, self.size, img.shape)]
        box = tuple(slice(a, a + s) for a, s in zip(starts, self.size))
        results['img'] = np.ascontiguousarray(img[box])
        if seg is not None:
            results['gt_seg'] = np.ascontiguousarray(seg[box])
        return results


@TRANSFORMS.register_module()
class RandCropByLabelClasses(RandCropByPosNeg):
    """Random patch centred on a voxel of a class drawn with ``ratios``
    (MONAI's ``RandCropByLabelClasses`` rule, one patch per call): with
    ``ratios=(1, 1, 1)`` a third of the patches are centred on background,
    organ and lesion each, so that a small class is seen as often as a
    large one. A class absent from the volume falls back to a random
    centre; without a label every crop is a random one.

    Args:
        size (int | Sequence[int]): Patch size.
        ratios (Sequence[float]): Weight of each class, background first.
        pad_value (float): Image padding value. Defaults to 0.
    """

    def __init__(self, size, ratios: Sequence[float],
                 pad_value: float = 0.):
        super().__init__(size, pos=1., neg=0., pad_value=pad_value)
        ratios = np.asarray(ratios, dtype=float)
        if ratios.ndim != 1 or (ratios < 0).any() or ratios.sum() <= 0:
            raise ValueError('ratios must be non-negative weights, one per '
                             'class, not all 0')
        self.ratios = ratios / ratios.sum()

    def _centre(self, seg):
        if seg is None:
            return None
        cls = int(np.random.choice(len(self.ratios), p=self.ratios))
        voxels = np.flatnonzero(seg == cls)
        if not len(voxels):
            return None
        return np.unravel_index(voxels[np.random.randint(len(voxels))],
                                seg.shape)


@TRANSFORMS.register_module()
class RandFlip3D(BaseTransform):
    """Flip image and label along each of ``axes`` with probability
    ``prob`` (independently)."""

    def __init__(self, prob: float = 0.5, axes: Sequence[int] = (0, 1, 2)):
        self.prob = prob
        self.axes = tuple(axes)

    def transform(self, results: dict) -> dict:
        for axis in self.axes:
            if np.random.rand() < self.prob:
                results['img'] = np.ascontiguousarray(
                    np.flip(results['img'], axis))
                if 'gt_seg' in results:
                    results['gt_seg'] = np.ascontiguousarray(
                        np.flip(results['gt_seg'], axis))
        return results


@TRANSFORMS.register_module()
class RandIntensityJitter(BaseTransform):
    """``img * (1 + s) + o`` with ``s ~ U(-scale, scale)`` and
    ``o ~ U(-shift, shift)``, each applied with probability ``prob``."""

    def __init__(self, scale: float = 0.1, shift: float = 0.1,
                 prob: float = 0.5):
        self.scale, self.shift, self.prob = scale, shift, prob

    def transform(self, results: dict) -> dict:
        img = results['img']
        if np.random.rand() < self.prob:
            img = img * (1 + np.random.uniform(-self.scale, self.scale))
        if np.random.rand() < self.prob:
            img = img + np.random.uniform(-self.shift, self.shift)
        results['img'] = img.astype(np.float32)
        return results


def invert_geometry(label: np.ndarray, geometry: Sequence[dict]
                    ) -> np.ndarray:
    """Bring a label volume (array axes of the pipeline's output, before
    :class:`PackVolumeInputs`' axis reversal) back to the file's grid by
    undoing the recorded steps in reverse order (nearest neighbour)."""
    for step in reversed(list(geometry)):
        if step['op'] == 'resample':
            factors = np.array(step['shape']) / np.array(label.shape)
            label = _zoom(label, factors, 0)
        elif step['op'] == 'orient':
            label = nio.apply_orientation(label, np.array(step['inverse']))
        else:
            raise ValueError(f'unknown geometry step {step["op"]!r}')
    return label


def save_nifti_like(label: np.ndarray, reference_path: str, out_path: str,
                    geometry: Sequence[dict] = ()) -> str:
    """Save ``label`` as NIfTI on the grid of ``reference_path``, with its
    affine and header (data type set to uint8/int16).

    Args:
        label (np.ndarray): Label volume in the pipeline's array axes.
        reference_path (str): The input volume it was predicted for.
        out_path (str): Output ``.nii.gz`` path.
        geometry (Sequence[dict]): The sample's ``geometry`` record.
    """
    label = invert_geometry(np.asarray(label), geometry)
    _, affine, header = load_nifti(reference_path)
    if label.shape != tuple(header.get_data_shape()[:3]):
        raise ValueError(f'label shape {label.shape} does not match '
                         f'{reference_path} {header.get_data_shape()}')
    dtype = np.uint8 if label.max() < 256 else np.int16
    header = header.copy()
    header.set_data_dtype(dtype)
    img = nib.Nifti1Image(label.astype(dtype), affine, header)
    img.set_qform(affine, code=int(header['qform_code']) or 1)
    img.set_sform(affine, code=int(header['sform_code']) or 1)
    nib.save(img, out_path)
    return out_path


@TRANSFORMS.register_module()
class LabelForLoggingOnly(BaseTransform):
    """Move an unlabeled volume's label out of training's reach: ``gt_seg``
    becomes ``log_seg``, which :class:`PackVolumeInputs` packs as the data
    sample's ``log_seg``; models train only on ``gt_seg`` (UMCT logs the
    Dice of its pseudo labels against ``log_seg``).

    Put it last before :class:`PackVolumeInputs` in an unlabeled pipeline
    whose dataset keeps the labels (``VolumeSplitDataset(...,
    log_labels=True)``), so that crops and flips move the label with the
    image; that pipeline's crops must not look at the label
    (``RandCropByPosNeg(pos=0)``), or the label would choose them.
    """

    def transform(self, results: dict) -> dict:
        if 'gt_seg' in results:
            results['log_seg'] = results.pop('gt_seg')
        return results


@TRANSFORMS.register_module()
class PackVolumeInputs(BaseTransform):
    """Pack a volume for the network: ``inputs`` (1, k, j, i) float32 (axes
    reversed: (z, y, x) after RAS reorientation) and a
    :class:`~mmssl.structures.VolumeDataSample` with ``gt_seg`` (same axes)
    and the metainfo needed to evaluate and save (``img_path``,
    ``spacing`` in the packed axis order, ``affine``, ``ori_shape``,
    ``geometry``); a ``log_seg`` (:class:`LabelForLoggingOnly`) is packed
    as ``log_seg`` the same way."""

    META_KEYS = ('img_path', 'seg_map_path', 'sample_idx', 'ori_shape',
                 'affine', 'ori_affine', 'geometry')

    def transform(self, results: dict) -> dict:
        from mmssl.structures import VolumeDataSample
        img = np.ascontiguousarray(results['img'].transpose(2, 1, 0))
        sample = VolumeDataSample()
        if 'gt_seg' in results:
            sample.gt_seg = torch.from_numpy(np.ascontiguousarray(
                results['gt_seg'].transpose(2, 1, 0))).long()
        if 'log_seg' in results:
            sample.log_seg = torch.from_numpy(np.ascontiguousarray(
                results['log_seg'].transpose(2, 1, 0))).long()
        meta = {k: results[k] for k in self.META_KEYS if k in results}
        meta['spacing'] = tuple(reversed(results['spacing']))
        meta['img_shape'] = img.shape
        sample.set_metainfo(meta)
        return dict(inputs=torch.from_numpy(img)[None].float(),
                    data_samples=sample)


def unpack_label(label_zyx: np.ndarray) -> np.ndarray:
    """Inverse of :class:`PackVolumeInputs`' axis reversal."""
    return np.ascontiguousarray(np.asarray(label_zyx).transpose(2, 1, 0))


__all__ = [
    'LoadNiftiFromFile', 'Orientation', 'Spacing', 'ScaleIntensityWindow',
    'RandCropByPosNeg', 'RandCropByLabelClasses', 'RandFlip3D',
    'RandIntensityJitter', 'LabelForLoggingOnly',
    'PackVolumeInputs', 'invert_geometry', 'save_nifti_like', 'load_nifti',
    'check_affine', 'check_voxels', 'unpack_label'
]

