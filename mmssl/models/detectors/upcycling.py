# Copyright (c) mmssl contributors. All rights reserved.
"""UpCycling: semi-supervised 3D detection from stored intermediate
features of unlabeled scenes (Hwang et al., ICCV 2023, arXiv 2211.11950;
our version: configs/upcycling/README.md).

The detector is mmdet3d's PointPillars (``VoxelNet``) cut in two: the
*front end* (pillar feature net + scatter, and optionally the 2D
backbone) runs on the vehicle; the *back end* (the 2D backbone unless it
is in the front end, the neck, the anchor head) is what the server trains
on the front end's stored outputs. Unlabeled scenes reach training only
as those stored features (``tools/upcycling/export_features.py``).
"""
import copy
import hashlib
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
from mmdet3d.models.detectors import VoxelNet
from mmdet3d.structures import LiDARInstance3DBoxes
from mmengine.logging import print_log
from mmengine.model import BaseDataPreprocessor
from mmengine.structures import InstanceData

from mmssl.registry import MODELS

from ..utils.upcycling import (
    anchor_head_loss,
    filter_pseudo_labels,
    paste_fgt,
    random_transform,
    sample_fgt,
    transform_bev,
    transform_boxes,
    transform_points,
)

FRONT_PARTS = {'scatter': ('voxel_encoder', 'middle_encoder'),
               'backbone': ('voxel_encoder', 'middle_encoder', 'backbone')}
PARTS = ('voxel_encoder', 'middle_encoder', 'backbone', 'neck', 'bbox_head')

# Defaults of ``semi_train_cfg``; where each comes from is said in the
# configs (configs/upcycling/README.md) and in the class docstring.
SEMI_DEFAULTS = dict(
    unlabeled_input='features',
    unlabeled_weight=1.0,
    ema_momentum=0.001,
    score_thr=(0.4, 0.4, 0.4),
    ignore_score_thr=None,
    fgt=None,
    feature_aug=None,
    point_aug=dict(rot_range=(-0.78539816, 0.78539816),
                   scale_range=(0.95, 1.05), flip_ratio=0.5),
    point_gt_sampling=None,
    freeze_front=True)


class SemiDet3DDataPreprocessor(BaseDataPreprocessor):
    """Wraps the detector's ``Det3DDataPreprocessor`` for batches of
    :func:`~mmssl.datasets.semi_det3d_collate`: the labeled part and an
    unlabeled part of raw points are preprocessed (voxelised) by it; stored
    features only move to the device. A plain batch goes to the wrapped
    preprocessor unchanged (test, demo, export).

    The output of a semi batch is ``dict(inputs=dict(labeled=...,
    unlabeled=...), data_samples=dict(labeled=..., unlabeled=...))``, so
    that mmengine's ``train_step`` (also the distributed one, which calls
    ``forward(mode='loss')`` and never the model's own ``train_step``)
    reaches :meth:`UpCycling.loss` with both parts.
    """

    def __init__(self, det: BaseDataPreprocessor):
        super().__init__()
        self.det = det

    @property
    def voxel_layer(self):
        return self.det.voxel_layer

    def voxelize(self, points, data_samples):
        return self.det.voxelize(points, data_samples)

    def forward(self, data, training: bool = False):
        if not (isinstance(data, dict) and 'labeled' in data):
            return self.det(data, training)
        labeled = self.det(data['labeled'], training)
        unlabeled = data.get('unlabeled')
        if unlabeled is None:
            return labeled
        if 'features' in unlabeled['inputs']:
            # pseudo_collate transposed each scene's list of maps: one
            # list of per-scene maps per level
            inputs = dict(features=[
                torch.stack(list(level)).to(self.device).float()
                for level in unlabeled['inputs']['features']
            ])
            unlabeled = dict(inputs=inputs,
                             data_samples=unlabeled['data_samples'])
        else:
            unlabeled = self.det(unlabeled, training)
        return dict(
            inputs=dict(labeled=labeled['inputs'],
                        unlabeled=unlabeled['inputs']),
            data_samples=dict(labeled=labeled['data_samples'],
                              unlabeled=unlabeled['data_samples']))


