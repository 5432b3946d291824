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


@HOOKS.register_module()
class ClsVisualizationHook(Hook):
    """Write test images with their predicted and true class to a folder.

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
            drawn = draw_cls_result(img, lines)
            idx = sample.metainfo.get('sample_idx', self._count)
            cv2.imwrite(
                osp.join(out_dir, f'{idx:06d}.png'),
                cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
            self._count += 1
