# Copyright (c) mmssl contributors. All rights reserved.
"""Heads of semi-supervised classifiers.

A semi-supervised head receives the features of ONE forward pass over the
concatenated batch ``cat([x_lb, x_ulb_w, x_ulb_s])`` (labeled images, weak
and strong views of the unlabeled images, in this order; USB's
``use_cat=True``) and computes the method's losses in :meth:`loss_semi`.
Prediction is the closed-set linear classifier of
:class:`~mmssl.models.heads.LinearClsHead`.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

from .linear_head import LinearClsHead


@MODELS.register_module()
class SemiClsHead(LinearClsHead):
    """Base class of semi-supervised classification heads.

    Subclasses implement :meth:`unsup_loss`; this class computes the
    supervised cross-entropy on the labeled part and splits logits and
    features. Heads that ignore unlabeled data set
    ``uses_unlabeled = False`` and the classifier then forwards the labeled
    images only.

    Args:
        lambda_u (float): Weight of the unsupervised loss.
        **kwargs: Passed to :class:`LinearClsHead`.
    """
    uses_unlabeled: bool = True

    def __init__(self, lambda_u: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.lambda_u = lambda_u

    def loss_semi(self, feats: Tuple[torch.Tensor], sizes: Sequence[int],
                  data_samples: Dict[str, List[ClsDataSample]]) -> dict:
        """Losses of one training step.

        Args:
            feats (tuple[Tensor]): Neck outputs of the concatenated batch.
            sizes (Sequence[int]): ``(n_lb, n_ulb, n_ulb)``, or ``(n_lb, )``
                when the head does not use unlabeled data.
            data_samples (dict): Branch name -> data samples
                (``'sup'``, ``'unsup_weak'``, ``'unsup_strong'``).

        Returns:
            dict: Losses (keys with ``loss``) and logged values.
        """
        feat = self.pre_logits(feats)
        logits = self.fc(feat)
        logits_lb = logits[:sizes[0]]
        target = self.gt_labels(data_samples['sup']).to(logits.device)
        losses = dict(loss_x=self.loss_module(logits_lb, target))
        with torch.no_grad():
            hit = logits_lb.argmax(1).eq(target)
            losses['accuracy_lb'] = hit.float().mean() * 100
        if len(sizes) > 1 and self.uses_unlabeled:
            logits_w, logits_s = logits[sizes[0]:].split(list(sizes[1:]))
            feat_w, feat_s = feat[sizes[0]:].split(list(sizes[1:]))
            losses.update(
                self.unsup_loss(
                    dict(lb=logits_lb, ulb_w=logits_w, ulb_s=logits_s),
                    dict(lb=feat[:sizes[0]], ulb_w=feat_w, ulb_s=feat_s),
                    data_samples))
        return losses

    @staticmethod
    def true_labels(samples: Optional[List[ClsDataSample]],
                    device=None) -> Optional[torch.Tensor]:
        """The true labels of unlabeled samples, for diagnostics only.

        Present when the dataset was built with ``log_true_labels=True``
        (:class:`~mmssl.datasets.SemiSplitDataset`): seen classes as
        ``0..K-1``, unseen ones as -1. No loss may read them; heads use
        them to log mask ratios on seen vs unseen images and pseudo-label
        accuracy. None when any sample lacks one.
        """
        if not samples:
            return None
        values = [s.metainfo.get('true_label') for s in samples]
        if any(v is None for v in values):
            return None
        return torch.as_tensor(values, dtype=torch.long, device=device)

    @staticmethod
    def diagnostics(true: Optional[torch.Tensor], pseudo: torch.Tensor,
                    masks: Dict[str, torch.Tensor]) -> dict:
        """Logged values from true labels (diagnostics only).

        For each ``name -> mask`` (B,) of the unlabeled batch:
        ``<name>_seen`` and ``<name>_unseen`` (mean of the mask over the
        seen / unseen images; an entry is left out when the batch has none
        of them) and ``<name>_pl_acc`` (accuracy of ``pseudo`` on the seen
        images the mask keeps, in %). ``pl_acc`` is the accuracy of
        ``pseudo`` on all seen images.
        """
        if true is None:
            return {}
        out = {}
        seen = true.ge(0)
        with torch.no_grad():
            hit = pseudo.eq(true) & seen
            if seen.any():
                out['pl_acc'] = hit[seen].float().mean() * 100
            for name, mask in masks.items():
                mask = mask.float()
                if seen.any():
                    out[f'{name}_seen'] = mask[seen].mean()
                if (~seen).any():
                    out[f'{name}_unseen'] = mask[~seen].mean()
                kept = mask.gt(0) & seen
                if kept.any():
                    out[f'{name}_pl_acc'] = hit[kept].float().mean() * 100
        return out

    def unsup_loss(self, logits: Dict[str, torch.Tensor],
                   feats: Dict[str, torch.Tensor],
                   data_samples: Dict[str, List[ClsDataSample]]) -> dict:
        """The method's unsupervised losses (and logged ratios).

        Args:
            logits (dict): ``lb``, ``ulb_w``, ``ulb_s`` closed-set logits.
            feats (dict): The same parts of the pre-logit features.
            data_samples (dict): Branch name -> data samples.
        """
        raise NotImplementedError(
            f'{self.__class__.__name__} must implement unsup_loss')


@MODELS.register_module()
class SupervisedHead(SemiClsHead):
    """The supervised-only baseline: cross-entropy on the labeled batch,
    unlabeled data unused (and not even forwarded)."""
    uses_unlabeled = False

    def __init__(self, **kwargs):
        kwargs.pop('lambda_u', None)
        super().__init__(lambda_u=0.0, **kwargs)


@MODELS.register_module()
class FixMatchHead(SemiClsHead):
    """FixMatch (Sohn et al., NeurIPS 2020), as USB implements it
    (``semilearn/algorithms/fixmatch/fixmatch.py``).

    Pseudo labels are the argmax of the weak view's softmax (no gradient);
    samples whose top probability reaches ``p_cutoff`` contribute the
    cross-entropy of the strong view's logits against them::

        mask = max(softmax(z_w)) >= p_cutoff
        L_u = mean_b( mask_b * CE(z_s[b], argmax z_w[b]) )   # over ALL b
        L = L_x + lambda_u * L_u

    With ``hard_label=False`` the target is the weak view's probabilities
    ``softmax(z_w)``, as in USB, whose FixMatch passes probabilities with
    ``softmax=False`` to its pseudo-labeling hook, so its ``T`` has no
    effect; an explicit ``T`` here sharpens them as ``softmax(z_w / T)``
    (an mmssl extension). ``util_ratio`` (share of unlabeled samples above
    the threshold) is logged as USB does. ``loss_u`` is logged already
    weighted by ``lambda_u``.

    Args:
        p_cutoff (float): Confidence threshold. USB default 0.95.
        hard_label (bool): Hard (argmax) pseudo labels. USB default True.
        T (float, optional): Temperature of soft pseudo labels; None (the
            default) uses the probabilities as USB does.
        lambda_u (float): Weight of the unsupervised loss. USB default 1.0.
        **kwargs: Passed to :class:`LinearClsHead`.
    """

    def __init__(self,
                 p_cutoff: float = 0.95,
                 hard_label: bool = True,
                 T: Optional[float] = None,
                 lambda_u: float = 1.0,
                 **kwargs):
        super().__init__(lambda_u=lambda_u, **kwargs)
        if not 0 <= p_cutoff <= 1:
            raise ValueError(f'p_cutoff must be in [0, 1], got {p_cutoff}')
        self.p_cutoff = p_cutoff
        self.hard_label = hard_label
        self.T = T

    def unsup_loss(self, logits, feats, data_samples) -> dict:
        with torch.no_grad():
            probs = F.softmax(logits['ulb_w'].detach().float(), dim=1)
            max_probs, pseudo = probs.max(dim=1)
            mask = max_probs.ge(self.p_cutoff).float()
        logits_s = logits['ulb_s']
        if self.hard_label:
            loss = F.cross_entropy(logits_s, pseudo, reduction='none')
        else:
            with torch.no_grad():
                target = probs if self.T is None else F.softmax(
                    logits['ulb_w'].detach().float() / self.T, dim=1)
            loss = -(target * F.log_softmax(logits_s.float(), dim=1)).sum(1)
        loss_u = (loss * mask).mean()
        out = dict(loss_u=self.lambda_u * loss_u, util_ratio=mask.mean())
        out.update(self.diagnostics(
            self.true_labels(data_samples.get('unsup_weak'), pseudo.device),
            pseudo, dict(util_ratio=mask)))
        return out
