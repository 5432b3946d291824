# Copyright (c) mmssl contributors. All rights reserved.
from typing import Dict, List, Sequence, Tuple

import torch

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

from ..losses import wad_student_loss
from .semi_heads import SemiClsHead


@MODELS.register_module()
class WADHead(SemiClsHead):
    """The student's head of WAD (Du et al., ICCV 2023), stage 3: weighted
    distillation of the teacher's knowledge
    (``Solver.backbone_classifier`` of the official ``SSL/train/train.py``)::

        L = mean_i CE(z_i, y_i) + mean_j w_j * CE(z_j, y^_j)

    over a labeled batch (true labels, and the pseudo labels of instances
    moved to the labeled set in earlier rounds) and an unlabeled batch with
    the teacher's pseudo labels ``y^`` and weights ``w``, which the
    :class:`~mmssl.engine.WADLoop` puts into the unlabeled data samples
    (``gt_label`` and ``wad_weight``). One unlabeled view (``'unsup'``),
    hard labels, no threshold, both terms weight 1. The two batches go
    through the network in separate forward passes, as in the official
    step (``SemiClassifier`` reads ``separate_forward``).

    Args:
        **kwargs: See :class:`SemiClsHead`.
    """
    unlabeled_branches = ('unsup', )
    # The official step runs the labeled and the unlabeled batch through the
    # student separately (own BN statistics and augmentation draws).
    separate_forward = True

    def loss_semi(self, feats: Tuple[torch.Tensor], sizes: Sequence[int],
                  data_samples: Dict[str, List[ClsDataSample]]) -> dict:
        if len(sizes) == 1:
            return super().loss_semi(feats, sizes, data_samples)
        logits = self.fc(self.pre_logits(feats))
        n_lb = sizes[0]
        target = self.gt_labels(data_samples['sup']).to(logits.device)
        unsup = data_samples['unsup']
        pseudo = self.gt_labels(unsup).to(logits.device)
        if not all('wad_weight' in s for s in unsup):
            raise KeyError("WADHead needs the teacher's weight of every "
                           "unlabeled sample ('wad_weight'); train it with "
                           "train_cfg=dict(type='WADLoop', ...)")
        weights = torch.as_tensor([float(s.wad_weight) for s in unsup],
                                  device=logits.device)
        sup, unsup_loss = wad_student_loss(logits[:n_lb], target,
                                           logits[n_lb:], pseudo, weights)
        with torch.no_grad():
            acc = logits[:n_lb].argmax(1).eq(target).float().mean() * 100
        return dict(loss_x=sup, loss_u=self.lambda_u * unsup_loss,
                    accuracy_lb=acc, weight_mean=weights.mean())
