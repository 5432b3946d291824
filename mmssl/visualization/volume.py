# Copyright (c) mmssl contributors. All rights reserved.
"""Pictures of 3-D segmentations: a montage of axial slices with the
labels blended in and a colour legend, and the display window picked by
modality (a CT window in HU, or percentiles for MRI). Drawn the same by
``demo/volume_demo.py`` and ``tools/test.py --show-dir``
(:class:`~mmssl.engine.hooks.VolumeSegVisualizationHook`)."""
import colorsys
from typing import List, Optional, Sequence, Tuple

import cv2
import nibabel as nib
import numpy as np
from mmengine.logging import print_log

from mmssl.engine.hooks.visualization_hook import caption_style, draw_caption

# RGB colours of labels 1-6; further labels get hues spread by the golden
# ratio (:func:`label_palette`)
_COLOURS = ((230, 60, 60), (60, 200, 80), (70, 120, 240), (240, 200, 40),
            (200, 80, 220), (40, 210, 210))
_FONT = cv2.FONT_HERSHEY_SIMPLEX

# Display window (HU) for a CT when the config has no ScaleIntensityWindow:
# the usual abdominal soft-tissue window (level 40, width 400)
DEFAULT_CT_WINDOW = (-160., 240.)
# Percentiles of the volume's intensities shown black and white for MRI
# (and for any modality other than CT)
MRI_PERCENTILES = (1., 99.)
# MSD's dataset.json names the MR sequences rather than "MRI"
_MR_NAMES = ('MR', 'MRI', 'T1', 'T1W', 'T1GD', 'T2', 'T2W', 'FLAIR', 'ADC',
             'DWI', 'PD')


def label_palette(num_labels: int) -> List[Tuple[int, int, int]]:
    """RGB colours of labels ``1 .. num_labels`` (label 0, background, is
    not coloured): six fixed colours, then hues spread by the golden
    ratio, so every label of a many-organ segmentation has its own."""
    colours = list(_COLOURS[:num_labels])
    for k in range(len(colours), num_labels):
        h = (0.1 + k * 0.618034) % 1.
        r, g, b = colorsys.hsv_to_rgb(h, 0.75, 0.95)
        colours.append((int(r * 255), int(g * 255), int(b * 255)))
    return colours


def resolve_modality(image: np.ndarray, modality: Optional[str] = None,
                     name: str = 'the volume') -> str:
    """``'CT'`` or ``'MRI'`` for ``image``.

    A given ``modality`` (the config's ``modality`` key, ``--modality``,
    or MSD's ``dataset.json``) decides: ``'CT'``, or an MR name (``'MRI'``,
    ``'MR'``, MSD's sequence names ``'T2'``, ``'FLAIR'``, ``'ADC'`` ...).
    Without one, a volume whose minimum is below -500 is taken for a CT
    in Hounsfield units (air is -1000 HU) and anything else for MRI, with
    a warning, as is an unknown name.
    """
    if modality is not None:
        key = str(modality).strip().upper()
        if key == 'CT':
            return 'CT'
        if key in _MR_NAMES:
            return 'MRI'
        print_log(f"unknown modality {modality!r} for {name}: showing it "
                  'as MRI (intensity percentiles); use CT or MRI',
                  logger='current', level=30)
        return 'MRI'
    lo = float(np.min(image))
    if lo < -500:
        return 'CT'
    print_log(f'the modality of {name} is not known and its intensities '
              f'(min {lo:g}) do not look like CT Hounsfield units: showing '
              'it as MRI (intensity percentiles); set the config key '
              "modality='CT' or 'MRI' (or --modality) to be sure",
              logger='current', level=30)
    return 'MRI'


def intensity_window(image: np.ndarray, modality: str,
                     ct_window: Optional[Sequence[float]] = None
                     ) -> Tuple[float, float]:
    """The intensities shown black and white: for a CT, ``ct_window``
    (e.g. the config's ``ScaleIntensityWindow``) or
    :data:`DEFAULT_CT_WINDOW`; otherwise the volume's
    :data:`MRI_PERCENTILES` (1st and 99th)."""
    if modality == 'CT':
        lo, hi = ct_window if ct_window is not None else DEFAULT_CT_WINDOW
        return float(lo), float(hi)
    lo, hi = np.percentile(image, MRI_PERCENTILES)
    return float(lo), float(hi)


