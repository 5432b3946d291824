# Copyright (c) mmssl contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

from ..losses import consistency_loss, iomatch_open_targets, mb_sup_loss
from ..utils import DistAlignQueue
from .semi_heads import SemiClsHead


@MODELS.register_module()
class IOMatchHead(SemiClsHead):
    """IOMatch (Li et al., ICCV 2023): open-set semi-supervised learning
    with joint inliers and outliers utilization, as the official code
    (github.com/nukezil/IOMatch, ``semilearn/algorithms/iomatch/
    iomatch.py``) computes it.

    On the pooled feature ``feat`` (B, F) of the backbone, besides the
    closed-set classifier ``fc`` (K classes), ``IOMatchNet`` adds:

    - ``mlp_proj``: Linear(F, F) - ReLU - Linear(F, proj_dim);
    - ``mb_classifiers``: Linear(proj_dim, 2K, no bias), the multi-binary
      one-vs-all classifiers (read as ``(B, 2, K)``);
    - ``openset_classifier``: Linear(proj_dim, K+1), index K = outlier.

    Losses of one step (weak view ``w``, strong view ``s``)::

        L = CE(z_lb, y) + lambda_mb * mb_sup_loss(mb_lb, y)
            + lambda_u * mean_b(in_mask * p_mask * CE(z_s, p))
            + lambda_op * mean_b(q_mask * CE(open_s, q))

    with the soft targets ``p`` (the weak view's probabilities, distribution
    aligned when ``dist_align``) and ``q`` (K+1-way, built from ``p`` and the
    multi-binary probabilities; :func:`~mmssl.models.losses.
    iomatch_open_targets`). The open-set loss is 0 during the first
    ``op_warmup_iters`` iterations (the official ``self.epoch == 0``).

    Prediction (``evaluate_io`` of the official ``evaluate.ipynb``):
    ``pred_score`` is the closed-set softmax; with ``open_rule='open_head'``
    (the paper's) ``open_pred_label`` is the argmax of the open-set
    classifier's softmax over K+1 (K = unknown) and ``ood_score`` its last
    entry; with ``open_rule='fused'`` they come from ``hat_q``, built from
    the closed-set and multi-binary probabilities like the training target.

    Args:
        num_classes (int): Seen classes K.
        in_channels (int): Feature size F.
        proj_dim (int): Projection size. Official default 128.
        p_cutoff (float): Closed-set confidence threshold. Official 0.95.
        q_cutoff (float): Open-set target threshold. Official 0.5.
        lambda_u (float): Weight of the inlier loss (ulb_loss_ratio, 1.0).
        lambda_mb (float): Weight of the multi-binary loss (mb_loss_ratio,
            1.0).
        lambda_op (float): Weight of the open-set loss (op_loss_ratio,
            1.0).
        dist_align (bool): Distribution alignment of ``p`` (code default
            True; the official CIFAR-10 configs set False, CIFAR-100 True).
        da_len (int): Queue length of the alignment. Official 128.
        op_warmup_iters (int): Iterations without the open-set loss. The
            official first epoch is 1,024 iterations (1/256 of training).
        open_rule (str): ``'open_head'`` or ``'fused'``, see above.
        **kwargs: Passed to :class:`SemiClsHead`.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 proj_dim: int = 128,
                 p_cutoff: float = 0.95,
                 q_cutoff: float = 0.5,
                 lambda_u: float = 1.0,
                 lambda_mb: float = 1.0,
                 lambda_op: float = 1.0,
                 dist_align: bool = True,
                 da_len: int = 128,
                 op_warmup_iters: int = 1024,
                 open_rule: str = 'open_head',
                 **kwargs):
        super().__init__(
            num_classes=num_classes, in_channels=in_channels,
            lambda_u=lambda_u, **kwargs)
        if open_rule not in ('open_head', 'fused'):
            raise ValueError(f"open_rule must be 'open_head' or 'fused', got "
                             f'{open_rule!r}')
        for name, value in (('p_cutoff', p_cutoff), ('q_cutoff', q_cutoff)):
            if not 0 <= value <= 1:
                raise ValueError(f'{name} must be in [0, 1], got {value}')
        self.p_cutoff = p_cutoff
        self.q_cutoff = q_cutoff
        self.lambda_mb = lambda_mb
        self.lambda_op = lambda_op
        self.op_warmup_iters = int(op_warmup_iters)
        self.open_rule = open_rule
        self.mlp_proj = nn.Sequential(
            nn.Linear(in_channels, in_channels), nn.ReLU(inplace=False),
            nn.Linear(in_channels, proj_dim))
        self.mb_classifiers = nn.Linear(proj_dim, 2 * num_classes, bias=False)
        self.openset_classifier = nn.Linear(proj_dim, num_classes + 1)
        self.dist_align = DistAlignQueue(num_classes, da_len) \
            if dist_align else None
        # Training steps seen (the official epoch counter, in iterations);
        # a buffer, so it is checkpointed and restored on resume.
        self.register_buffer('num_steps', torch.zeros((), dtype=torch.long))
        self._reset_added_layers()

    def _reset_added_layers(self) -> None:
        # IOMatchNet: PyTorch's default init for mlp_proj, xavier_normal_ on
        # the two added classifiers, zero open-set bias.
        for layer in self.mlp_proj:
            if isinstance(layer, nn.Linear):
                layer.reset_parameters()
        nn.init.xavier_normal_(self.mb_classifiers.weight)
        nn.init.xavier_normal_(self.openset_classifier.weight)
        nn.init.zeros_(self.openset_classifier.bias)

    def init_weights(self) -> None:
        # ``init_cfg`` (e.g. a Linear-layer initializer for ``fc``) would also
        # reach the added layers; restore their official init afterwards.
        super().init_weights()
        self._reset_added_layers()

    def forward_all(self,
                    feats: Tuple[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``IOMatchNet.forward``: closed-set, multi-binary and open-set
        logits of the pooled features."""
        feat = self.pre_logits(feats)
        feat_proj = self.mlp_proj(feat)
        return dict(
            logits=self.fc(feat),
            logits_mb=self.mb_classifiers(feat_proj),
            logits_open=self.openset_classifier(feat_proj))

    def loss_semi(self, feats: Tuple[torch.Tensor], sizes: Sequence[int],
                  data_samples: Dict[str, List[ClsDataSample]]) -> dict:
        out = self.forward_all(feats)
        n_lb = sizes[0]
        target = self.gt_labels(data_samples['sup']).to(out['logits'].device)
        logits_lb = out['logits'][:n_lb]
        losses = dict(
            loss_x=self.loss_module(logits_lb, target),
            loss_mb=self.lambda_mb * mb_sup_loss(out['logits_mb'][:n_lb],
                                                 target))
        with torch.no_grad():
            losses['accuracy_lb'] = logits_lb.argmax(1).eq(
                target).float().mean() * 100
        if len(sizes) == 1 or not self.training:
            return losses
        self.num_steps += 1
        n_ulb = sizes[1]
        logits_w, logits_s = out['logits'][n_lb:].split([n_ulb, n_ulb])
        mb_w = out['logits_mb'][n_lb:n_lb + n_ulb]
        open_s = out['logits_open'][n_lb + n_ulb:]
        terms = self.unsup_terms(logits_w, logits_s, mb_w, open_s)
        losses['loss_u'] = self.lambda_u * terms['loss_ui']
        losses['loss_op'] = self.lambda_op * terms['loss_op']
        for key in ('selected_ratio', 'in_mask_ratio', 'p_mask_ratio',
                    'q_mask_ratio'):
            losses[key] = terms[key]
        # Diagnostics from the true labels (logging only): the masks on
        # seen vs unseen unlabeled images, pseudo-label accuracy.
        masks = terms['masks']
        losses.update(self.diagnostics(
            self.true_labels(data_samples.get('unsup_weak'),
                             logits_w.device),
            logits_w.detach().argmax(1),
            dict(in_mask=masks['in_mask'], selected=masks['selected'],
                 q_unknown=masks['q_unknown'])))
        return losses

    def unsup_terms(self, logits_w: torch.Tensor, logits_s: torch.Tensor,
                    logits_mb_w: torch.Tensor,
                    logits_open_s: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The unweighted unlabeled losses and ratios of one step (the
        official ``ui_loss`` and ``op_loss``; updates the alignment queue)."""
        with torch.no_grad():
            probs = F.softmax(logits_w.detach().float(), dim=1)
            if self.dist_align is not None:
                probs = self.dist_align(probs)
            t = iomatch_open_targets(probs, logits_mb_w.detach(),
                                     self.p_cutoff, self.q_cutoff)
        selected = t['in_mask'] * t['p_mask']
        loss_ui = consistency_loss(logits_s, probs, selected)
        loss_op = consistency_loss(logits_open_s, t['q'], t['q_mask'])
        if int(self.num_steps) <= self.op_warmup_iters:
            loss_op = loss_op * 0.0
        return dict(
            loss_ui=loss_ui,
            loss_op=loss_op,
            masks=dict(in_mask=t['in_mask'], selected=selected,
                       # the open-set target calls it "unknown"
                       q_unknown=(t['q'].argmax(1).eq(t['q'].size(1) - 1)
                                  .float() * t['q_mask'])),
            selected_ratio=selected.mean(),
            in_mask_ratio=t['in_mask'].mean(),
            p_mask_ratio=t['p_mask'].mean(),
            q_mask_ratio=t['q_mask'].mean())

    def predict(
        self,
        feats: Tuple[torch.Tensor],
        data_samples: Optional[List[ClsDataSample]] = None
    ) -> List[ClsDataSample]:
        out = self.forward_all(feats)
        probs = F.softmax(out['logits'].float(), dim=1)
        if self.open_rule == 'open_head':
            q = F.softmax(out['logits_open'].float(), dim=1)
        else:
            q = iomatch_open_targets(probs, out['logits_mb'])['q']
        ood = q[:, -1]
        open_pred = q.argmax(dim=1)
        if data_samples is None:
            data_samples = [ClsDataSample() for _ in range(probs.size(0))]
        for i, sample in enumerate(data_samples):
            sample.set_pred_score(probs[i].detach())
            sample.set_pred_label(probs[i].argmax().detach())
            sample.set_field(ood[i].detach(), 'ood_score')
            sample.set_field(open_pred[i:i + 1].detach(), 'open_pred_label')
        return data_samples
