# Copyright (c) mmssl contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

from ..losses import consistency_loss, fixed_threshold_mask, shrink_loss
from ..utils import DistAlignEMA, DistAlignQueue
from .semi_heads import SemiClsHead


@MODELS.register_module()
class ShrinkMatchHead(SemiClsHead):
    """ShrinkMatch (Yang et al., ICCV 2023): shrinking the class space of
    uncertain unlabeled samples, as the official code
    (github.com/LiheYoung/ShrinkMatch) computes it.

    Certain samples (``max p >= p_cutoff``) keep the FixMatch loss on the
    main classifier; every uncertain sample is trained, on an auxiliary
    MLP classifier ``head_aux`` of the strong view, to predict its top-1
    class inside the shrunk class space
    (:func:`~mmssl.models.losses.shrink_loss`), weighted by its top-1
    confidence (principle 1). The whole shrink term is weighted by the EMA
    (0.999) of the share of certain samples (principle 2)::

        L = CE(z_lb, y) + lambda_u * (L_u + ema_t * S / B_u)

    Defaults follow the CIFAR code (``CIFAR/shrinkmatch.py``,
    ``CIFAR/network/shrinkmatch.py``): soft-target ``L_u``, distribution
    alignment with a queue of 32 batch means, ``head_aux`` on the
    strong-view rows only, ranking by the aligned probabilities, the
    certain-ratio EMA restarted every 1,024 iterations (the CIFAR code
    resets it at each epoch start). The STL-10/SVHN code
    (``STL10-SVHN/models/shrinkmatch/``) is ``hard_label=True``,
    ``dist_align='ema'`` (STL-10) or None (SVHN), ``aux_rows='all'``,
    ``rank_by='logits'``, ``ema_reset_interval=None``.

    ``head_aux`` is Linear(F, F/4)-BN-LeakyReLU(0.1)-Linear(F/4, F/4)-BN-
    LeakyReLU(0.1)-Linear(F/4, C), PyTorch's default init; it only serves
    the shrink loss. Prediction uses the main classifier.

    Args:
        num_classes (int): Number of classes C.
        in_channels (int): Feature size F.
        p_cutoff (float): Threshold tau. Official 0.95 (CIFAR/STL/SVHN).
        lambda_u (float): Weight of the unlabeled terms. Official 1.
        hard_label (bool): Hard pseudo labels in ``L_u`` (STL/SVHN).
        dist_align (str, optional): ``'queue'`` (CIFAR, length
            ``da_len``), ``'ema'`` (STL-10, momentum 0.999) or None.
        da_len (int): Queue length. Official CIFAR 32.
        aux_rows (str): Rows that pass ``head_aux`` (its BN statistics):
            ``'strong'`` (CIFAR) or ``'all'`` (STL/SVHN).
        rank_by (str): ``'probs'`` ranks the classes by the aligned
            probabilities (CIFAR); ``'logits'`` by the raw weak logits
            (STL/SVHN).
        ratio_momentum (float): Momentum of the certain-ratio EMA. 0.999.
        ema_reset_interval (int, optional): Restart the EMA every this many
            iterations (CIFAR: 1,024, one epoch); None never restarts.
        aux_act_slope (float): LeakyReLU slope in ``head_aux`` (0.1;
            0 gives ReLU as the ImageNet code).
        use_shrink (bool): False drops the shrink term, leaving the
            paper's FixMatch+DA baseline (soft targets, alignment) for
            ablations. Defaults to True.
        **kwargs: Passed to :class:`SemiClsHead`.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 p_cutoff: float = 0.95,
                 lambda_u: float = 1.0,
                 hard_label: bool = False,
                 dist_align: Optional[str] = 'queue',
                 da_len: int = 32,
                 aux_rows: str = 'strong',
                 rank_by: str = 'probs',
                 ratio_momentum: float = 0.999,
                 ema_reset_interval: Optional[int] = 1024,
                 aux_act_slope: float = 0.1,
                 use_shrink: bool = True,
                 **kwargs):
        super().__init__(
            num_classes=num_classes, in_channels=in_channels,
            lambda_u=lambda_u, **kwargs)
        if not 0 <= p_cutoff <= 1:
            raise ValueError(f'p_cutoff must be in [0, 1], got {p_cutoff}')
        if dist_align not in ('queue', 'ema', None):
            raise ValueError(f"dist_align must be 'queue', 'ema' or None, "
                             f'got {dist_align!r}')
        if aux_rows not in ('strong', 'all'):
            raise ValueError(f"aux_rows must be 'strong' or 'all', got "
                             f'{aux_rows!r}')
        if rank_by not in ('probs', 'logits'):
            raise ValueError(f"rank_by must be 'probs' or 'logits', got "
                             f'{rank_by!r}')
        self.p_cutoff = p_cutoff
        self.hard_label = hard_label
        self.aux_rows = aux_rows
        self.rank_by = rank_by
        self.ratio_momentum = ratio_momentum
        self.ema_reset_interval = ema_reset_interval
        self.use_shrink = use_shrink
        hidden = in_channels // 4
        self.head_aux = nn.Sequential(
            nn.Linear(in_channels, hidden), nn.BatchNorm1d(hidden),
            nn.LeakyReLU(aux_act_slope, inplace=True),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden),
            nn.LeakyReLU(aux_act_slope, inplace=True),
            nn.Linear(hidden, num_classes))
        if dist_align == 'queue':
            self.dist_align = DistAlignQueue(num_classes, da_len, eps=0.0)
        elif dist_align == 'ema':
            self.dist_align = DistAlignEMA(num_classes, 0.999)
        else:
            self.dist_align = None
        # Principle 2 state (checkpointed): the EMA of the certain ratio
        # (negative = not started) and the training steps seen.
        self.register_buffer('certain_ratio_ema', torch.tensor(-1.0))
        self.register_buffer('num_steps', torch.zeros((), dtype=torch.long))

    def init_weights(self) -> None:
        # ``init_cfg`` targets ``fc``; ``head_aux`` keeps PyTorch's default
        # init, as the official BackBone.
        super().init_weights()
        for layer in self.head_aux:
            if hasattr(layer, 'reset_parameters'):
                layer.reset_parameters()

    @torch.no_grad()
    def update_ratio_ema(self, ratio: float) -> float:
        """Principle 2: ``ema = r`` at (re)start, else ``0.999 ema +
        0.001 r`` (``train()`` of the official CIFAR code)."""
        restart = float(self.certain_ratio_ema) < 0 or (
            self.ema_reset_interval is not None
            and int(self.num_steps) % self.ema_reset_interval == 0)
        if restart:
            self.certain_ratio_ema.fill_(ratio)
        else:
            m = self.ratio_momentum
            self.certain_ratio_ema.fill_(
                float(self.certain_ratio_ema) * m + ratio * (1 - m))
        self.num_steps += 1
        return float(self.certain_ratio_ema)

    def loss_semi(self, feats: Tuple[torch.Tensor], sizes: Sequence[int],
                  data_samples: Dict[str, List[ClsDataSample]]) -> dict:
        if len(sizes) == 1 or not self.training:
            return super().loss_semi(feats, sizes, data_samples)
        feat = self.pre_logits(feats)
        logits = self.fc(feat)
        n_lb, n_ulb = sizes[0], sizes[1]
        logits_lb = logits[:n_lb]
        target = self.gt_labels(data_samples['sup']).to(logits.device)
        losses = dict(loss_x=self.loss_module(logits_lb, target))
        with torch.no_grad():
            losses['accuracy_lb'] = logits_lb.argmax(1).eq(
                target).float().mean() * 100
        logits_w, logits_s = logits[n_lb:].split([n_ulb, n_ulb])
        if not self.use_shrink:  # ablation: no aux head (unused in DDP)
            aux_s = None
        elif self.aux_rows == 'strong':
            aux_s = self.head_aux(feat[n_lb + n_ulb:])
        else:
            aux_s = self.head_aux(feat)[n_lb + n_ulb:]
        terms = self.unsup_terms(logits_w, logits_s, aux_s)
        losses['loss_u'] = self.lambda_u * terms['loss_u']
        if self.use_shrink:
            losses['loss_shrink'] = self.lambda_u * terms['ratio_ema'] * \
                terms['loss_shrink']
        for key in ('util_ratio', 'ratio_ema', 'shrink_ratio',
                    'removed_classes'):
            losses[key] = terms[key]
        # Diagnostics from the true labels (logging only): accuracy of the
        # certain pseudo labels and of the shrunk samples' top-1 target,
        # and how often the shrink removed the true class.
        true = self.true_labels(data_samples.get('unsup_weak'),
                                logits_w.device)
        diag = terms['diag']
        losses.update(self.diagnostics(
            true, diag['top1'], dict(util_ratio=diag['certain'],
                                     shrink_ratio=diag['shrunk'])))
        if true is not None:
            shrunk = diag['shrunk'].gt(0) & true.ge(0)
            if shrunk.any():
                rows = torch.nonzero(shrunk).squeeze(1)
                kept_true = diag['keep'][rows, true[rows]]
                losses['shrink_true_removed'] = (~kept_true).float().mean() \
                    * 100
        return losses

    def unsup_terms(self, logits_w: torch.Tensor, logits_s: torch.Tensor,
                    logits_aux_s: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Unweighted ``L_u`` and ``L_shrink = S / B_u`` of one step, and the
        principle-2 weight (updates the alignment and ratio states)."""
        with torch.no_grad():
            raw = F.softmax(logits_w.detach().float(), dim=1)
            probs = self.dist_align(raw) if self.dist_align is not None \
                else raw
            mask = fixed_threshold_mask(probs, self.p_cutoff)
        target = probs.argmax(dim=1) if self.hard_label else probs
        loss_u = consistency_loss(logits_s, target, mask)
        if logits_aux_s is None:  # the use_shrink=False ablation
            logits_aux_s = logits_s.detach()
        total, info = shrink_loss(
            probs, logits_aux_s, self.p_cutoff,
            rank_probs=raw if self.rank_by == 'logits' else None)
        batch = logits_w.size(0)
        ratio_ema = self.update_ratio_ema(float(mask.mean()))
        uncertain = mask.eq(0)
        removed = (info['c_star'] - 1).float()
        return dict(
            loss_u=loss_u,
            loss_shrink=total / batch,
            diag=dict(top1=probs.argmax(dim=1), certain=mask,
                      shrunk=(info['weight'] > 0).float(),
                      keep=info['keep']),
            ratio_ema=torch.tensor(ratio_ema),
            util_ratio=mask.mean(),
            shrink_ratio=(info['weight'] > 0).float().mean(),
            removed_classes=removed[uncertain].mean()
            if uncertain.any() else torch.tensor(0.0))
