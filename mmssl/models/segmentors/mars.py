# Copyright (c) mmssl contributors. All rights reserved.
import copy
from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmseg.models.segmentors import BaseSegmentor

from mmssl.registry import MODELS

from ..utils.mars import complement_label, weighted_cross_entropy
from .cam import image_label_targets


@MODELS.register_module()
class MARSSegmentor(BaseSegmentor):
    """MARS stage D: segmentation training on debiased labels with an EMA
    teacher that fills the removed pixels (Jo et al., ICCV 2023, Section
    3.4, Eqs. 6-7).

    The student is any mmseg segmentor config (DeepLabV3+ in MARS's
    configs); the teacher is its exponential moving average (parameters
    and BN buffers), updated at every training step before it predicts.
    On each batch the teacher's softmax (no CRF; the paper's CRF
    refinement is left out) labels the removed pixels, restricted to the
    image's tags
    (``restrict_to_tags``), and Eq. 6 weights them by the teacher's
    certainty; the student is trained with the weighted CE of Eq. 7 only.

    Args:
        segmentor (dict): The student, e.g. an mmseg ``EncoderDecoder``
            (its own ``data_preprocessor`` is not used).
        ema_momentum (float): Teacher update ``t = m t + (1 - m) s``.
        removed_index (int): Label value of removed pixels in the PNGs.
        weight_mode (str): ``'fg'`` (literal Eq. 6) or ``'all'``.
        use_weight (bool): False sets ``W = 1`` (Table 6's "without WCE").
        complement (bool): False ignores removed pixels instead of filling
            them (training on ``Y^db`` alone).
        complement_start_iter (int): Steps before the teacher fills
            removed pixels (they are ignored until then); the paper does
            not say when complementing starts ([inferred]).
        restrict_to_tags (bool): Teacher argmax over the image's classes
            and background only (the paper does not say; recommended).
        predict_on (str): ``'teacher'`` or ``'student'`` at test time.
    """

    def __init__(self,
                 segmentor: dict,
                 ema_momentum: float = 0.999,
                 removed_index: int = 254,
                 ignore_index: int = 255,
                 weight_mode: str = 'fg',
                 use_weight: bool = True,
                 complement: bool = True,
                 complement_start_iter: int = 0,
                 restrict_to_tags: bool = True,
                 predict_on: str = 'teacher',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        # ConfigDict: mmseg reads test_cfg.mode as an attribute
        segmentor = ConfigDict(copy.deepcopy(segmentor))
        segmentor.pop('data_preprocessor', None)
        self.student = MODELS.build(segmentor)
        self.teacher = copy.deepcopy(self.student)
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        if predict_on not in ('teacher', 'student'):
            raise ValueError(f"predict_on must be 'teacher' or 'student', "
                             f'got {predict_on!r}')
        self.ema_momentum = ema_momentum
        self.removed_index = removed_index
        self.ignore_index = ignore_index
        self.weight_mode = weight_mode
        self.use_weight = use_weight
        self.complement = complement
        self.complement_start_iter = complement_start_iter
        self.restrict_to_tags = restrict_to_tags
        self.predict_on = predict_on
        self.align_corners = self.student.align_corners
        self.num_classes = self.student.num_classes
        self.register_buffer('num_steps', torch.zeros((), dtype=torch.long))

    @property
    def decode_head(self):
        return self.student.decode_head

    def init_weights(self):
        super().init_weights()
        self.teacher.load_state_dict(self.student.state_dict())

    @torch.no_grad()
    def update_teacher(self) -> None:
        m = self.ema_momentum
        for t, s in zip(self.teacher.parameters(),
                        self.student.parameters()):
            t.mul_(m).add_(s.detach(), alpha=1 - m)
        for t, s in zip(self.teacher.buffers(), self.student.buffers()):
            if t.dtype.is_floating_point:
                t.mul_(m).add_(s, alpha=1 - m)
            else:
                t.copy_(s)

    def extract_feat(self, inputs):
        return self.student.extract_feat(inputs)

    def encode_decode(self, inputs, batch_img_metas):
        return self.student.encode_decode(inputs, batch_img_metas)

    def _forward(self, inputs, data_samples=None):
        return self.student._forward(inputs, data_samples)

    def predict(self, inputs, data_samples=None):
        return getattr(self, self.predict_on).predict(inputs, data_samples)

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        if self.num_steps > 0:
            self.update_teacher()
        self.num_steps += 1
        labels = torch.stack([s.gt_sem_seg.data[0] for s in data_samples
                              ]).long()
        removed = labels == self.removed_index
        feats = self.student.extract_feat(inputs)
        logits = self.student.decode_head.forward(feats)
        logits = F.interpolate(logits, labels.shape[-2:], mode='bilinear',
                               align_corners=self.align_corners)
        fill = self.complement and \
            int(self.num_steps) > self.complement_start_iter
        stats = {}
        if fill and bool(removed.any()):
            metas = [s.metainfo for s in data_samples]
            was_training = self.teacher.training
            self.teacher.eval()
            with torch.no_grad():
                probs = self.teacher.encode_decode(inputs, metas).softmax(1)
            self.teacher.train(was_training)
            probs = F.interpolate(probs, labels.shape[-2:], mode='bilinear',
                                  align_corners=self.align_corners)
            tags = None
            if self.restrict_to_tags:
                tags = torch.ones(len(labels), self.num_classes,
                                  dtype=torch.bool, device=labels.device)
                tags[:, 1:] = image_label_targets(
                    data_samples, self.num_classes - 1,
                    labels.device).bool()
            target, weight = complement_label(labels, probs, tags,
                                              self.removed_index,
                                              self.weight_mode)
            if not self.use_weight:
                weight = torch.ones_like(weight)
            with torch.no_grad():
                stats['filled_fg'] = ((target[removed] > 0).float().mean()
                                      * 100)
                stats['fill_weight'] = weight[removed].mean()
        else:
            target = labels.masked_fill(removed, self.ignore_index)
            weight = torch.ones_like(labels, dtype=logits.dtype)
        loss = weighted_cross_entropy(logits, target, weight,
                                      self.ignore_index)
        stats['removed_px'] = removed.float().mean() * 100
        return dict(loss_wce=loss, **stats)