def draw_legend(width: int, entries: Sequence[Tuple[str, tuple]],
                style_shape) -> np.ndarray:
    """A strip ``width`` pixels wide naming each label beside a swatch of
    its colour, wrapped into rows; text in the caption style
    (:func:`caption_style` of ``style_shape``), white on black."""
    scale, thickness, pad = caption_style(style_shape)
    (_, th), base = cv2.getTextSize('Ag', _FONT, scale, thickness)
    row_h = th + base + 2 * pad
    items, x, rows = [], pad, 0
    for text, colour in entries:
        (tw, _), _ = cv2.getTextSize(text, _FONT, scale, thickness)
        item_w = th + pad + tw + 3 * pad
        if x > pad and x + item_w > width:
            x, rows = pad, rows + 1
        items.append((x, rows, text, colour))
        x += item_w
    strip = np.zeros(((rows + 1) * row_h, width, 3), np.uint8)
    for x, row, text, colour in items:
        y = row * row_h
        cv2.rectangle(strip, (x, y + pad), (x + th, y + pad + th),
                      tuple(int(c) for c in colour), -1)
        cv2.putText(strip, text, (x + th + pad, y + pad + th), _FONT, scale,
                    (255, 255, 255), thickness, cv2.LINE_AA)
    return strip


def montage(image: np.ndarray, label: np.ndarray, affine: np.ndarray,
            window=None, num_slices: int = 12, cols: int = 4,
            alpha: float = 0.45, classes: Sequence[str] = (),
            legend: bool = True) -> np.ndarray:
    """Axial slices of ``image`` with ``label`` blended in, as one RGB
    uint8 picture, with a colour legend of the labels present underneath.

    Both volumes are reoriented to RAS for display (anterior up, patient's
    right on the left, radiological convention); slices are spread over
    the labelled extent (the whole volume when the label is empty).

    Args:
        image (np.ndarray): The volume, in its file's voxel order.
        label (np.ndarray): Labels on the same grid.
        affine (np.ndarray): Their 4x4 affine.
        window (tuple, optional): Intensities shown black and white
            (:func:`intensity_window`); the 1st and 99th percentiles when
            None.
        num_slices (int): Slices drawn. Defaults to 12.
        cols (int): Slices per row. Defaults to 4.
        alpha (float): Label colour weight. Defaults to 0.45.
        classes (Sequence[str]): Class names by label (background first)
            for the legend; labels without a name are called
            ``class <k>``.
        legend (bool): Draw the legend (when any label is present).
            Defaults to True.
    """
    ornt = nib.orientations.io_orientation(affine)
    to_ras = nib.orientations.ornt_transform(
        ornt, nib.orientations.axcodes2ornt('RAS'))
    img = nib.orientations.apply_orientation(image, to_ras).astype(float)
    lab = nib.orientations.apply_orientation(label, to_ras)
    lo, hi = window if window else np.percentile(img, (1, 99))
    img = np.clip((img - lo) / max(hi - lo, 1e-6), 0, 1)
    present = [int(c) for c in np.unique(lab) if c > 0]
    palette = label_palette(max(present, default=0))
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
        for c in present:
            colour = np.array(palette[c - 1], float)
            tile[sl == c] = tile[sl == c] * (1 - alpha) + colour * alpha
        tile = cv2.resize(tile.astype(np.uint8), None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_NEAREST)
        tiles.append(draw_caption(tile, [f'z={z}']))
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    pic = np.vstack([np.hstack(tiles[i:i + cols])
                     for i in range(0, len(tiles), cols)])
    if legend and present:
        entries = [(classes[c] if c < len(classes) else f'class {c}',
                    palette[c - 1]) for c in present]
        pic = np.vstack([pic, draw_legend(pic.shape[1], entries,
                                          tiles[0].shape)])
    return pic
