# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import List, Optional, Union

import cv2
import numpy as np

from mmssl.engine.hooks.visualization_hook import draw_box_result
from mmssl.registry import INFERENCERS

from .inferencer import BaseImageInferencer

InputType = Union[str, np.ndarray]


@INFERENCERS.register_module()
class LesionDiagnosisInferencer(BaseImageInferencer):
    """Detect the lesion and diagnose it with a TSDDNet checkpoint: config
    + checkpoint in, per image the top-1 lesion box and the diagnosis
    probabilities out.

    The pipeline is the config's test pipeline without its annotation
    loading (grayscale or colour files both work: images are read as
    three channels). Results hold ``bbox`` (``x0, y0, x1, y1`` in the
    image's pixels: the ROI the diagnosis read, i.e. the top-1 detection,
    or the whole image when nothing was detected), ``det_score`` (None
    when nothing was detected), ``probs`` (diagnosis -> probability) and
    ``diagnosis``; ``show_dir`` gets the image with the box and the
    probabilities drawn.

    Args:
        model (str | dict, optional): Config path or dict; None to read the
            config stored in ``weights``.
        weights (str, optional): Checkpoint path (loaded weights-only).
        device (str, optional): ``'cpu'``, ``'cuda'``...
        diagnoses (Sequence[str], optional): Names of the diagnosis
            classes; defaults to the config's training dataset's
            ``diagnoses`` (benign, malignant).
    """
    preprocess_kwargs: set = set()
    forward_kwargs: set = set()
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

    def _result(self, pred) -> dict:
        probs = pred.diag_scores.cpu().float().numpy()
        inst = pred.pred_instances
        det_score = float(inst.scores.max()) if len(inst.scores) else None
        label = int(probs.argmax())
        return dict(
            bbox=[float(v) for v in pred.diag_box.cpu()],
            det_score=det_score,
            probs={self._name(i): float(p) for i, p in enumerate(probs)},
            diagnosis=self._name(label))

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
            lines = [f'{k}: {v:.3f}' for k, v in res['probs'].items()]
            lines.append('lesion: ' + (f"{res['det_score']:.2f}"
                                       if res['det_score'] is not None
                                       else 'none detected'))
            vis = draw_box_result(img, res['bbox'], lines,
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
