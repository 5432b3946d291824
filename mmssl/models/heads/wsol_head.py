# Copyright (c) mmssl contributors. All rights reserved.
"""Heads for weakly supervised object localization on ViT patch tokens.

:class:`WSOLConvHead` is the classifier SAT and TS-CAM share (a 3x3
convolution from the patch tokens to class maps, then global average
pooling); it turns the backbone's maps into a localization map and a box at
test time. :class:`SATHead` adds SAT's batch area and normalization losses.
"""
from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmssl.evaluation.functional import (
    largest_component_box,
    normalize_loc_map,
    resize_loc_map,
)
from mmssl.models.losses.sat_losses import (
    sat_area_loss,
    sat_gaussian_kernel,
    sat_norm_loss,
)
from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

LOC_MAPS = ('fg', 'tscam', 'cam')


@MODELS.register_module()
class WSOLConvHead(BaseModule):
    """Conv 3x3 + GAP classifier on patch tokens, with a localization map.

    The classifier of TS-CAM (``lib/models/deit.py``) and SAT
    (``Model/SAT.py``): patch tokens (B, D, h, w) -> ``Conv2d(D, C, 3, 1,
    1)`` -> class maps (B, C, h, w) -> average -> logits. The cls token is
    not used. The conv keeps PyTorch's default init, as in both codes.

    Localization map (``loc_map``):

    - ``'fg'``: SAT's class-agnostic fused foreground map (needs a backbone
      with the spatial token).
    - ``'tscam'``: TS-CAM's map, the cls-attention map (summed over blocks)
      times the class map of the chosen class (needs
      ``output_cls_attn=True`` on the backbone).
    - ``'cam'``: the class map of the chosen class alone (plain CAM).

    The class is the ground-truth one when the sample has it (GT-known
    localization), else the top-1 prediction. At test time the map is
    min-max normalised, resized bilinearly to the input image
    (``img_shape``) and stored as ``loc_map``; ``pred_bbox`` is its box at
    ``box_threshold`` (largest connected region, SAT's rule).

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Token dimension D.
        loc_map (str): ``'fg'``, ``'tscam'`` or ``'cam'``. Defaults to
            ``'cam'``.
        box_threshold (float): Threshold of the box stored in
            ``pred_bbox`` (the metric sweeps its own list). Defaults to 0.4
            (``evaluator.py``'s CUB default).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loc_map: str = 'cam',
                 box_threshold: float = 0.4,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if loc_map not in LOC_MAPS:
            raise ValueError(
                f'loc_map must be one of {LOC_MAPS}, got {loc_map!r}')
        self.num_classes = num_classes
        self.loc_map = loc_map
        self.box_threshold = box_threshold
        self.conv = nn.Conv2d(in_channels, num_classes, 3, 1, 1)

    def _class_maps(self, feats: Tuple) -> Tuple[torch.Tensor, dict]:
        patch_feats, maps = feats[0], feats[1] if len(feats) > 1 else {}
        return self.conv(patch_feats), maps

    def forward(self, feats: Tuple) -> torch.Tensor:
        class_maps, _ = self._class_maps(feats)
        return class_maps.mean(dim=(2, 3))

    def extra_losses(self, maps: dict) -> dict:
        """Losses on the backbone's maps; none for the plain classifier."""
        return {}

    def loss(self, feats: Tuple, data_samples: List[ClsDataSample]) -> dict:
        class_maps, maps = self._class_maps(feats)
        logits = class_maps.mean(dim=(2, 3))
        labels = torch.cat([s.gt_label for s in data_samples]).to(
            logits.device)
        losses = dict(loss_cls=F.cross_entropy(logits, labels))
        losses.update(self.extra_losses(maps))
        with torch.no_grad():
            losses['acc'] = (logits.argmax(1) == labels).float().mean() * 100
        return losses

    def raw_loc_maps(self, class_maps: torch.Tensor, maps: dict,
                     classes: torch.Tensor) -> torch.Tensor:
        """(B, h, w) localization maps before normalisation."""
        if self.loc_map == 'fg':
            if 'fg' not in maps:
                raise RuntimeError(
                    "loc_map='fg' needs the backbone's spatial token "
                    '(SATVisionTransformer with spatial_token=True)')
            return maps['fg']
        chosen = class_maps[torch.arange(len(classes)), classes]
        if self.loc_map == 'cam':
            return chosen
        if 'cls_attn' not in maps:
            raise RuntimeError(
                "loc_map='tscam' needs the backbone's cls attention "
                '(SATVisionTransformer with output_cls_attn=True)')
        return maps['cls_attn'] * chosen

    def predict(self,
                feats: Tuple,
                data_samples: Optional[List[ClsDataSample]] = None
                ) -> List[ClsDataSample]:
        class_maps, maps = self._class_maps(feats)
        scores = class_maps.mean(dim=(2, 3)).softmax(dim=1)
        preds = scores.argmax(dim=1)
        if data_samples is None:
            data_samples = [ClsDataSample() for _ in range(len(scores))]
        classes = torch.stack([
            s.gt_label[0].to(preds.device) if 'gt_label' in s else p
            for s, p in zip(data_samples, preds)
        ])
        raw = self.raw_loc_maps(class_maps, maps, classes).float()
        raw = raw.detach().cpu().numpy()
        for sample, score, pred, m in zip(data_samples, scores, preds, raw):
            sample.set_pred_score(score.detach())
            sample.set_pred_label(int(pred))
            size = sample.metainfo.get('img_shape', m.shape)
            loc = resize_loc_map(normalize_loc_map(m), size[:2])
            sample.set_field(torch.from_numpy(loc), 'loc_map')
            box = largest_component_box(loc, self.box_threshold)
            sample.set_field(torch.from_numpy(box.astype(np.float32)),
                             'pred_bbox')
        return data_samples


