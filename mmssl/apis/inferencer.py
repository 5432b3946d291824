# Copyright (c) mmssl contributors. All rights reserved.
import os.path as osp
from typing import List, Optional, Sequence, Union

import cv2
import numpy as np
from mmcv.transforms import Compose
from mmengine.infer.infer import BaseInferencer
from mmengine.registry import init_default_scope

from mmssl.engine.hooks.visualization_hook import (
    draw_cls_result,
    draw_loc_result,
)
from mmssl.registry import INFERENCERS
from mmssl.structures import ClsDataSample
from mmssl.utils.checkpoint import check_weights_fit, state_dict_of

InputType = Union[str, np.ndarray]


class BaseImageInferencer(BaseInferencer):
    """What mmssl's image inferencers share: the checkpoint's dataset meta
    on the model, a pipeline for files (image loading put in front when the
    config's pipeline has none) and one for in-memory arrays (without it),
    and batching. Subclasses give :meth:`_pipeline_cfg`, and may adapt
    arrays in :meth:`_as_image`."""
    def __init__(self,
                 model=None,
                 weights: Optional[str] = None,
                 device: Optional[str] = None,
                 scope: str = 'mmssl',
                 show_progress: bool = False):
        init_default_scope(scope)
        self._weights = weights
        super().__init__(model=model, weights=weights, device=device,
                         scope=scope, show_progress=show_progress)

    def _load_weights_to_model(self, model, checkpoint, cfg) -> None:
        """Load strictly: another model's checkpoint is an error naming
        the keys that do not fit (mmengine only warns)."""
        if checkpoint is not None:
            path = self._weights or 'the checkpoint'
            check_weights_fit(model, state_dict_of(checkpoint, path), path)
        super()._load_weights_to_model(model, checkpoint, cfg)
        meta = (checkpoint or {}).get('meta', {})
        model.dataset_meta = dict(meta.get('dataset_meta', {}))

    def _init_pipeline(self, cfg) -> Compose:
        """The pipeline for file inputs; in-memory arrays skip its loading
        step (``self.array_pipeline``)."""
        pipeline = self._pipeline_cfg(cfg)
        is_load = [t['type'].endswith('LoadImageFromFile') for t in pipeline]
        self.array_pipeline = Compose(
            [t for t, load in zip(pipeline, is_load) if not load])
        if not any(is_load):
            pipeline.insert(0, dict(type='LoadImageFromFile'))
        return Compose(pipeline)

    def _init_visualizer(self, cfg):
        """Drawing is done by :meth:`visualize` itself."""
        return None

    def _inputs_to_list(self, inputs) -> list:
        if isinstance(inputs, (str, np.ndarray)):
            inputs = [inputs]
        return list(inputs)

    def preprocess(self, inputs: List[InputType], batch_size: int = 1,
                   **kwargs):
        def process(inp):
            if isinstance(inp, str):
                return self.pipeline(dict(img_path=inp))
            img = self._as_image(inp)
            return self.array_pipeline(
                dict(img=img, ori_shape=img.shape[:2],
                     img_shape=img.shape[:2]))

        for chunk in self._get_chunk_data(map(process, inputs), batch_size):
            yield self.collate_fn(chunk)

    def _pipeline_cfg(self, cfg) -> list:
        raise NotImplementedError

    def _images_to_draw(self, inputs: List[InputType]):
        """``(RGB image, output name)`` of each input, for
        :meth:`visualize`: files are read again, arrays used as they are
        (named by their position)."""
        for i, inp in enumerate(inputs):
            if isinstance(inp, str):
                yield (cv2.cvtColor(cv2.imread(inp), cv2.COLOR_BGR2RGB),
                       osp.splitext(osp.basename(inp))[0])
            else:
                yield self._as_image(inp), f'{i:06d}'

    @staticmethod
    def _as_image(arr: np.ndarray) -> np.ndarray:
        """An in-memory input as HxWxC."""
        return arr if arr.ndim == 3 else arr[..., None]


