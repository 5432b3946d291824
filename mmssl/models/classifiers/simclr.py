# Copyright (c) mmssl contributors. All rights reserved.
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModel

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

from ..losses import nt_xent_loss


@MODELS.register_module()
class SimCLR(BaseModel):
    """An unsupervised SimCLR encoder: WAD's teacher (stage 1).

    As the official WAD / CSI code (``contrast/simclr.py``,
    ``contrast/models/base_model.py``): the batch (in ``[0, 1]``) is
    duplicated, each copy gets independent SimCLR views
    (:class:`~mmssl.models.utils.SimCLRAugment`: flip, colour jitter,
    grayscale, resized crop), the encoder normalises them as
    ``(x - 0.5) / 0.5``, and the projection head
    ``Linear(F, F) - ReLU - Linear(F, proj_dim)`` (CSI's ``simclr_layer``)
    feeds the NT-Xent loss (temperature 0.5). Labels are not used.

    :meth:`extract_projection` gives the projection-head features that WAD's
    stage 2 scores unlabeled samples with.

    Args:
        backbone (dict): Backbone config.
        neck (dict, optional): Neck config (global pooling).
        in_channels (int): Pooled feature size F.
        proj_dim (int): Projection size. Official 128.
        temperature (float): NT-Xent temperature. Official 0.5.
        augment (dict): Training views.
        feature_augment (dict, optional): Views for feature extraction; the
            official code extracts stage-2 features through ``simclr_aug``
            (no flip). None extracts from the plain images.
        data_preprocessor (dict, optional): Defaults to scaling 0..255
            images to ``[0, 1]``.
    """

    def __init__(self,
                 backbone: dict,
                 in_channels: int,
                 neck: Optional[dict] = None,
                 proj_dim: int = 128,
                 temperature: float = 0.5,
                 augment: dict = dict(type='SimCLRAugment'),
                 feature_augment: Optional[dict] = dict(
                     type='SimCLRAugment', flip_prob=0.0),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='ClsDataPreprocessor', mean=[0.0],
                                     std=[255.0])
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.simclr_layer = nn.Sequential(
            nn.Linear(in_channels, in_channels), nn.ReLU(),
            nn.Linear(in_channels, proj_dim))
        self.temperature = temperature
        self.augment = MODELS.build(augment)
        self.feature_augment = MODELS.build(feature_augment) \
            if feature_augment is not None else None

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor]:
        feats = self.backbone((inputs - 0.5) / 0.5)
        if isinstance(feats, torch.Tensor):
            feats = (feats, )
        if self.neck is not None:
            feats = self.neck(feats)
        return feats

    def project(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.simclr_layer(self.extract_feat(inputs)[-1])

    @torch.no_grad()
    def extract_projection(
            self,
            inputs: torch.Tensor,
            generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Stage-2 features of images in ``[0, 1]``: one view through
        ``feature_augment`` (drawn with ``generator``), then the encoder and
        projection head."""
        if self.feature_augment is not None:
            inputs = self.feature_augment(inputs, generator=generator)
        return self.project(inputs)

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ClsDataSample]] = None) -> dict:
        views = self.augment(torch.cat([inputs, inputs]))
        return dict(loss_sim=nt_xent_loss(self.project(views),
                                          self.temperature))

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if isinstance(inputs, dict):  # a SemiDataset batch: use every view
            inputs = torch.cat(list(inputs.values()))
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.project(inputs)
        if mode == 'predict':
            z = self.project(inputs)
            if data_samples is None:
                data_samples = [ClsDataSample() for _ in range(len(z))]
            for sample, feat in zip(data_samples, z):
                sample.set_field(feat.detach(), 'feature')
            return data_samples
        raise RuntimeError(f"invalid mode {mode!r}: use 'loss', 'predict' "
                           "or 'tensor'")
