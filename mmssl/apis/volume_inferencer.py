# Copyright (c) mmssl contributors. All rights reserved.
"""Segment NIfTI volumes with a trained volumetric model: a label volume
on the input's grid (with its affine and header) and a PNG montage."""
import os
import os.path as osp
import time
from typing import Optional, Union

import cv2
import nibabel as nib
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.logging import print_log
from mmengine.registry import init_default_scope

from mmssl.datasets.transforms.volume import (
    invert_geometry,
    load_nifti,
    save_nifti_like,
    unpack_label,
)
from mmssl.models.utils.sliding_window import num_windows
from mmssl.registry import MODELS
from mmssl.utils.checkpoint import load_checkpoint_strict
from mmssl.visualization.volume import (
    intensity_window,
    montage,
    resolve_modality,
)


def _window(cfg: Config):
    """The CT window (HU) of the config's test pipeline, if it has one."""
    for t in cfg.test_dataloader.dataset.get('pipeline', []):
        if t.get('type') == 'ScaleIntensityWindow':
            return float(t['a_min']), float(t['a_max'])
    return None


def _pixdim(value, where: str):
    """``infer_spacing`` as None, ``'input'`` or three floats (mm)."""
    if value is None or value == 'input':
        return value
    try:
        vals = [float(value)] * 3 if np.isscalar(value) else [
            float(v) for v in value]
    except (TypeError, ValueError):
        vals = []
    if len(vals) != 3 or not all(np.isfinite(v) and v > 0 for v in vals):
        raise ValueError(f"{where} must be None, 'input', a spacing in mm "
                         f'or three of them (x, y, z), got {value!r}')
    return tuple(vals)


def set_infer_spacing(pipeline: list, spacing) -> list:
    """``pipeline`` with its ``Spacing`` step set to ``spacing``: None
    keeps it (the training resolution), ``'input'`` removes it (each
    volume keeps its own voxel size), three floats (mm) replace its
    ``pixdim`` (or add a ``Spacing`` after the reorientation)."""
    spacing = _pixdim(spacing, 'infer_spacing')
    if spacing is None:
        return list(pipeline)
    if spacing == 'input':
        return [t for t in pipeline if t['type'] != 'Spacing']
    out = [dict(t, pixdim=spacing) if t['type'] == 'Spacing' else t
           for t in pipeline]
    if not any(t['type'] == 'Spacing' for t in out):
        types = [t['type'] for t in out]
        at = types.index('Orientation') + 1 if 'Orientation' in types \
            else types.index('LoadNiftiFromFile') + 1
        out.insert(at, dict(type='Spacing', pixdim=spacing))
    return out


def _fmt(values, digits: int = 0) -> str:
    return 'x'.join(f'{v:.{digits}f}' for v in values)


