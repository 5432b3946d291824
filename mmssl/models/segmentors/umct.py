# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT: uncertainty-aware multi-view co-training for semi-supervised 3-D
segmentation (Xia et al., WACV 2020 / MedIA 2020; no official code;
configs/umct/README.md says which choices are ours)."""
import time
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModel

from mmssl.models.losses.umct_losses import (
    UMCT_VIEWS,
    ce_dice_loss,
    from_view,
    mc_mean_and_variance,
    to_view,
    uncertainty_weighted_fusion,
)
from mmssl.models.utils.sliding_window import sliding_window_inference
from mmssl.registry import MODELS
from mmssl.structures import VolumeDataSample


@MODELS.register_module()
class UMCTSegmentor(BaseModel):
    """One 3-D network per view, trained together (UMCT's co-training).

    Each view ``i`` sees the patch with its axes permuted (``views[i]``,
    section 2) and its logits are permuted back to the common (z, y, x)
    frame. Per training step, on a batch of labeled and unlabeled patches
    (told apart by ``gt_seg`` in the data samples):

    - ``loss_sup`` = sum over views of ``0.5 CE + 0.5 soft Dice`` against
      the label (labeled patches);
    - from iteration ``cot_start_iter`` on, ``loss_cot`` = ``lambda_cot`` x
      sum over views of the same loss against that view's pseudo label:
      the other views' Monte-Carlo means (``mc_samples`` dropout passes,
      no gradient), averaged per voxel with confidence ``1 / (variance +
      eps)`` (unlabeled patches; section 4.2). ``uncertainty=False`` fuses
      with equal weights (ablation), ``hard_pseudo_label=True`` uses the
      argmax (ablation).

    With one view and ``lambda_cot=0`` it is the supervised single-view
    baseline; with three views and ``lambda_cot=0``, the supervised
    multi-view one. Unlabeled patches that carry a ``log_seg`` (their
    true label, for logging only: ``LabelForLoggingOnly``) add the Dice
    of each view's and each fused pseudo label to the log
    (:meth:`pseudo_label_dice`); nothing is trained on it. At test time
    each view predicts the whole volume by
    sliding windows (``test_cfg``) and the views' softmax outputs are
    averaged (section 5).

    Args:
        backbone (dict): The per-view network (e.g. ``AsymUNet3D``);
            views do not share weights.
        num_classes (int): Classes with background.
        views (Sequence[Sequence[int]]): Axis permutations of the views.
            Defaults to UMCT's axial, coronal, sagittal.
        lambda_cot (float): Co-training weight. Defaults to 0.2 (the
            value third-party notes on the MedIA paper give).
        cot_start_iter (int): Iterations of supervised training first (the
            papers' stage 1). Defaults to 0.
        mc_samples (int): Dropout passes per view for the uncertainty.
            Defaults to 8 (our choice of K = 8-10; the papers' K is not
            known).
        uncertainty (bool): Weight the fusion by confidence. Defaults to
            True.
        hard_pseudo_label (bool): Argmax pseudo labels. Defaults to False.
        eps (float): Of the confidence. Defaults to 1e-6.
        test_cfg (dict): ``roi_size``, ``overlap`` (0.5), ``mode``
            (``'gaussian'``), ``sw_batch_size`` of the sliding window;
            ``log_progress`` (False): log each view's windows done, every
            10 seconds and when the view ends (the volume demo sets it);
            ``views`` (None: all): the indices of the views whose softmax
            outputs are averaged, e.g. ``[2]`` to test one view alone (a
            view that learned nothing shows up here, hidden in the
            ensemble).
    """

    def __init__(self,
                 backbone: dict,
                 num_classes: int,
                 views: Sequence[Sequence[int]] = UMCT_VIEWS,
                 lambda_cot: float = 0.2,
                 cot_start_iter: int = 0,
                 mc_samples: int = 8,
                 uncertainty: bool = True,
                 hard_pseudo_label: bool = False,
                 eps: float = 1e-6,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='VolumeDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.views = [tuple(int(a) for a in v) for v in views]
        for v in self.views:
            if sorted(v) != [0, 1, 2]:
                raise ValueError(f'a view must permute (0, 1, 2); got {v}')
        self.nets = nn.ModuleList(
            [MODELS.build(dict(backbone, num_classes=num_classes))
             for _ in self.views])
        self.num_classes = num_classes
        self.lambda_cot = lambda_cot
        self.cot_start_iter = cot_start_iter
        self.mc_samples = mc_samples
        self.uncertainty = uncertainty
        self.hard_pseudo_label = hard_pseudo_label
        self.eps = eps
        self.test_cfg = dict(roi_size=(32, 32, 32), overlap=0.5,
                             mode='gaussian', sw_batch_size=4,
                             log_progress=False, views=None)
        self.test_cfg.update(test_cfg or {})
        test_views = self.test_cfg['views']
        if test_views is not None and (
                not len(test_views) or any(
                    not 0 <= int(i) < len(self.views) for i in test_views)):
            raise ValueError(
                f'test_cfg.views must name views 0..{len(self.views) - 1}'
                f', got {test_views}')
        self.register_buffer('num_steps', torch.zeros((), dtype=torch.long))

    def view_logits(self, i: int, x: torch.Tensor) -> torch.Tensor:
        """Logits of view ``i`` in the common frame."""
        v = self.views[i]
        return from_view(self.nets[i](to_view(x, v)), v)

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[VolumeDataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return torch.stack([self.view_logits(i, inputs).softmax(1)
                                for i in range(len(self.views))]).mean(0)
        raise RuntimeError(f"invalid mode {mode!r}: use 'loss', 'predict' "
                           "or 'tensor'")

    @torch.no_grad()
    def pseudo_labels(self, x: torch.Tensor,
                      truth: Optional[torch.Tensor] = None,
                      diagnostics: Optional[dict] = None
                      ) -> List[torch.Tensor]:
        """Every view's fused pseudo label for the unlabeled batch ``x``.

        With ``truth`` (the unlabeled patches' labels, ``(B, *spatial)``, for
        logging only) the foreground Dice of every view's MC mean and of
        every fused pseudo label against it go into ``diagnostics``
        (:meth:`pseudo_label_dice`)."""
        means, variances, raw = [], [], []
        for j in range(len(self.views)):
            net, v = self.nets[j], self.views[j]
            if hasattr(net, 'forward_mc'):
                # trunk once, the dropout tail K times (same distribution)
                samples = from_view(net.forward_mc(
                    to_view(x, v), self.mc_samples), v).softmax(2)
            else:
                samples = torch.stack([
                    self.view_logits(j, x).softmax(1)
                    for _ in range(self.mc_samples)
                ])
            mean, var = mc_mean_and_variance(samples)
            means.append(mean)
            raw.append(var)
            variances.append(var if self.uncertainty else
                             torch.zeros_like(var))
        targets = uncertainty_weighted_fusion(means, variances, self.eps)
        if truth is not None and diagnostics is not None:
            diagnostics.update(self.pseudo_label_dice(means, raw, truth))
        if self.hard_pseudo_label:
            targets = [F.one_hot(t.argmax(1), self.num_classes).movedim(
                -1, 1).to(t.dtype) for t in targets]
        return targets

    def pseudo_label_dice(self, means: List[torch.Tensor],
                          variances: List[torch.Tensor],
                          truth: torch.Tensor) -> dict:
        """Foreground Dice (%, pooled over the batch) against ``truth`` of
        each view's MC-mean prediction (``pl_dice/view<i>``) and of each
        view's fused pseudo label, with the confidence weights
        (``pl_dice/fused_unc<i>``) and with equal weights
        (``pl_dice/fused_eq<i>``), whichever the model trains with; plus
        their means and the best view (``view_mean``, ``view_best``,
        ``fused_unc_mean``, ``fused_eq_mean``) and the model's own fusion's
        mean minus the best view (``fused_gain``). Foreground: any class
        > 0. Empty when one of these Dice is undefined (neither the truth
        nor that prediction has foreground in the batch)."""
        fg = truth > 0

        def dice(probs):
            pred = probs.argmax(1) > 0
            denom = pred.sum() + fg.sum()
            return None if denom == 0 else \
                200. * (pred & fg).sum().float() / denom.float()

        views = [dice(m) for m in means]
        unc = [dice(t) for t in uncertainty_weighted_fusion(
            means, variances, self.eps)]
        eq = [dice(t) for t in uncertainty_weighted_fusion(
            means, [torch.zeros_like(v) for v in variances], self.eps)]
        if any(d is None for d in views + unc + eq):
            return {}
        out = {}
        for i, (v, u, e) in enumerate(zip(views, unc, eq)):
            out[f'pl_dice/view{i}'] = v
            out[f'pl_dice/fused_unc{i}'] = u
            out[f'pl_dice/fused_eq{i}'] = e
        out['pl_dice/view_mean'] = torch.stack(views).mean()
        out['pl_dice/view_best'] = torch.stack(views).max()
        out['pl_dice/fused_unc_mean'] = torch.stack(unc).mean()
        out['pl_dice/fused_eq_mean'] = torch.stack(eq).mean()
        own = out['pl_dice/fused_unc_mean' if self.uncertainty else
                  'pl_dice/fused_eq_mean']
        out['pl_dice/fused_gain'] = own - out['pl_dice/view_best']
        return out

    def loss(self, inputs: torch.Tensor,
             data_samples: List[VolumeDataSample]) -> dict:
        self.num_steps += 1
        lab = [k for k, s in enumerate(data_samples) if 'gt_seg' in s]
        unl = [k for k, s in enumerate(data_samples) if 'gt_seg' not in s]
        cot_on = bool(unl and self.lambda_cot > 0 and len(self.views) > 1
                      and int(self.num_steps) > self.cot_start_iter)
        # Before co-training starts (stage 1) the unlabeled patches add
        # nothing: only the labeled ones go through the networks.
        rows = list(range(len(data_samples))) if cot_on or not lab else lab
        pos = {k: n for n, k in enumerate(rows)}
        logits = [self.view_logits(i, inputs[rows])
                  for i in range(len(self.views))]
        lab_rows = [pos[k] for k in lab]
        device = inputs.device
        losses = {}
        if lab:
            gt = torch.stack([data_samples[k].gt_seg for k in lab]).to(
                device)
            if int(gt.max()) >= self.num_classes or int(gt.min()) < 0:
                bad = [data_samples[k].metainfo.get('seg_map_path')
                       for k in lab]
                raise ValueError(
                    f'labels {int(gt.min())}..{int(gt.max())} in {bad} do '
                    f'not fit num_classes={self.num_classes}')
            losses['loss_sup'] = sum(
                ce_dice_loss(lg[lab_rows], gt) for lg in logits)
        if cot_on:
            unl_rows = [pos[k] for k in unl]
            truth = None
            if all('log_seg' in data_samples[k] for k in unl):
                truth = torch.stack([data_samples[k].log_seg
                                     for k in unl]).to(device)
            diagnostics = {}
            targets = self.pseudo_labels(inputs[unl], truth, diagnostics)
            losses['loss_cot'] = self.lambda_cot * sum(
                ce_dice_loss(lg[unl_rows], t)
                for lg, t in zip(logits, targets))
            with torch.no_grad():
                fg = torch.stack([t.argmax(1) > 0 for t in targets])
                losses['pseudo_fg_ratio'] = fg.float().mean()
            losses.update(diagnostics)
        elif unl and lab:
            losses['loss_cot'] = inputs.new_zeros(())  # logged, stage 1
        elif unl:
            # no labeled patch in the batch: a zero term keeps every
            # parameter in the graph (DDP)
            losses['loss_cot'] = sum(lg.sum() for lg in logits) * 0.
        return losses

    def _progress_logger(self, i: int):
        """``progress(done, total)`` for view ``i``'s sliding windows: a
        log line every 10 s and one when the view is done."""
        start = last = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done < total and now - last < 10:
                return
            last = now
            print_log(f'view {i + 1}/{len(self.views)} '
                      f'{tuple(self.views[i])}: {done}/{total} windows, '
                      f'{now - start:.1f} s', logger='current')

        return progress

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[VolumeDataSample]] = None
                ) -> List[VolumeDataSample]:
        cfg = self.test_cfg
        if data_samples is None:
            data_samples = [VolumeDataSample() for _ in range(len(inputs))]
        for b, sample in enumerate(data_samples):
            x = inputs[b:b + 1]
            probs = 0
            views = cfg['views']
            views = range(len(self.views)) if views is None else \
                [int(i) for i in views]
            for i in views:
                probs = probs + sliding_window_inference(
                    x, cfg['roi_size'],
                    lambda t, i=i: self.view_logits(i, t).softmax(1),
                    overlap=cfg['overlap'], mode=cfg['mode'],
                    sw_batch_size=cfg['sw_batch_size'],
                    progress=self._progress_logger(i) if cfg.get(
                        'log_progress') else None)
            probs = probs / len(views)
            sample.pred_seg = probs[0].argmax(0).cpu()
        return data_samples
