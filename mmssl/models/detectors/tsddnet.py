# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's stage-2 fusion network (Wang et al., IEEE TMI 2024, arXiv
2306.06982; its layout is our choice, configs/tsddnet/README.md explains): one
Faster R-CNN with an image-level diagnosis branch that reads the
selected lesion ROI, trained end-to-end with self-distillation."""
import copy
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmdet.models.detectors import TwoStageDetector
from mmdet.structures.bbox import scale_boxes

from mmssl.registry import MODELS

from ..classifiers.lesion_classifier import image_labels


@MODELS.register_module()
class TSDDNet(TwoStageDetector):
    """Faster R-CNN + lesion classifier + fusion head.

    For each image one lesion ROI is chosen: in training the (refined or
    pseudo) box of the stage-1-updated annotations, or, for an image
    without one, the current detector's top-1 detection (no gradient
    through the choice; the whole image when nothing is detected); in
    prediction the top-1 detection. Two feature streams read that ROI
    (our reconstruction):

    * ``f_det``: RoIAlign of the detector's FPN features (the box head's
      ``bbox_roi_extractor``, 7x7x256), flattened, FC ``det_channels``;
    * ``f_cls``: the classifier's pooled backbone features of the image
      crop (:class:`~mmssl.models.LesionClassifier`).

    Heads: ``p_det`` (an FC on ``f_det``), ``p_cls`` (the classifier's
    FC) and ``p_fuse`` (an MLP on ``[f_det; f_cls]`` whose hidden layer
    is ``f_fuse``). The loss (stage 2, our reconstruction)::

        L = L_det(images with a box) + CE(p_fuse, y)
            + sum_k [(1 - alpha) CE(p_k, y)
                     + alpha T^2 KL(softmax(z_fuse / T).detach()
                                    || softmax(z_k / T))]
            + beta sum_k || g_k(f_k) - f_fuse.detach() ||^2

    over the streams k in {det, cls}: the fused prediction teaches its
    own branches ("be your own teacher"; the paper's exact pairing is
    not known). With ``fusion=False`` the model is stage 1's two separate
    networks: ``L = L_det + CE(p_cls, y)`` and the diagnosis is
    ``p_cls`` (the benchmark's arms B1/T1). The diagnosis probabilities are
    written to each sample's ``diag_scores``, the ROI it used to
    ``diag_box``.

    Args:
        classifier (dict): A :class:`~mmssl.models.LesionClassifier`
            config (its data preprocessor is not used: the detector's
            normalised batch is cropped).
        num_classes (int): Diagnosis classes. Defaults to 2.
        fusion (bool): Build and train the fusion head. Defaults to True.
        det_channels (int): Width of ``f_det``. Defaults to 1024.
        fuse_channels (int): Width of ``f_fuse``. Defaults to 512.
        alpha (float): Distillation weight (0 turns the
            self-distillation off). Defaults to 0.5.
        temperature (float): Distillation temperature. Defaults to 3.
        hint_weight (float): ``beta`` of the feature hints. Defaults to
            0.01.
        **kwargs: See :class:`mmdet.models.TwoStageDetector`.
    """

    def __init__(self,
                 classifier: dict,
                 num_classes: int = 2,
                 fusion: bool = True,
                 det_channels: int = 1024,
                 fuse_channels: int = 512,
                 alpha: float = 0.5,
                 temperature: float = 3.,
                 hint_weight: float = 0.01,
                 **kwargs) -> None:
        # the detector's parts are mmdet modules, whatever the default
        # scope the model is built in
        for key in ('backbone', 'neck', 'rpn_head', 'roi_head',
                    'data_preprocessor'):
            if isinstance(kwargs.get(key), dict):
                kwargs[key] = dict(kwargs[key])
                kwargs[key].setdefault('_scope_', 'mmdet')
        super().__init__(**kwargs)
        classifier = copy.deepcopy(classifier)
        classifier.pop('data_preprocessor', None)
        self.classifier = MODELS.build(classifier)
        self.classifier.data_preprocessor = nn.Identity()
        self.num_classes = num_classes
        self.fusion = fusion
        self.alpha = alpha
        self.temperature = temperature
        self.hint_weight = hint_weight
        if fusion:
            extractor = self.roi_head.bbox_roi_extractor
            size = extractor.roi_layers[0].output_size
            size = size if isinstance(size, tuple) else (size, size)
            in_det = extractor.out_channels * size[0] * size[1]
            cls_channels = self.classifier.fc.in_features
            self.det_fc = nn.Sequential(
                nn.Linear(in_det, det_channels), nn.ReLU(inplace=True))
            self.det_cls = nn.Linear(det_channels, num_classes)
            self.fuse = nn.Sequential(
                nn.Linear(det_channels + cls_channels, fuse_channels),
                nn.ReLU(inplace=True))
            self.fuse_cls = nn.Linear(fuse_channels, num_classes)
            self.hint_det = nn.Linear(det_channels, fuse_channels)
            self.hint_cls = nn.Linear(cls_channels, fuse_channels)

    # -- lesion ROIs --------------------------------------------------------
    def _detect(self, x: Tuple[torch.Tensor], data_samples: List,
                rescale: bool = False) -> List:
        """Detections (``InstanceData``, input-scale boxes unless
        ``rescale``) of a batch's features."""
        rpn_results = self.rpn_head.predict(x, data_samples, rescale=False)
        return self.roi_head.predict(x, rpn_results, data_samples,
                                     rescale=rescale)

    @staticmethod
    def _top1_rois(results: List, data_samples: List) -> torch.Tensor:
        """One ``(batch index, box)`` ROI per image: its highest-scoring
        detection, or the whole image when there is none."""
        rois = []
        for i, (res, sample) in enumerate(zip(results, data_samples)):
            if len(res.bboxes):
                box = res.bboxes[res.scores.argmax()]
            else:
                h, w = sample.img_shape
                box = res.bboxes.new_tensor([0., 0., w, h])
            rois.append(torch.cat([box.new_tensor([i]), box.float()]))
        return torch.stack(rois)

    def diagnosis_logits(self, inputs: torch.Tensor,
                         x: Tuple[torch.Tensor],
                         rois: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Logits (and features) of the streams for ``(N, 5)`` ROIs."""
        f_cls = self.classifier.roi_features(inputs, rois)
        out = dict(cls=self.classifier.fc(f_cls), f_cls=f_cls)
        if self.fusion:
            extractor = self.roi_head.bbox_roi_extractor
            f_det = self.det_fc(
                extractor(x[:extractor.num_inputs], rois).flatten(1))
            f_fuse = self.fuse(torch.cat([f_det, f_cls], dim=1))
            out.update(det=self.det_cls(f_det), f_det=f_det,
                       fuse=self.fuse_cls(f_fuse), f_fuse=f_fuse)
        return out

    # -- training -----------------------------------------------------------
    def loss(self, batch_inputs: torch.Tensor, batch_data_samples: List):
        x = self.extract_feat(batch_inputs)
        boxed = [i for i, s in enumerate(batch_data_samples)
                 if len(s.gt_instances)]
        losses = self._detector_loss(x, batch_data_samples, boxed)
        # the ROI of each image: its box, else the top-1 detection
        rois = torch.zeros((len(batch_data_samples), 5),
                           device=batch_inputs.device)
        rois[:, 0] = torch.arange(len(batch_data_samples))
        for i in boxed:
            boxes = batch_data_samples[i].gt_instances.bboxes
            rois[i, 1:] = getattr(boxes, 'tensor', boxes)[0]
        missing = [i for i in range(len(batch_data_samples))
                   if i not in set(boxed)]
        if missing:
            with torch.no_grad():
                sub_x = tuple(f[missing] for f in x)
                sub = [batch_data_samples[i] for i in missing]
                top1 = self._top1_rois(self._detect(sub_x, sub), sub)
            rois[missing, 1:] = top1[:, 1:].to(rois)
        labels = image_labels(batch_data_samples, batch_inputs.device)
        out = self.diagnosis_logits(batch_inputs, x, rois)
        if not self.fusion:
            losses['loss_diag_cls'] = F.cross_entropy(out['cls'], labels)
            return losses
        losses['loss_diag_fuse'] = F.cross_entropy(out['fuse'], labels)
        t = self.temperature
        teacher = F.softmax(out['fuse'].detach() / t, dim=1)
        target = out['f_fuse'].detach()
        for k, hint in (('det', self.hint_det), ('cls', self.hint_cls)):
            losses[f'loss_diag_{k}'] = (1 - self.alpha) * F.cross_entropy(
                out[k], labels)
            if self.alpha > 0:
                kl = F.kl_div(F.log_softmax(out[k] / t, dim=1), teacher,
                              reduction='batchmean')
                losses[f'loss_sd_{k}'] = self.alpha * t * t * kl
            if self.hint_weight > 0:
                losses[f'loss_hint_{k}'] = self.hint_weight * (
                    hint(out[f'f_{k}']) - target).pow(2).sum(1).mean()
        return losses

    def _detector_loss(self, x: Tuple[torch.Tensor], data_samples: List,
                       boxed: List[int]) -> dict:
        """Faster R-CNN's losses on the images that have a box (the box
        losses of class-only images are off); zero losses keep
        every detector weight in the graph when none has one."""
        if not boxed:
            zero = sum(p.sum() * 0 for n, p in self.named_parameters()
                       if n.startswith(('rpn_head', 'roi_head')))
            return dict(loss_rpn_cls=zero, loss_cls=zero, loss_bbox=zero)
        sub_x = tuple(f[boxed] for f in x)
        sub = [data_samples[i] for i in boxed]
        proposal_cfg = self.train_cfg.get('rpn_proposal', self.test_cfg.rpn)
        rpn_samples = copy.deepcopy(sub)
        for s in rpn_samples:
            s.gt_instances.labels = torch.zeros_like(s.gt_instances.labels)
        rpn_losses, rpn_results = self.rpn_head.loss_and_predict(
            sub_x, rpn_samples, proposal_cfg=proposal_cfg)
        losses = {(f'rpn_{k}' if 'loss' in k and 'rpn' not in k else k): v
                  for k, v in rpn_losses.items()}
        losses.update(self.roi_head.loss(sub_x, rpn_results, sub))
        return losses

    # -- inference ----------------------------------------------------------
    def predict(self, batch_inputs: torch.Tensor, batch_data_samples: List,
                rescale: bool = True) -> List:
        x = self.extract_feat(batch_inputs)
        results = self._detect(x, batch_data_samples, rescale=False)
        rois = self._top1_rois(results, batch_data_samples).to(
            batch_inputs.device)
        out = self.diagnosis_logits(batch_inputs, x, rois)
        probs = (out['fuse'] if self.fusion else out['cls']).softmax(-1)
        for res, sample, roi, p in zip(results, batch_data_samples, rois,
                                       probs):
            box = roi[1:].unsqueeze(0)
            if rescale:
                factor = [1 / s for s in sample.scale_factor]
                res.bboxes = scale_boxes(res.bboxes, factor)
                box = scale_boxes(box, factor)
            sample.set_field(p, 'diag_scores')
            sample.set_field(box[0], 'diag_box')
        return self.add_pred_to_datasample(batch_data_samples, results)


def stage1_state_dict(det_state: dict, cls_state: dict) -> Dict:
    """A :class:`TSDDNet` state dict from the stage-1 detector's and
    classifier's (the classifier's keys under ``classifier.``; its data
    preprocessor's are dropped)."""
    out = {k: v for k, v in det_state.items()
           if not k.startswith('data_preprocessor')}
    out.update({f'classifier.{k}': v for k, v in cls_state.items()
                if not k.startswith('data_preprocessor')})
    return out

