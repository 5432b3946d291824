# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import List, Optional, Union

import cv2
import numpy as np
import torch

from mmssl.engine.hooks.visualization_hook import (
    diagnosis_caption,
    draw_lesion_result,
    top_boxes,
)
from mmssl.registry import INFERENCERS

from .inferencer import BaseImageInferencer

InputType = Union[str, np.ndarray]


@INFERENCERS.register_module()
class LesionDiagnosisInferencer(BaseImageInferencer):
    """Detect the lesion and diagnose it with a TSDDNet checkpoint: config
    + checkpoint in, per image the diagnosis probabilities and the lesion
    boxes scoring at least ``score_thr`` out.

    The pipeline is the config's test pipeline without its annotation
    loading (grayscale or colour files both work: images are read as
    three channels). Results hold ``diagnosis`` (the most probable class)
    with ``diagnosis_score`` (its probability), ``probs`` (diagnosis ->
    probability), ``boxes`` (the detections shown: score >= ``score_thr``,
    at most ``max_boxes``, highest first; each a dict of ``bbox``
    ``x0, y0, x1, y1`` in the image's pixels and ``score``), ``bbox`` (the
    ROI the diagnosis read: the top-1 detection whatever its score, or
    the whole image when nothing was detected) and ``det_score`` (the
    top-1 detection's score; None when nothing was detected).
    ``show_dir`` gets the image with the diagnosis as a caption and the
    shown boxes drawn with their scores.

    Args:
        model (str | dict, optional): Config path or dict; None to read the
            config stored in ``weights``.
        weights (str, optional): Checkpoint path (loaded weights-only).
        device (str, optional): ``'cpu'``, ``'cuda'``...
        diagnoses (Sequence[str], optional): Names of the diagnosis
            classes; defaults to the config's training dataset's
            ``diagnoses`` (benign, malignant).

    Call arguments ``score_thr`` (default 0.3) and ``max_boxes`` (default
    3; None keeps every box above the threshold) choose the boxes shown.

    Example:
        >>> inferencer = LesionDiagnosisInferencer(
        ...     'configs/tsddnet/tsddnet_r18_fpn_2e_busi-cpu.py', 'ckpt.pth')
        >>> out = inferencer('malignant (1).png', score_thr=0.5)
        >>> out['predictions'][0]['diagnosis'], out['predictions'][0]['boxes']
    """
    preprocess_kwargs: set = set()
    forward_kwargs: set = {'score_thr', 'max_boxes'}
    visualize_kwargs: set = {'show_dir'}
    postprocess_kwargs: set = {'return_datasamples'}

    def __init__(self, *args, diagnoses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if diagnoses is None:
            ds = self.cfg.get('train_dataloader', {}).get('dataset', {})
            diagnoses = ds.get('diagnoses', ('benign', 'malignant'))
        self.diagnoses = tuple(diagnoses)

    def _pipeline_cfg(self, cfg) -> list:
        """The test pipeline without its annotation loading."""
        return [t for t in cfg.test_dataloader.dataset.pipeline
                if 'Annotations' not in t['type']]

    @staticmethod
    def _as_image(arr: np.ndarray) -> np.ndarray:
        return arr if arr.ndim == 3 else np.repeat(arr[..., None], 3, 2)

    @torch.no_grad()
    def forward(self, inputs, score_thr: float = 0.3,
                max_boxes: Optional[int] = 3, **kwargs) -> list:
        """Run the model; each sample gets ``shown_instances``: its
        ``pred_instances`` scoring at least ``score_thr``, highest first,
        at most ``max_boxes`` (``pred_instances`` stays whole)."""
        preds = self.model.test_step(inputs)
        for pred in preds:
            inst = pred.pred_instances
            keep = top_boxes(inst.scores, score_thr, max_boxes)
            pred.set_field(inst[torch.as_tensor(keep, dtype=torch.long)],
                           'shown_instances')
            pred.set_metainfo(dict(score_thr=score_thr))
        return preds

    def _result(self, pred) -> dict:
        probs = pred.diag_scores.cpu().float().numpy()
        inst = pred.pred_instances
        det_score = float(inst.scores.max()) if len(inst.scores) else None
        label = int(probs.argmax())
        shown = pred.get('shown_instances', inst)
        return dict(
            diagnosis=self._name(label),
            diagnosis_score=float(probs[label]),
            probs={self._name(i): float(p) for i, p in enumerate(probs)},
            boxes=[dict(bbox=[float(v) for v in box], score=float(score))
                   for box, score in zip(shown.bboxes.cpu(),
                                         shown.scores.cpu())],
            bbox=[float(v) for v in pred.diag_box.cpu()],
            det_score=det_score)

    def _name(self, label: int) -> str:
        return self.diagnoses[label] if label < len(self.diagnoses) \
            else str(label)

    def visualize(self, inputs: List[InputType], preds,
                  show_dir: Optional[str] = None, **kwargs):
        if not show_dir:
            return None
        os.makedirs(show_dir, exist_ok=True)
        drawn = []
        for (img, name), pred in zip(self._images_to_draw(inputs), preds):
            res = self._result(pred)
            lines = diagnosis_caption(
                pred.diag_scores.cpu().float().numpy(), self.diagnoses)
            if not res['boxes']:
                thr = pred.metainfo.get('score_thr')
                lines.append('no lesion box' + (
                    f' >= {thr:.2f}' if thr is not None else ''))
            vis = draw_lesion_result(
                img, [b['bbox'] for b in res['boxes']],
                [b['score'] for b in res['boxes']], lines,
                min_side=max(256, min(img.shape[:2])))
            path = osp.join(show_dir, f'{name}_lesion.png')
            cv2.imwrite(path, cv2.cvtColor(vis, cv2.COLOR_RGB2BGR))
            drawn.append(path)
        return drawn

    def postprocess(self, preds, visualization=None,
                    return_datasamples: bool = False, **kwargs) -> dict:
        out = dict(predictions=preds if return_datasamples else
                   [self._result(p) for p in preds])
        if visualization is not None:
            out['visualization'] = visualization
        return out