@MODELS.register_module()
class SATHead(WSOLConvHead):
    """SAT's head: the conv classifier plus the batch area loss and the
    normalization loss on the backbone's fused foreground map.

    ``loss = CE + loss_area_weight * |mean M - area_thr| +
    loss_norm_weight * mean M*(1 - M*)``, weights 1 and 1 as in the
    official ``train.py``; ``M*`` is M smoothed by the fixed 3x3 Gaussian
    (``get_kernel(3, 6)``). The localization map is M (``loc_map='fg'``).

    Args:
        area_thr (float): lambda: 0.25 on CUB, 0.35 on ImageNet
            (``--area_thr`` in ``train.py`` / ``train_ImageNet.py``).
        loss_area_weight (float): Defaults to 1.0.
        loss_norm_weight (float): Defaults to 1.0.
        kernel_size (int): Gaussian size. Defaults to 3.
        kernel_sigma (float): ``nsig`` of ``get_kernel``. Defaults to 6.
        **kwargs: :class:`WSOLConvHead` arguments.
    """

    def __init__(self,
                 area_thr: float = 0.25,
                 loss_area_weight: float = 1.0,
                 loss_norm_weight: float = 1.0,
                 kernel_size: int = 3,
                 kernel_sigma: float = 6.,
                 loc_map: str = 'fg',
                 **kwargs):
        super().__init__(loc_map=loc_map, **kwargs)
        self.area_thr = area_thr
        self.loss_area_weight = loss_area_weight
        self.loss_norm_weight = loss_norm_weight
        self.register_buffer(
            'kernel', sat_gaussian_kernel(kernel_size, kernel_sigma),
            persistent=False)

    def extra_losses(self, maps: dict) -> dict:
        if 'fg' not in maps:
            raise RuntimeError(
                'SATHead needs the foreground map of a backbone with the '
                'spatial token (SATVisionTransformer, spatial_token=True)')
        fg = maps['fg']
        losses = {}
        if self.loss_area_weight:
            losses['loss_area'] = self.loss_area_weight * sat_area_loss(
                fg, self.area_thr)
        if self.loss_norm_weight:
            losses['loss_norm'] = self.loss_norm_weight * sat_norm_loss(
                fg, self.kernel)
        with torch.no_grad():
            losses['fg_area'] = fg.mean()
        return losses