@MODELS.register_module()
class UpCycling(VoxelNet):
    """Mean teacher on the back end of a split PointPillars detector.

    Each training batch holds labeled scenes (raw points with boxes: the
    server has them) and unlabeled ones. Per unlabeled scene (our
    3DIoUMatch-style reconstruction):

    1. the EMA teacher's back end detects on the clean stored features;
       detections above ``score_thr`` (per class) are pseudo labels;
    2. F-GT (``fgt``): objects of the labeled bank are pasted into the
       feature maps at their own position and yaw, where their box does
       not overlap a teacher detection (score >= ``collision_score_thr``)
       or an earlier paste;
    3. the *hybrid* labels are the pseudo labels plus the exact boxes of
       the pasted objects;
    4. optionally the maps and labels are transformed alike
       (``feature_aug``: ``'naive'`` = flip + bilinear rotation + scale,
       the failure mode of the paper; ``'frot'`` = F-RoT, exact y flip +
       small bilinear rotation);
    5. the student's back end is trained with the detector's own loss on
       the hybrid labels, weighted by ``unlabeled_weight``.

    ``unlabeled_input='points'`` is the raw-data reference instead (mean
    teacher on raw unlabeled points, 3DIoUMatch-style): teacher on the
    clean cloud, student on a flipped/rotated/scaled copy with the boxes
    moved alike, whole detector trainable. The student is evaluated.

    Args:
        split (str): Where the detector is cut: ``'scatter'`` (after the
            pillar scatter: one map of the pillar features, our front
            end; the 2D backbone is trained) or ``'backbone'`` (after the
            2D backbone: its stages' maps, one reading of the paper's
            "multi-type" features; only the neck and head are trained).
            Defaults to ``'scatter'``.
        semi_train_cfg (dict, optional): See ``SEMI_DEFAULTS``:

            - unlabeled_input: ``'features'``, ``'points'`` or ``None``
              (labeled scenes only).
            - unlabeled_weight: weight of the unlabeled loss.
            - ema_momentum: teacher update ``t = (1 - m) t + m s``.
            - score_thr: per-class teacher score thresholds.
            - ignore_score_thr: negatives the teacher scores at least
              this on the student's input get no classification loss
              (:func:`~mmssl.models.utils.anchor_head_loss`), or ``None``.
            - fgt: ``dict(bank_file, sample_counts (per class),
              collision_score_thr)`` or ``None``.
            - feature_aug: ``dict(type='naive' | 'frot', rot_range,
              scale_range, flip_ratio, mode)`` or ``None``.
            - point_aug: the raw-point augmentation of ``'points'``.
            - point_gt_sampling: ``dict(db_sampler, collision_score_thr)``
              or ``None``: with ``'points'``, mmdet3d's GT sampling of
              labeled objects' points into the unlabeled scenes, placed as
              F-GT places its patches (the raw-point analogue of F-GT).
            - freeze_front: keep the front end fixed (features mode).
        **kwargs: :class:`mmdet3d.models.VoxelNet` arguments.
    """

    def __init__(self,
                 split: str = 'scatter',
                 semi_train_cfg: Optional[dict] = None,
                 **kwargs):
        super().__init__(**kwargs)
        if split not in FRONT_PARTS:
            raise ValueError(f"split must be one of {sorted(FRONT_PARTS)}, "
                             f'got {split!r}')
        self.split = split
        cfg = dict(SEMI_DEFAULTS)
        unknown = set(semi_train_cfg or {}) - set(cfg)
        if unknown:
            raise KeyError(f'unknown semi_train_cfg keys {sorted(unknown)}; '
                           f'expected some of {sorted(cfg)}')
        given = dict(semi_train_cfg or {})
        if isinstance(given.get('point_aug'), dict):
            given['point_aug'] = {**cfg['point_aug'], **given['point_aug']}
        cfg.update(given)
        if cfg['unlabeled_input'] not in ('features', 'points', None):
            raise ValueError("semi_train_cfg.unlabeled_input must be "
                             "'features', 'points' or None, got "
                             f"{cfg['unlabeled_input']!r}")
        aug = cfg['feature_aug']
        if aug is not None and aug.get('type') not in ('naive', 'frot'):
            raise ValueError("semi_train_cfg.feature_aug.type must be "
                             f"'naive' or 'frot', got {aug.get('type')!r}")
        self.semi_train_cfg = cfg
        self.data_preprocessor = SemiDet3DDataPreprocessor(
            self.data_preprocessor)
        self.teacher = nn.ModuleDict(
            {k: copy.deepcopy(getattr(self, k)) for k in PARTS})
        self.teacher.requires_grad_(False)
        # False until the teacher has been copied from the student (after
        # load_from); saved with the model so that a resumed run keeps its
        # teacher.
        self.register_buffer('teacher_ready', torch.tensor(False))
        self._bank = None
        self._db_sampler = None
        self._front_checked = set()
        if self._frozen_front:
            for name in FRONT_PARTS[split]:
                getattr(self, name).requires_grad_(False)

    # ------------------------------------------------------------ split
    @property
    def _frozen_front(self) -> bool:
        return (self.semi_train_cfg['freeze_front']
                and self.semi_train_cfg['unlabeled_input'] != 'points')

    @property
    def pc_range(self) -> List[float]:
        return list(self.data_preprocessor.voxel_layer.point_cloud_range)

    def _part(self, name: str, teacher: bool = False) -> nn.Module:
        return self.teacher[name] if teacher else getattr(self, name)

    def front(self, voxel_dict: dict, batch_size: int,
              teacher: bool = False) -> List[torch.Tensor]:
        """The front end: pillars -> BEV map(s) (what is stored)."""
        feats = self._part('voxel_encoder', teacher)(
            voxel_dict['voxels'], voxel_dict['num_points'],
            voxel_dict['coors'])
        x = self._part('middle_encoder', teacher)(feats, voxel_dict['coors'],
                                                  batch_size)
        if self.split == 'scatter':
            return [x]
        return list(self._part('backbone', teacher)(x))

    def back(self, feats: Sequence[torch.Tensor],
             teacher: bool = False) -> tuple:
        """The back end up to the head's input."""
        if self.split == 'scatter':
            x = self._part('backbone', teacher)(feats[0])
        else:
            x = tuple(feats)
        return self._part('neck', teacher)(x)

    def extract_feat(self, batch_inputs_dict: dict) -> tuple:
        voxel_dict = batch_inputs_dict['voxels']
        batch_size = len(batch_inputs_dict['points'])
        if self._frozen_front:
            with torch.no_grad():
                feats = self.front(voxel_dict, batch_size)
        else:
            feats = self.front(voxel_dict, batch_size)
        return self.back(feats)

    def export_features(self, batch_inputs_dict: dict) -> List[List]:
        """The stored features of each scene of a preprocessed batch: one
        list of ``(C, H, W)`` maps per scene."""
        with torch.no_grad():
            feats = self.front(batch_inputs_dict['voxels'],
                               len(batch_inputs_dict['points']))
        return [[f[i] for f in feats] for i in range(feats[0].shape[0])]

    def front_fingerprint(self) -> str:
        """sha256 of the front end: the split, the pillar grid (voxel size,
        range, points per pillar) and the weights and buffers in key order.
        The export tool stores it with the features, training checks it,
        so features are never used with another front end than theirs."""
        vl = self.data_preprocessor.voxel_layer
        digest = hashlib.sha256(repr((
            self.split, [float(v) for v in vl.voxel_size],
            [float(v) for v in vl.point_cloud_range],
            int(vl.max_num_points))).encode())
        for name in FRONT_PARTS[self.split]:
            for key, t in sorted(getattr(self, name).state_dict().items()):
                digest.update(f'{name}.{key}{t.dtype}{tuple(t.shape)}'
                              .encode())
                t = t.detach().cpu().contiguous().reshape(-1)
                digest.update(t.view(torch.uint8).numpy().tobytes())
        return digest.hexdigest()

    def check_front(self, fingerprint: Optional[str], what: str) -> None:
        """Refuse stored features (or a bank) exported by another front
        end than this model's (a wrong ``load_from``); checked once, as the
        front end is frozen."""
        if not self._frozen_front or what in self._front_checked:
            return
        if fingerprint is None:
            print_log(f'{what} records no front-end fingerprint (exported '
                      'by an older mmssl): cannot check that it comes from '
                      'this model\'s stage-1 checkpoint', logger='current',
                      level=logging.WARNING)
        elif fingerprint != (mine := self.front_fingerprint()):
            raise ValueError(
                f'{what} was exported by another front end (fingerprint '
                f'{fingerprint[:12]}) than this model\'s '
                f'({mine[:12]}): load_from must be the '
                'stage-1 checkpoint the features were exported with, or '
                'export them again from this one '
                '(tools/upcycling/export_features.py)')
        self._front_checked.add(what)

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()
        if self._frozen_front:
            # BN statistics of the front end must not drift either, or
            # the stored features go stale.
            for name in FRONT_PARTS[self.split]:
                getattr(self, name).eval()
        return self

    # ---------------------------------------------------------- teacher
    @torch.no_grad()
    def update_teacher(self) -> None:
        """EMA update; the first call copies the student."""
        first = not bool(self.teacher_ready)
        m = float(self.semi_train_cfg['ema_momentum'])
        for name in PARTS:
            t_params = dict(self.teacher[name].named_parameters())
            for key, p in getattr(self, name).named_parameters():
                if first:
                    t_params[key].copy_(p.detach())
                else:
                    t_params[key].mul_(1 - m).add_(p.detach(), alpha=m)
            t_bufs = dict(self.teacher[name].named_buffers())
            for key, b in getattr(self, name).named_buffers():
                t_bufs[key].copy_(b)
        self.teacher_ready.fill_(True)

    def _teacher_predict(self, x, data_samples) -> List[Dict]:
        """The teacher head's detections per scene: all of them
        (``all_boxes``, ``all_scores``: for the F-GT collision check) and
        the pseudo labels above the class thresholds (``boxes``,
        ``scores``, ``labels``)."""
        preds = self.teacher['bbox_head'].predict(x, data_samples)
        out = []
        for pred in preds:
            boxes, scores, labels = filter_pseudo_labels(
                pred.bboxes_3d.tensor, pred.scores_3d, pred.labels_3d,
                self.semi_train_cfg['score_thr'])
            out.append(dict(
                boxes=boxes, scores=scores, labels=labels,
                all_boxes=pred.bboxes_3d.tensor, all_scores=pred.scores_3d))
        return out

    # ------------------------------------------------------------- F-GT
    @property
    def bank(self) -> List[Dict]:
        if self._bank is None:
            path = self.semi_train_cfg['fgt']['bank_file']
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'F-GT bank not found: {path}; write it with '
                    'tools/upcycling/export_features.py (from the config\'s '
                    'export.labeled_dataset)')
            bank = torch.load(path, map_location='cpu', weights_only=True)
            self.check_front(bank.get('front_sha256'), f'F-GT bank {path}')
            self._bank = bank['bank']
        return self._bank

    @property
    def db_sampler(self):
        """The GT database sampler of ``point_gt_sampling`` (by default
        :class:`~mmssl.datasets.kitti.GTDatabaseSampler`, mmdet3d's
        ``DataBaseSampler`` naming a class missing from the database)."""
        if self._db_sampler is None:
            from mmssl.registry import TRANSFORMS
            cfg = dict(self.semi_train_cfg['point_gt_sampling']['db_sampler'])
            if not osp.isfile(cfg.get('info_path', '')):
                raise FileNotFoundError(
                    f"GT database not found: {cfg.get('info_path')}; write "
                    'it with tools/data/kitti_infos.py --labeled-fraction')
            cfg.setdefault('type', 'mmssl.GTDatabaseSampler')
            self._db_sampler = TRANSFORMS.build(cfg)
        return self._db_sampler

    def _gt_sample_points(self, points: torch.Tensor, pred: dict) -> tuple:
        """GT sampling into an unlabeled raw scene (``point_gt_sampling``):
        labeled objects' points at their own position and yaw where their
        box does not overlap a teacher detection (score >=
        ``collision_score_thr``) or an earlier sample, per-class counts
        minus the pseudo labels (as :func:`sample_fgt`); the points inside
        the sampled boxes are replaced by the objects' (mmdet3d's
        ``ObjectSample``). Returns the points and the hybrid labels."""
        from mmdet3d.datasets.transforms import ObjectSample
        from mmdet3d.structures import LiDARPoints
        cfg = self.semi_train_cfg['point_gt_sampling']
        boxes, labels = pred['boxes'][:, :7], pred['labels']
        occupied = pred['all_boxes'][
            pred['all_scores'] >= cfg.get('collision_score_thr', 0.1)]
        sampled = self.db_sampler.sample_all(
            occupied[:, :7].cpu().numpy(), labels.cpu().numpy())
        if sampled is None:
            return points, boxes, labels
        new_boxes = torch.as_tensor(sampled['gt_bboxes_3d'][:, :7]).to(boxes)
        kept = ObjectSample.remove_points_in_boxes(
            LiDARPoints(points.cpu(), points_dim=points.shape[1]),
            sampled['gt_bboxes_3d'])
        points = torch.cat([sampled['points'].tensor.to(points),
                            kept.tensor.to(points)])
        return points, torch.cat([boxes, new_boxes]), torch.cat(
            [labels, torch.as_tensor(sampled['gt_labels_3d']).to(labels)])

    # ------------------------------------------------------------- steps
    def loss(self, batch_inputs_dict: dict, batch_data_samples,
             **kwargs) -> dict:
        """The detector's loss; for a semi batch (see
        :class:`SemiDet3DDataPreprocessor`) the labeled loss plus the
        unlabeled one, prefixed ``unsup_``.

        The EMA teacher is updated here, before it is used: with the
        student as the previous optimizer step left it (the first call
        copies the student). This keeps the whole step inside
        ``forward``, as distributed training needs.
        """
        if not isinstance(batch_data_samples, dict):
            return super().loss(batch_inputs_dict, batch_data_samples,
                                **kwargs)
        self.update_teacher()
        losses = super().loss(batch_inputs_dict['labeled'],
                              batch_data_samples['labeled'])
        mode = self.semi_train_cfg['unlabeled_input']
        unl_inputs = batch_inputs_dict.get('unlabeled')
        if unl_inputs is None or mode is None:
            return losses
        unl_samples = batch_data_samples['unlabeled']
        if mode == 'features':
            if 'features' not in unl_inputs:
                raise ValueError('semi_train_cfg.unlabeled_input is '
                                 "'features' but the unlabeled scenes are "
                                 'raw points: use BEVFeatureDataset')
            unsup = self.loss_unlabeled_features(unl_inputs['features'],
                                                 unl_samples)
        else:
            if 'points' not in unl_inputs:
                raise ValueError("semi_train_cfg.unlabeled_input is "
                                 "'points' but the unlabeled scenes are "
                                 'stored features')
            unsup = self.loss_unlabeled_points(unl_inputs, unl_samples)
        w = float(self.semi_train_cfg['unlabeled_weight'])
        for key, value in unsup.items():
            if 'loss' in key:
                value = ([v * w for v in value] if isinstance(
                    value, (list, tuple)) else value * w)
            losses[f'unsup_{key}'] = value
        return losses

    def _in_range(self, boxes: torch.Tensor,
                  labels: torch.Tensor) -> tuple:
        """Drop boxes whose centre left the BEV range (as mmdet3d's
        ``ObjectRangeFilter`` does after a global transform)."""
        r = self.pc_range
        keep = ((boxes[:, 0] >= r[0]) & (boxes[:, 0] < r[3]) &
                (boxes[:, 1] >= r[1]) & (boxes[:, 1] < r[4]))
        return boxes[keep], labels[keep]

    def _set_labels(self, sample, boxes: torch.Tensor,
                    labels: torch.Tensor) -> None:
        sample.gt_instances_3d = InstanceData(
            bboxes_3d=LiDARInstance3DBoxes(boxes[:, :7], box_dim=7),
            labels_3d=labels.long())

    def loss_unlabeled_features(self, feats: List[torch.Tensor],
                                samples) -> dict:
        """Hybrid pseudo labels on stored features (+ F-GT, + aug).

        Args:
            feats (list[Tensor]): The stored maps, ``(B, C, H, W)`` per
                level.
            samples (list[Det3DDataSample]): Their samples (labels are
                set here).
        """
        cfg = self.semi_train_cfg
        device = self.teacher_ready.device
        split = samples[0].metainfo.get('feature_split', self.split)
        if split != self.split:
            raise ValueError(
                f'the stored features were cut at split={split!r}, the '
                f'model at {self.split!r}: export them again with this '
                'config (tools/upcycling/export_features.py)')
        meta = samples[0].metainfo
        self.check_front(meta.get('front_sha256'), 'stored features ' +
                         str(meta.get('feature_dir', '')))
        with torch.no_grad():
            preds = self._teacher_predict(self.back(feats, teacher=True),
                                          samples)
        fgt, aug = cfg['fgt'], cfg['feature_aug']
        out = [[] for _ in feats]
        num_pseudo, num_pasted = 0, 0
        for i, (sample, pred) in enumerate(zip(samples, preds)):
            maps = [f[i] for f in feats]
            boxes, labels = pred['boxes'], pred['labels']
            num_pseudo += len(boxes)
            if fgt is not None:
                occupied = pred['all_boxes'][
                    pred['all_scores'] >= fgt.get('collision_score_thr',
                                                  0.1)]
                counts = dict(enumerate(fgt['sample_counts']))
                entries = sample_fgt(self.bank, occupied, counts, labels)
                if entries:
                    maps = paste_fgt(maps, entries)
                    boxes = torch.cat([boxes[:, :7], torch.stack(
                        [e['box'] for e in entries]).to(boxes)])
                    labels = torch.cat([labels, labels.new_tensor(
                        [e['label'] for e in entries])])
                    num_pasted += len(entries)
            if aug is not None:
                t = self._draw_feature_aug(aug)
                mode = aug.get('mode', 'bilinear')
                maps = [transform_bev(m[None], self.pc_range, mode=mode,
                                      **t)[0] for m in maps]
                boxes, labels = self._in_range(
                    transform_boxes(boxes, **t), labels)
            for level, m in enumerate(maps):
                out[level].append(m)
            self._set_labels(sample, boxes, labels)
        maps = [torch.stack(level) for level in out]
        losses = self._unlabeled_head_loss(
            self.back(maps), samples,
            lambda: self.back(maps, teacher=True))
        n = max(len(samples), 1)
        losses['num_pseudo'] = torch.tensor(num_pseudo / n, device=device)
        losses['num_pasted'] = torch.tensor(num_pasted / n, device=device)
        return losses

    def _unlabeled_head_loss(self, x, samples, teacher_feats) -> dict:
        """The head's loss on the student's neck output ``x``; with
        ``ignore_score_thr`` set, ``teacher_feats()`` (the teacher's neck
        output on the same input) marks the negatives to ignore."""
        thr = self.semi_train_cfg['ignore_score_thr']
        outs = self.bbox_head(x)
        t_cls = None
        if thr is not None:
            with torch.no_grad():
                t_cls = self.teacher['bbox_head'](teacher_feats())[0]
        return anchor_head_loss(self.bbox_head, outs, samples, t_cls, thr)

    @staticmethod
    def _draw_feature_aug(aug: dict) -> dict:
        if aug['type'] == 'frot':
            # F-RoT (mechanics ours): exact y flip + small bilinear rotation
            return random_transform(
                np.random, aug.get('rot_range', (-np.pi / 8, np.pi / 8)),
                (1., 1.), aug.get('flip_ratio', 0.5))
        # the naive raw-point augmentations applied to features (arm C)
        return random_transform(
            np.random, aug.get('rot_range', (-np.pi / 4, np.pi / 4)),
            aug.get('scale_range', (0.95, 1.05)), aug.get('flip_ratio', 0.5))

    def loss_unlabeled_points(self, inputs: dict, samples) -> dict:
        """Mean teacher on raw unlabeled points (the raw-data reference);
        ``inputs`` are preprocessed (points and voxels)."""
        cfg = self.semi_train_cfg['point_aug']
        with torch.no_grad():
            feats = self.front(inputs['voxels'], len(inputs['points']),
                               teacher=True)
            preds = self._teacher_predict(self.back(feats, teacher=True),
                                          samples)
        points = []
        num_pseudo, num_pasted = 0, 0
        for sample, pred, pts in zip(samples, preds, inputs['points']):
            boxes, labels = pred['boxes'], pred['labels']
            num_pseudo += len(boxes)
            if self.semi_train_cfg['point_gt_sampling'] is not None:
                pts, boxes, labels = self._gt_sample_points(pts, pred)
                num_pasted += len(boxes) - len(pred['boxes'])
            t = random_transform(np.random, cfg['rot_range'],
                                 cfg['scale_range'], cfg['flip_ratio'])
            points.append(transform_points(pts, **t))
            boxes = transform_boxes(boxes, **t)
            if len(boxes):
                boxes[:, 2] *= t['scale']
                boxes[:, 5] *= t['scale']
            boxes, labels = self._in_range(boxes, labels)
            self._set_labels(sample, boxes, labels)
        voxels = self.data_preprocessor.voxelize(points, samples)
        x = self.extract_feat(dict(voxels=voxels, points=points))
        losses = self._unlabeled_head_loss(
            x, samples, lambda: self.back(
                self.front(voxels, len(points), teacher=True),
                teacher=True))
        n = max(len(samples), 1)
        losses['num_pseudo'] = torch.tensor(num_pseudo / n,
                                            device=points[0].device)
        losses['num_pasted'] = torch.tensor(num_pasted / n,
                                            device=points[0].device)
        return losses