@INFERENCERS.register_module()
class ImageClassificationInferencer(BaseImageInferencer):
    """Classify images with an mmssl classifier: config + checkpoint in,
    top-k classes with scores out.

    The pipeline is the config's ``infer_pipeline`` when it has one (it
    turns a photo into what the model was trained on: e.g. grayscale 8x8
    for the digits models), else the test dataloader's pipeline with image
    loading put in front for file inputs.

    Weakly supervised localization models (SAT, the TS-CAM baseline) also
    return ``bbox`` (``x0, y0, x1, y1`` in the original image's pixels) and
    ``loc_map`` (the normalised localization map at the network input's
    size); ``show_dir`` then gets the image with the heatmap blended in
    and the box drawn.

    Args:
        model (str | dict, optional): Config path or dict; None to read the
            config stored in ``weights``.
        weights (str, optional): Checkpoint path (loaded weights-only).
        device (str, optional): ``'cpu'``, ``'cuda'``... Defaults to the
            available device.
        topk (int): How many classes to return per image. Defaults to 5.

    Example:
        >>> inferencer = ImageClassificationInferencer(
        ...     'configs/supervised/xxx.py', 'work_dirs/xxx/epoch_30.pth')
        >>> inferencer('demo/demo.png')['predictions'][0]['topk']
    """
    preprocess_kwargs: set = set()
    forward_kwargs: set = set()
    visualize_kwargs: set = {'show_dir'}
    postprocess_kwargs: set = {'topk', 'return_datasamples'}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = tuple(
            getattr(self.model, 'dataset_meta', {}).get('classes', ()))

    def _pipeline_cfg(self, cfg) -> list:
        """The config's ``infer_pipeline`` when it has one, else the test
        dataloader's pipeline."""
        if cfg.get('infer_pipeline') is not None:
            return list(cfg.infer_pipeline)
        return list(cfg.test_dataloader.dataset.pipeline)

    def visualize(self, inputs: List[InputType], preds: List[ClsDataSample],
                  show_dir: Optional[str] = None, **kwargs):
        if not show_dir:
            return None
        import os
        os.makedirs(show_dir, exist_ok=True)
        drawn = []
        for (img, name), pred in zip(self._images_to_draw(inputs), preds):
            label = int(pred.pred_label[0])
            text = f'{self._name(label)}: {float(pred.pred_score[label]):.3f}'
            lines = [text]
            if self._is_unknown(pred):
                lines = [f'unknown (outlier {float(pred.ood_score):.3f})',
                         f'closest: {text}']
            if 'loc_map' in pred:
                # Localization model: heatmap and box on the whole image.
                vis = draw_loc_result(img, pred.loc_map.cpu().numpy(),
                                      self._box_in_image(pred), lines)
            else:
                vis = draw_cls_result(img, lines)
            cv2.imwrite(osp.join(show_dir, f'{name}_pred.png'),
                        cv2.cvtColor(vis, cv2.COLOR_RGB2BGR))
            drawn.append(vis)
        return drawn

    def _name(self, label: int) -> str:
        return self.classes[label] if label < len(self.classes) \
            else str(label)

    @staticmethod
    def _box_in_image(pred: ClsDataSample) -> list:
        """``pred_bbox`` (network-input pixels) in original-image pixels.

        The config's ``infer_pipeline`` resizes the whole image to the
        network input, so the box scales back by ``ori / input``.
        """
        ih, iw = pred.metainfo.get('img_shape', pred.loc_map.shape)[:2]
        oh, ow = pred.metainfo.get('ori_shape', (ih, iw))[:2]
        x0, y0, x1, y1 = (float(v) for v in pred.pred_bbox)
        sx, sy = ow / iw, oh / ih
        return [x0 * sx, y0 * sy, x1 * sx, y1 * sy]

    @staticmethod
    def _is_unknown(pred: ClsDataSample) -> bool:
        """The open-set rule of the model (e.g. IOMatch's K+1-way
        classifier) rejected the image: ``open_pred_label == K``."""
        if 'open_pred_label' not in pred:
            return False
        return int(pred.open_pred_label[0]) == pred.pred_score.numel()

    def postprocess(self, preds: List[ClsDataSample], visualization=None,
                    return_datasamples: bool = False, topk: int = 5,
                    **kwargs) -> dict:
        results = []
        for pred in preds:
            score = pred.pred_score
            k = min(topk, score.numel())
            values, idx = score.topk(k)
            result = dict(
                pred_label=int(pred.pred_label[0]),
                pred_class=self._name(int(pred.pred_label[0])),
                pred_score=float(score.max()),
                topk=[(self._name(int(i)), float(v))
                      for v, i in zip(values, idx)])
            if 'loc_map' in pred:
                # Localization models (SAT, TS-CAM): box in the original
                # image's pixels and the normalised map (input pixels).
                result['bbox'] = self._box_in_image(pred)
                result['loc_map'] = pred.loc_map.cpu().numpy()
            if 'ood_score' in pred:
                # Open-set models: the K seen classes' scores stay in
                # pred_score/topk; `unknown` is the model's own decision.
                result['ood_score'] = float(pred.ood_score)
                result['unknown'] = self._is_unknown(pred)
            results.append(result)
        out = dict(predictions=preds if return_datasamples else results)
        if visualization is not None:
            out['visualization'] = visualization
        return out

    def __call__(self, inputs, batch_size: int = 1,
                 **kwargs) -> dict:
        return super().__call__(inputs, batch_size=batch_size, **kwargs)


def list_topk(result: dict) -> Sequence[str]:
    """Format one inferencer result's top-k list as text lines."""
    return [f'{name}\t{score:.4f}' for name, score in result['topk']]