class VolumeSegInferencer:
    """Config + checkpoint in; label volumes and montages out.

    The volume goes through the config's test pipeline (reorientation,
    resampling, windowing), the model predicts it whole (sliding windows,
    with progress logged), and the label is brought back to the input's
    grid and saved with the input's affine and header.

    Two optional top-level config keys (``--cfg-options`` of the demo
    sets them):

    - ``infer_spacing``: the voxel size (mm) volumes are resampled to for
      inference. None (default) keeps the test pipeline's ``Spacing``,
      the resolution the model was trained at; ``'input'`` keeps each
      volume's own voxel size (no resampling); a number or three numbers
      (x, y, z, in RAS) set it. Coarser is faster: the windows grow with
      the number of voxels.
    - ``modality``: ``'CT'`` or ``'MRI'`` (MSD's sequence names such as
      ``'T2'`` count as MRI): how the montage picks its intensity window
      (the pipeline's HU window, else -160..240 HU, for CT; the 1st-99th
      percentiles for MRI). Unset, a volume with intensities below -500
      is taken for a CT, anything else for MRI with a warning.

    Args:
        model (str | Config, optional): Config path or config; None to
            use the config stored in the checkpoint.
        weights (str): Checkpoint (loaded weights-only).
        device (str, optional): Defaults to CUDA when available.
        modality (str, optional): Overrides the config's ``modality``.

    Example:
        >>> inferencer = VolumeSegInferencer(cfg_path, ckpt)
        >>> result = inferencer('case.nii.gz', out_dir='out')
        >>> result['label'].shape, result['nifti'], result['montage']
    """

    def __init__(self, model: Optional[Union[str, Config]], weights: str,
                 device: Optional[str] = None,
                 modality: Optional[str] = None):
        init_default_scope('mmssl')
        if model is None:
            from mmssl.utils.checkpoint import safe_torch_load
            meta = safe_torch_load(weights, map_location='cpu').get(
                'meta', {})
            if 'cfg' not in meta:
                raise ValueError(f'{weights} stores no config: give one')
            model = Config.fromstring(meta['cfg'], '.py')
        cfg = model if isinstance(model, Config) else Config.fromfile(model)
        self.cfg = cfg
        self.device = device or ('cuda' if torch.cuda.is_available() else
                                 'cpu')
        self.model = MODELS.build(cfg.model)
        ckpt = load_checkpoint_strict(self.model, weights)
        meta = ckpt.get('meta', {}) or {}
        self.classes = tuple(meta.get('dataset_meta', {}).get('classes', ()))
        self.model.to(self.device).eval()
        if isinstance(getattr(self.model, 'test_cfg', None), dict):
            self.model.test_cfg['log_progress'] = True
        pipeline = cfg.get('infer_pipeline') or \
            cfg.test_dataloader.dataset.pipeline
        pipeline = set_infer_spacing(pipeline, cfg.get('infer_spacing'))
        self.pipeline = Compose([
            dict(t, with_seg=False) if t['type'] == 'LoadNiftiFromFile' else t
            for t in pipeline
        ])
        self.window = _window(cfg)
        self.modality = modality or cfg.get('modality')

    def _log_plan(self, path: str, data: dict) -> None:
        """Say what the volume becomes and how many windows it takes."""
        meta = data['data_samples'].metainfo
        ori = nib.load(path)
        zooms = ori.header.get_zooms()[:3]
        shape = tuple(data['inputs'].shape[1:])[::-1]  # (x, y, z), RAS
        spacing = tuple(meta.get('spacing', ()))[::-1]
        msg = (f'{osp.basename(path)}: {_fmt(ori.shape[:3])} voxels at '
               f'{_fmt(zooms, 2)} mm -> {_fmt(shape)} at '
               f'{_fmt(spacing, 2)} mm (RAS) for inference')
        test_cfg = getattr(self.model, 'test_cfg', None)
        if isinstance(test_cfg, dict) and 'roi_size' in test_cfg:
            views = len(getattr(self.model, 'views', [()]))
            n = num_windows(data['inputs'].shape[1:], test_cfg['roi_size'],
                            test_cfg.get('overlap', 0.5))
            roi = test_cfg['roi_size']
            roi = (roi, ) * 3 if isinstance(roi, int) else roi
            msg += (f': {views} view(s) x {n} windows of {_fmt(roi)}')
        print_log(msg, logger='current')
        grow = np.prod(shape) / max(np.prod(ori.shape[:3]), 1)
        if grow > 4 and self.cfg.get('infer_spacing') is None:
            print_log(f'resampling makes {grow:.0f} times the voxels of the '
                      'input; to run faster, infer at a coarser spacing, '
                      "e.g. --cfg-options infer_spacing=input (the input's "
                      'own) or infer_spacing=2 (mm)', logger='current',
                      level=30)

    @torch.no_grad()
    def __call__(self, path: str, out_dir: Optional[str] = None) -> dict:
        start = time.monotonic()
        data = self.pipeline(dict(img_path=path))
        self._log_plan(path, data)
        batch = self.model.data_preprocessor(
            dict(inputs=[data['inputs']], data_samples=[data['data_samples']]))
        sample = self.model.predict(batch['inputs'], batch['data_samples'])[0]
        geometry = sample.metainfo.get('geometry', [])
        pred = unpack_label(sample.pred_seg.cpu().numpy())
        label = invert_geometry(pred, geometry).astype(np.uint8)
        print_log(f'{osp.basename(path)}: predicted in '
                  f'{time.monotonic() - start:.1f} s', logger='current')
        result = dict(label=label)
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            name = osp.basename(path)
            for ext in ('.nii.gz', '.nii'):
                if name.endswith(ext):
                    name = name[:-len(ext)]
            result['nifti'] = save_nifti_like(
                pred, path, osp.join(out_dir, f'{name}_pred.nii.gz'),
                geometry)
            image, affine, _ = load_nifti(path)
            modality = resolve_modality(image, self.modality,
                                        osp.basename(path))
            result['modality'] = modality
            if modality != 'CT' and self.window is not None:
                print_log(f'{osp.basename(path)} is shown as {modality}, but '
                          "the config's pipeline windows its input as CT "
                          f'({self.window[0]:g}..{self.window[1]:g} HU): '
                          'the prediction is only meaningful for a CT',
                          logger='current', level=30)
            window = intensity_window(image, modality, self.window)
            pic = montage(image, label, affine, window, classes=self.classes)
            result['montage'] = osp.join(out_dir, f'{name}_montage.png')
            cv2.imwrite(result['montage'],
                        cv2.cvtColor(pic, cv2.COLOR_RGB2BGR))
        return result
