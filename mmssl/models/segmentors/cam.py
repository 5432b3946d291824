# Copyright (c) mmssl contributors. All rights reserved.
from typing import List, Optional, Sequence

import mmcv
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.segmentors import BaseSegmentor

from mmssl.registry import MODELS

from ..utils.crf import check_crf_available, dense_crf_labels


def image_label_targets(data_samples, num_fg: int,
                        device=None) -> torch.Tensor:
    """``(B, num_fg)`` multi-hot targets from each sample's ``img_labels``
    (foreground class indices 1..num_fg, packed by ``PackSegInputs``)."""
    out = torch.zeros(len(data_samples), num_fg, device=device)
    for b, s in enumerate(data_samples):
        labels = s.metainfo.get('img_labels')
        if labels is None:
            raise KeyError(
                "a data sample lacks 'img_labels': add it to "
                "PackSegInputs(meta_keys=...) and use a WSSS dataset")
        for c in labels:
            out[b, int(c) - 1] = 1.
    return out


@MODELS.register_module()
class CAMSegmentor(BaseSegmentor):
    """A multi-label classifier whose class activation maps make WSSS seed
    masks (MARS stage A, the "biased" baseline whose seeds Jo et al., ICCV
    2023, debias).

    Training: a backbone, a bias-free 1x1 convolution to one score map per
    foreground class, global average pooling and the multi-label soft
    margin loss on the image tags (IRNet's ``resnet50_cam.Net``).

    Prediction: the CAM of every class in the image's tags (ReLU, summed
    over ``test_scales`` and horizontal flips, each class divided by its
    maximum), against a constant background score ``bg_threshold``; the
    argmax is the seed mask, returned as ``pred_sem_seg`` at the original
    image size by mmseg's ``postprocess_result``. So ``tools/test.py``
    with mmseg's ``IoUMetric`` measures the seed mIoU and its
    ``output_dir`` writes the seed masks for the next stage.

    Args:
        backbone (dict): e.g. ``mmseg.ResNetV1c`` (output stride 16).
        num_classes (int): Classes including background.
        in_channels (int): Channels of the backbone output used.
        feature_index (int): Which backbone output. Defaults to -1.
        bg_threshold (float): Background score of the normalised CAMs.
        test_scales (Sequence[float]): Input scales of the CAM.
        test_flip (bool): Add the horizontally flipped CAMs.
        crf (dict, optional): Refine each seed mask with a dense CRF on
            the image read from ``img_path`` (the optional step of
            stage A; keyword arguments of
            :func:`~mmssl.models.utils.crf.dense_crf_labels`, ``dict()``
            for IRNet's values). Needs ``pip install pydensecrf2``.
            Defaults to None (no CRF).
    """

    def __init__(self,
                 backbone: dict,
                 num_classes: int,
                 in_channels: int,
                 feature_index: int = -1,
                 bg_threshold: float = 0.15,
                 test_scales: Sequence[float] = (1.0, ),
                 test_flip: bool = False,
                 crf: Optional[dict] = None,
                 align_corners: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.num_classes = num_classes
        self.classifier = nn.Conv2d(in_channels, num_classes - 1, 1,
                                    bias=False)
        self.feature_index = feature_index
        self.bg_threshold = bg_threshold
        self.test_scales = tuple(test_scales)
        self.test_flip = test_flip
        self.align_corners = align_corners
        if crf is not None:
            check_crf_available()
        self.crf = crf

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        feats = self.backbone(inputs)
        if isinstance(feats, (list, tuple)):
            feats = feats[self.feature_index]
        return feats

    def class_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(B, C)`` image-level logits (GAP of the class maps)."""
        maps = self.classifier(self.extract_feat(inputs))
        return maps.mean((2, 3))

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        logits = self.class_logits(inputs)
        target = image_label_targets(data_samples, self.num_classes - 1,
                                     logits.device)
        loss = F.multilabel_soft_margin_loss(logits, target)
        with torch.no_grad():
            acc = ((logits > 0).float() == target).float().mean() * 100
        return dict(loss_cls=loss, acc_tags=acc)

    def cams(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` ReLU CAMs at the input size, summed over the
        test scales and flips (not normalised)."""
        h, w = inputs.shape[-2:]
        total = 0
        for scale in self.test_scales:
            x = inputs if scale == 1 else F.interpolate(
                inputs, scale_factor=scale, mode='bilinear',
                align_corners=False)
            views = [x, x.flip(-1)] if self.test_flip else [x]
            for k, v in enumerate(views):
                cam = F.relu(self.classifier(self.extract_feat(v)))
                if k == 1:
                    cam = cam.flip(-1)
                total = total + F.interpolate(
                    cam, (h, w), mode='bilinear', align_corners=False)
        return total

    def encode_decode(self, inputs: torch.Tensor,
                      batch_img_metas: List[dict]) -> torch.Tensor:
        """``(B, C+1, H, W)`` seed scores: the background threshold, then
        each tagged class's max-normalised CAM (0 for absent classes)."""
        cams = self.cams(inputs)
        cams = cams / (cams.flatten(2).max(-1).values[..., None, None] +
                       1e-5)
        present = torch.zeros(cams.shape[:2], dtype=torch.bool,
                              device=cams.device)
        for b, meta in enumerate(batch_img_metas):
            for c in meta.get('img_labels', []):
                present[b, int(c) - 1] = True
        cams = cams * present[..., None, None]
        bg = cams.new_full((cams.shape[0], 1) + cams.shape[2:],
                           self.bg_threshold)
        return torch.cat([bg, cams], 1)

    def predict(self, inputs: torch.Tensor, data_samples=None):
        if data_samples is None:
            raise ValueError('CAM seeds need the image tags: pass data '
                             "samples with 'img_labels'")
        metas = [s.metainfo for s in data_samples]
        results = self.postprocess_result(self.encode_decode(inputs, metas),
                                          data_samples)
        if self.crf is not None:
            for sample in results:
                self._refine_with_crf(sample)
        return results

    def _refine_with_crf(self, sample) -> None:
        """Dense-CRF refinement of one sample's seed mask, over the
        labels it contains (background + its tags)."""
        seed = sample.pred_sem_seg.data[0]
        img = mmcv.imread(sample.img_path, channel_order='rgb')
        if img is None:
            raise FileNotFoundError(f'the CRF cannot read {sample.img_path}')
        keys = [0] + sorted(int(c) for c in sample.metainfo.get(
            'img_labels', []))
        lut = torch.zeros(self.num_classes, dtype=torch.long)
        lut[keys] = torch.arange(len(keys))
        compact = lut[seed.cpu().long()].numpy()
        refined = dense_crf_labels(img, compact, len(keys), **self.crf)
        sample.pred_sem_seg.data = torch.as_tensor(keys)[
            torch.from_numpy(refined)][None].to(seed)

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        return self.class_logits(inputs)
