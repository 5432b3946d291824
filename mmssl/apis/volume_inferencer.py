# Copyright (c) mmssl contributors. All rights reserved.
"""Segment NIfTI volumes with a trained volumetric model: a label volume
on the input's grid (with its affine and header) and a PNG montage."""
import os
import os.path as osp
from typing import Optional, Union

import cv2
import nibabel as nib
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from mmssl.datasets.transforms.volume import (
    invert_geometry,
    load_nifti,
    save_nifti_like,
    unpack_label,
)
from mmssl.engine.hooks.visualization_hook import draw_caption
from mmssl.registry import MODELS
from mmssl.utils.checkpoint import load_checkpoint_strict

# RGB colours of labels 1, 2, ... in the montage
_COLOURS = ((230, 60, 60), (60, 200, 80), (70, 120, 240), (240, 200, 40),
            (200, 80, 220), (40, 210, 210))


def _window(cfg: Config):
    for t in cfg.test_dataloader.dataset.get('pipeline', []):
        if t.get('type') == 'ScaleIntensityWindow':
            return float(t['a_min']), float(t['a_max'])
    return None


def montage(image: np.ndarray, label: np.ndarray, affine: np.ndarray,
            window=None, num_slices: int = 12, cols: int = 4,
            alpha: float = 0.45) -> np.ndarray:
    """Axial slices of ``image`` with ``label`` blended in, as one RGB
    uint8 picture. Both are reoriented to RAS for display (anterior up,
    patient's right on the left, radiological convention); slices are
    spread over the labelled extent (the whole volume when the label is
    empty)."""
    ornt = nib.orientations.io_orientation(affine)
    to_ras = nib.orientations.ornt_transform(
        ornt, nib.orientations.axcodes2ornt('RAS'))
    img = nib.orientations.apply_orientation(image, to_ras).astype(float)
    lab = nib.orientations.apply_orientation(label, to_ras)
    lo, hi = window if window else np.percentile(img, (1, 99))
    img = np.clip((img - lo) / max(hi - lo, 1e-6), 0, 1)
    zs = np.nonzero(lab.any(axis=(0, 1)))[0]
    first, last = (zs[0], zs[-1]) if len(zs) else (0, img.shape[2] - 1)
    picks = np.unique(np.linspace(first, last, num_slices).round().astype(
        int))
    cols = min(cols, len(picks))
    rows = -(-len(picks) // cols)
    h, w = img.shape[1], img.shape[0]
    # tiles upscaled before their captions so the text stays sharp
    scale = max(1, int(np.ceil(256 / min(rows * h, cols * w))))
    tiles = []
    for z in picks:
        grey = (img[:, :, z].T[::-1, ::-1] * 255).astype(np.uint8)
        tile = np.repeat(grey[..., None], 3, axis=2).astype(float)
        sl = lab[:, :, z].T[::-1, ::-1]
        for c in range(1, int(lab.max()) + 1):
            colour = np.array(_COLOURS[(c - 1) % len(_COLOURS)], float)
            tile[sl == c] = tile[sl == c] * (1 - alpha) + colour * alpha
        tile = cv2.resize(tile.astype(np.uint8), None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_NEAREST)
        tiles.append(draw_caption(tile, [f'z={z}']))
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i:i + cols])
                      for i in range(0, len(tiles), cols)])


class VolumeSegInferencer:
    """Config + checkpoint in; label volumes and montages out.

    The volume goes through the config's test pipeline (reorientation,
    resampling, windowing), the model predicts it whole (sliding windows),
    and the label is brought back to the input's grid and saved with the
    input's affine and header.

    Args:
        model (str | Config, optional): Config path; None to use the
            config stored in the checkpoint.
        weights (str): Checkpoint (loaded weights-only).
        device (str, optional): Defaults to CUDA when available.

    Example:
        >>> inferencer = VolumeSegInferencer(cfg_path, ckpt)
        >>> result = inferencer('case.nii.gz', out_dir='out')
        >>> result['label'].shape, result['nifti'], result['montage']
    """

    def __init__(self, model: Optional[Union[str, Config]], weights: str,
                 device: Optional[str] = None):
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
        pipeline = cfg.get('infer_pipeline') or \
            cfg.test_dataloader.dataset.pipeline
        self.pipeline = Compose([
            dict(t, with_seg=False) if t['type'] == 'LoadNiftiFromFile' else t
            for t in pipeline
        ])
        self.window = _window(cfg)

    @torch.no_grad()
    def __call__(self, path: str, out_dir: Optional[str] = None) -> dict:
        data = self.pipeline(dict(img_path=path))
        batch = self.model.data_preprocessor(
            dict(inputs=[data['inputs']], data_samples=[data['data_samples']]))
        sample = self.model.predict(batch['inputs'], batch['data_samples'])[0]
        geometry = sample.metainfo.get('geometry', [])
        pred = unpack_label(sample.pred_seg.cpu().numpy())
        label = invert_geometry(pred, geometry).astype(np.uint8)
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
            pic = montage(image, label, affine, self.window)
            result['montage'] = osp.join(out_dir, f'{name}_montage.png')
            cv2.imwrite(result['montage'],
                        cv2.cvtColor(pic, cv2.COLOR_RGB2BGR))
        return result
