# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import List, Optional, Union

import cv2
import numpy as np

from mmssl.engine.hooks.visualization_hook import draw_seg_result
from mmssl.registry import INFERENCERS

from .inferencer import BaseImageInferencer

InputType = Union[str, np.ndarray]


@INFERENCERS.register_module()
class SemanticSegInferencer(BaseImageInferencer):
    """Segment images with an mmssl/mmseg segmentor (e.g. MARS's
    DeepLabV3+): config + checkpoint in, a label map per image out.

    The pipeline is the config's test pipeline without its annotation
    loading. Results hold ``mask`` (HxW class indices at the image's
    size), ``classes`` and ``palette`` (from the checkpoint's dataset
    meta) and the share of pixels per predicted class; ``show_dir`` gets
    the image with the mask's colours blended in.

    Args:
        model (str | dict, optional): Config path or dict; None to read the
            config stored in ``weights``.
        weights (str, optional): Checkpoint path (loaded weights-only).
        device (str, optional): ``'cpu'``, ``'cuda'``...
    """
    preprocess_kwargs: set = set()
    forward_kwargs: set = set()
    visualize_kwargs: set = {'show_dir', 'alpha'}
    postprocess_kwargs: set = {'return_datasamples'}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meta = getattr(self.model, 'dataset_meta', None) or {}
        self.classes = tuple(meta.get('classes', ()))
        self.palette = meta.get('palette') or _default_palette(
            max(len(self.classes), 2))

    def _pipeline_cfg(self, cfg) -> list:
        """The test pipeline without its annotation loading."""
        return [t for t in cfg.test_dataloader.dataset.pipeline
                if 'Annotations' not in t['type']]

    @staticmethod
    def _as_image(arr: np.ndarray) -> np.ndarray:
        return arr if arr.ndim == 3 else np.repeat(arr[..., None], 3, 2)

    def _name(self, label: int) -> str:
        return self.classes[label] if label < len(self.classes) \
            else str(label)

    def visualize(self, inputs: List[InputType], preds,
                  show_dir: Optional[str] = None, alpha: float = 0.5,
                  **kwargs):
        if not show_dir:
            return None
        os.makedirs(show_dir, exist_ok=True)
        drawn = []
        for (img, name), pred in zip(self._images_to_draw(inputs), preds):
            mask = pred.pred_sem_seg.data[0].cpu().numpy()
            labels = [int(c) for c in np.unique(mask) if c > 0]
            lines = [self._name(c) for c in labels] or ['background only']
            vis = draw_seg_result(img, mask, self.palette, lines, alpha,
                                  min_side=min(img.shape[:2]))
            path = osp.join(show_dir, f'{name}_seg.png')
            cv2.imwrite(path, cv2.cvtColor(vis, cv2.COLOR_RGB2BGR))
            drawn.append(path)
        return drawn

    def postprocess(self, preds, visualization=None,
                    return_datasamples: bool = False, **kwargs) -> dict:
        results = []
        for pred in preds:
            mask = pred.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
            counts = np.bincount(mask.ravel(), minlength=len(self.classes))
            share = {self._name(c): float(n) / mask.size * 100
                     for c, n in enumerate(counts) if n}
            results.append(dict(mask=mask, classes=self.classes,
                                share=share))
        out = dict(predictions=preds if return_datasamples else results)
        if visualization is not None:
            out['visualization'] = visualization
        return out


def _default_palette(n: int) -> list:
    rng = np.random.default_rng(0)
    return [[0, 0, 0]] + rng.integers(0, 255, (n - 1, 3)).tolist()
