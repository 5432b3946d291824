# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's stage-1 lesion classifier: a CNN on the crop of a lesion box
(its design is our choice, configs/tsddnet/README.md explains)."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from mmssl.registry import MODELS

from ..utils.tsddnet import crop_rois


def sample_boxes(data_samples: Sequence, whole_image: bool = True):
    """The first ground-truth box of each sample as ``(N, 5)`` ROIs
    (batch index first) in the batch's pixels, and a mask of the samples
    that have one. Samples without a box get the whole image when
    ``whole_image`` (else they are left out)."""
    rois, has_box = [], []
    for i, sample in enumerate(data_samples):
        boxes = sample.gt_instances.bboxes if 'gt_instances' in sample \
            else None
        boxes = getattr(boxes, 'tensor', boxes)
        if boxes is not None and len(boxes):
            rois.append(torch.cat([boxes.new_tensor([i]), boxes[0].float()]))
            has_box.append(True)
        else:
            has_box.append(False)
            if whole_image:
                h, w = sample.img_shape
                rois.append(torch.tensor([i, 0., 0., w, h]))
    if not rois:
        return torch.zeros((0, 5)), torch.tensor(has_box, dtype=torch.bool)
    return torch.stack(rois), torch.tensor(has_box, dtype=torch.bool)


def _without_boxes(sample):
    """A view of ``sample`` whose ``gt_instances`` are dropped."""
    sample = sample.clone()
    if 'gt_instances' in sample:
        del sample.gt_instances
    return sample


def image_labels(data_samples: Sequence, device=None) -> torch.Tensor:
    """Each sample's diagnosis index (``img_label`` meta key)."""
    labels = []
    for s in data_samples:
        if 'img_label' not in s:
            raise KeyError("the samples have no 'img_label': add it to "
                           "PackDetInputs' meta_keys")
        labels.append(int(s.img_label))
    return torch.tensor(labels, dtype=torch.long, device=device)


@MODELS.register_module()
class LesionClassifier(BaseModel):
    """Diagnosis (e.g. benign/malignant) from the crop of a lesion box.

    The image batch comes through mmdet's ``DetDataPreprocessor`` (the
    same pipeline as the detector); each sample's first ``gt_instances``
    box, grown by ``margin`` of its size on each side (our default:
    m = 0.1), is
    cropped with RoIAlign to ``crop_size`` squared and classified by
    ``backbone`` + global average pooling + a linear layer. Training uses
    the samples that have a box; prediction crops the box when given
    (ROI-given diagnosis) and the whole image otherwise, and writes the
    class probabilities to ``diag_scores``.

    :meth:`score_rois` scores arbitrary boxes (candidate selection).

    Args:
        backbone (dict): Backbone config (e.g. ``mmdet.ResNet``).
        feat_channels (int): Channels of the backbone's last output.
        num_classes (int): Diagnosis classes. Defaults to 2.
        crop_size (int): Crop side. Defaults to 224.
        margin (float): Context margin. Defaults to 0.1.
        roi (str): ``'box'`` (the lesion box, as above) or ``'image'``:
            always the whole image, boxes or not (the benchmark's whole-image
            baseline B0, trained on every image). Defaults to ``'box'``.
        data_preprocessor (dict, optional): Defaults to mmdet's
            ``DetDataPreprocessor`` with ImageNet statistics.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 feat_channels: int,
                 num_classes: int = 2,
                 crop_size: int = 224,
                 margin: float = 0.1,
                 roi: str = 'box',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='mmdet.DetDataPreprocessor',
                mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                bgr_to_rgb=False, pad_size_divisor=32)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.fc = nn.Linear(feat_channels, num_classes)
        self.num_classes = num_classes
        self.crop_size = crop_size
        self.margin = margin
        if roi not in ('box', 'image'):
            raise ValueError(f"roi must be 'box' or 'image', got {roi!r}")
        self.roi = roi

    def roi_features(self, inputs: torch.Tensor,
                     rois: torch.Tensor) -> torch.Tensor:
        """Pooled backbone features ``(K, feat_channels)`` of the crops."""
        crops = crop_rois(inputs, rois.to(inputs.device), self.crop_size,
                          self.margin)
        feats = self.backbone(crops)
        if isinstance(feats, (list, tuple)):
            feats = feats[-1]
        return F.adaptive_avg_pool2d(feats, 1).flatten(1)

    @torch.no_grad()
    def score_rois(self, inputs: torch.Tensor, rois: torch.Tensor,
                   chunk: int = 256) -> torch.Tensor:
        """Class probabilities ``(K, num_classes)`` of ``(K, 5)`` ROIs of
        an already preprocessed batch, ``chunk`` crops at a time."""
        out = [self.fc(self.roi_features(inputs, rois[i:i + chunk])).softmax(
            -1) for i in range(0, len(rois), chunk)]
        if not out:
            return inputs.new_zeros((0, self.num_classes))
        return torch.cat(out)

    def _rois(self, data_samples, whole_image: bool = True):
        if self.roi == 'image':
            data_samples = [_without_boxes(s) for s in data_samples]
        return sample_boxes(data_samples, whole_image)

    def forward(self, inputs: torch.Tensor, data_samples=None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            rois, _ = self._rois(data_samples)
            return self.fc(self.roi_features(inputs, rois))
        raise RuntimeError(f'invalid mode {mode!r}: use "loss", "predict" '
                           'or "tensor"')

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        rois, has_box = self._rois(data_samples,
                                   whole_image=self.roi == 'image')
        if self.roi == 'image':
            has_box = torch.ones_like(has_box)
        labels = image_labels(data_samples, inputs.device)[has_box]
        if not len(rois):
            # No boxed sample: a zero loss that keeps every weight in the
            # graph (distributed training expects gradients).
            return dict(loss_cls=sum(p.sum() * 0 for p in self.parameters()))
        logits = self.fc(self.roi_features(inputs, rois))
        return dict(loss_cls=F.cross_entropy(logits, labels))

    def predict(self, inputs: torch.Tensor, data_samples) -> List:
        rois, _ = self._rois(data_samples)
        probs = self.score_rois(inputs, rois)
        for sample, p in zip(data_samples, probs):
            sample.set_field(p, 'diag_scores')
        return data_samples
