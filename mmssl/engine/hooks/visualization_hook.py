# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import Optional

import cv2
import numpy as np
from mmengine.hooks import Hook

from mmssl.registry import HOOKS


def draw_cls_result(img: np.ndarray, text_lines, min_side: int = 192):
    """Upscale ``img`` (HxWxC RGB uint8) and write ``text_lines`` on it.

    Returns an RGB uint8 image.
    """
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    h, w = img.shape[:2]
    scale = max(1, int(np.ceil(min_side / min(h, w))))
    if scale > 1:
        img = cv2.resize(img, (w * scale, h * scale),
                         interpolation=cv2.INTER_NEAREST)
    img = np.ascontiguousarray(img)
    y = 18
    for line in text_lines:
        cv2.putText(img, line, (4, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                    (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(img, line, (4, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                    (255, 255, 0), 1, cv2.LINE_AA)
        y += 18
    return img


def draw_box_result(img: np.ndarray, pred_box, text_lines, gt_boxes=None,
                    min_side: int = 192) -> np.ndarray:
    """Draw a predicted box (green), ground-truth boxes (red) and text on
    ``img`` (HxWx3 or HxW RGB uint8), upscaled so its short side is at
    least ``min_side``. Returns an RGB uint8 image."""
    if img.ndim == 2 or img.shape[2] == 1:
        img = np.repeat(img.reshape(*img.shape[:2], 1), 3, axis=2)
    h, w = img.shape[:2]
    scale = max(1, int(np.ceil(min_side / min(h, w))))
    vis = img
    if scale > 1:
        vis = cv2.resize(vis, (w * scale, h * scale),
                         interpolation=cv2.INTER_LINEAR)
    vis = np.ascontiguousarray(vis)

    def rect(box, colour):
        x0, y0, x1, y1 = (int(round(float(v) * scale)) for v in box)
        cv2.rectangle(vis, (x0, y0), (x1, y1), colour, 2)

    for box in ([] if gt_boxes is None else np.asarray(gt_boxes).reshape(
            -1, 4)):
        rect(box, (255, 0, 0))
    if pred_box is not None:
        rect(pred_box, (0, 255, 0))
    return draw_cls_result(vis, text_lines, min_side=min_side)


def draw_loc_result(img: np.ndarray, loc_map: np.ndarray, pred_box,
                    text_lines, gt_boxes=None, alpha: float = 0.5,
                    min_side: int = 192) -> np.ndarray:
    """Blend a localization heatmap over ``img`` and draw the boxes.

    Args:
        img (np.ndarray): HxWx3 RGB uint8 image.
        loc_map (np.ndarray): Map in [0, 1], any size (resized to ``img``).
        pred_box: ``x0, y0, x1, y1`` in ``img`` pixels, drawn in green.
        text_lines (list[str]): Text written at the top left.
        gt_boxes (optional): (N, 4) boxes in ``img`` pixels, drawn in red.
        alpha (float): Heatmap weight. Defaults to 0.5.

    Returns:
        np.ndarray: RGB uint8 image, upscaled so its short side is at least
        ``min_side``.
    """
    if img.ndim == 2 or img.shape[2] == 1:
        img = np.repeat(img.reshape(*img.shape[:2], 1), 3, axis=2)
    h, w = img.shape[:2]
    heat = cv2.resize(np.clip(loc_map, 0, 1).astype(np.float32), (w, h))
    heat = cv2.applyColorMap((heat * 255).astype(np.uint8),
                             cv2.COLORMAP_JET)[..., ::-1]
    vis = (img.astype(np.float32) * (1 - alpha) +
           heat.astype(np.float32) * alpha).astype(np.uint8)
    return draw_box_result(vis, pred_box, text_lines, gt_boxes, min_side)


@HOOKS.register_module()
class ClsVisualizationHook(Hook):
    """Write test images with their predicted and true class to a folder
    (and, for localization models, the heatmap with the predicted box in
    green and the ground-truth boxes in red).

    Enabled by ``tools/test.py --show-dir DIR``.

    Args:
        out_dir (str, optional): Output folder; relative paths are taken
            inside the run's log folder. Defaults to None (disabled).
        max_images (int): Stop after this many images. Defaults to 200.
    """
    priority = 'NORMAL'

    def __init__(self, out_dir: Optional[str] = None, max_images: int = 200):
        self.out_dir = out_dir
        self.max_images = max_images
        self._count = 0

    def after_test_iter(self, runner, batch_idx, data_batch=None,
                        outputs=None) -> None:
        if self.out_dir is None or data_batch is None:
            return
        out_dir = self.out_dir if osp.isabs(self.out_dir) else osp.join(
            runner.log_dir, self.out_dir)
        os.makedirs(out_dir, exist_ok=True)
        classes = runner.test_dataloader.dataset.metainfo.get('classes', ())
        for inp, sample in zip(data_batch['inputs'], outputs):
            if self._count >= self.max_images:
                return
            img = inp.permute(1, 2, 0).cpu().numpy().astype(np.uint8)
            label = int(sample.pred_label[0])
            name = classes[label] if label < len(classes) else str(label)
            lines = [f'pred: {name} ({float(sample.pred_score[label]):.2f})']
            if 'gt_label' in sample:
                gt = int(sample.gt_label[0])
                lines.append(
                    f'gt: {classes[gt] if gt < len(classes) else gt}')
            if 'loc_map' in sample:
                drawn = draw_loc_result(
                    img, sample.loc_map.cpu().numpy(),
                    sample.pred_bbox.tolist(), lines,
                    gt_boxes=sample.get('gt_bboxes'))
            else:
                drawn = draw_cls_result(img, lines)
            idx = sample.metainfo.get('sample_idx', self._count)
            cv2.imwrite(
                osp.join(out_dir, f'{idx:06d}.png'),
                cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
            self._count += 1


def draw_seg_result(img: np.ndarray, mask: np.ndarray, palette,
                    text_lines=(), alpha: float = 0.5,
                    ignore_index: int = 255,
                    min_side: int = 192) -> np.ndarray:
    """Blend a semantic mask's colours over ``img``.

    Args:
        img (np.ndarray): HxWx3 RGB uint8 image.
        mask (np.ndarray): HxW class indices (the image's size).
        palette: One RGB colour per class.
        text_lines (list[str]): Text written at the top left.
        alpha (float): Mask weight on labelled pixels; class 0
            (background) and ``ignore_index`` are left uncoloured.

    Returns:
        np.ndarray: RGB uint8 image, upscaled so its short side is at least
        ``min_side``.
    """
    if img.ndim == 2 or img.shape[2] == 1:
        img = np.repeat(img.reshape(*img.shape[:2], 1), 3, axis=2)
    if mask.shape != img.shape[:2]:
        raise ValueError(f'mask {mask.shape} and image {img.shape[:2]} '
                         'sizes differ')
    colours = np.zeros((256, 3), np.float32)
    colours[:len(palette)] = np.asarray(palette, np.float32)
    vis = img.astype(np.float32)
    fg = (mask > 0) & (mask != ignore_index)
    vis[fg] = vis[fg] * (1 - alpha) + colours[mask[fg]] * alpha
    return draw_cls_result(vis.astype(np.uint8), text_lines, min_side)
