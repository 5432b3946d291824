# Copyright (c) mmssl contributors. All rights reserved.
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample


@MODELS.register_module()
class LinearClsHead(BaseModule):
    """A linear classification head, split the mmpretrain way.

    ``forward`` maps features to logits (pure tensors); ``loss`` and
    ``predict`` unpack / fill :class:`ClsDataSample` objects. Subclasses (the
    semi-supervised heads) override :meth:`loss` and reuse the rest.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the pooled feature.
        loss (dict): Loss config. Defaults to mmdet's
            ``CrossEntropyLoss`` with weight 1.
        topk (tuple[int]): Top-k accuracies logged during training.
            Defaults to (1, ).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss: dict = dict(
                     type='mmdet.CrossEntropyLoss', loss_weight=1.0),
                 topk: Tuple[int, ...] = (1, ),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01)):
        super().__init__(init_cfg=init_cfg)
        if num_classes <= 0:
            raise ValueError(f'num_classes must be positive, got '
                             f'{num_classes}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.topk = tuple(topk)
        self.loss_module = loss if isinstance(loss, nn.Module) \
            else MODELS.build(loss)
        self.fc = nn.Linear(in_channels, num_classes)

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """The last level of the (pooled) features."""
        return feats[-1]

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        return self.fc(self.pre_logits(feats))

    @staticmethod
    def gt_labels(data_samples: List[ClsDataSample]) -> torch.Tensor:
        return torch.cat([s.gt_label for s in data_samples])

    def loss(self, feats: Tuple[torch.Tensor],
             data_samples: List[ClsDataSample]) -> dict:
        logits = self(feats)
        target = self.gt_labels(data_samples).to(logits.device)
        losses = dict(loss=self.loss_module(logits, target))
        with torch.no_grad():
            for k in self.topk:
                k = min(k, self.num_classes)
                hit = logits.topk(k, dim=1).indices.eq(target[:, None])
                losses[f'accuracy_top-{k}'] = hit.any(1).float().mean() * 100
        return losses

    def predict(
        self,
        feats: Tuple[torch.Tensor],
        data_samples: Optional[List[ClsDataSample]] = None
    ) -> List[ClsDataSample]:
        scores = F.softmax(self(feats), dim=1)
        labels = scores.argmax(dim=1)
        if data_samples is None:
            data_samples = [ClsDataSample() for _ in range(scores.size(0))]
        for sample, score, label in zip(data_samples, scores, labels):
            sample.set_pred_score(score.detach()).set_pred_label(
                label.detach())
        return data_samples
