# Copyright (c) mmssl contributors. All rights reserved.
"""The UpCycling model: the split, the frozen front end, the EMA teacher,
the unlabeled losses on stored features and on raw points."""
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmdet3d.structures import Det3DDataSample, LiDARInstance3DBoxes
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.structures import InstanceData

from mmssl.models.utils.upcycling import build_fgt_bank
from mmssl.registry import MODELS
from mmssl.utils import register_all_modules
from tests.helpers.runner_utils import ROOT

CONFIG = osp.join(ROOT, 'configs', 'upcycling',
                  'upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-'
                  'l5.py')
register_all_modules()


def _model(split='scatter', **semi):
    cfg = Config.fromfile(CONFIG)
    cfg.model.split = split
    cfg.model.semi_train_cfg.update(semi)
    model = MODELS.build(cfg.model)
    model.init_weights()  # the head's focal-loss prior: low initial scores
    return model


def _points(seed):
    g = torch.Generator().manual_seed(seed)
    pts = torch.rand(3000, 4, generator=g)
    pts[:, 0] *= 50
    pts[:, 1] = pts[:, 1] * 50 - 25
    pts[:, 2] = pts[:, 2] * 2 - 1.7
    return pts


def _samples(n, with_gt=True):
    out = []
    for _ in range(n):
        s = Det3DDataSample(metainfo=dict(box_type_3d=LiDARInstance3DBoxes))
        if with_gt:
            from mmengine.structures import InstanceData
            s.gt_instances_3d = InstanceData(
                bboxes_3d=LiDARInstance3DBoxes(torch.tensor(
                    [[10., 2., -1.7, 3.9, 1.6, 1.5, 0.3]])),
                labels_3d=torch.tensor([2]))
        out.append(s)
    return out


def _model_with_bank():
    """A model whose F-GT bank is the one object of a scene, that scene's
    stored maps and its ground truth."""
    torch.manual_seed(0)
    model = _model()
    model.train()
    data = model.data_preprocessor(dict(
        inputs=dict(points=[_points(0)]), data_samples=_samples(1)), False)
    maps = model.export_features(data['inputs'])[0]
    gt = data['data_samples'][0].gt_instances_3d
    model._bank = build_fgt_bank(maps, gt.bboxes_3d.tensor, gt.labels_3d,
                                 model.pc_range)
    model.update_teacher()
    return model, maps, gt


def test_config_checks():
    with pytest.raises(KeyError, match='unknown semi_train_cfg keys'):
        _model(score_threshold=0.5)
    cfg = Config.fromfile(CONFIG)
    cfg.model.split = 'neck'
    with pytest.raises(ValueError, match='split must be one of'):
        MODELS.build(cfg.model)


@pytest.mark.parametrize('split', ['scatter', 'backbone'])
def test_front_frozen_teacher_copied_then_averaged(split):
    torch.manual_seed(0)
    model = _model(split, fgt=None, ema_momentum=0.5)
    model.train()
    assert not any(p.requires_grad
                   for p in model.voxel_encoder.parameters())
    # the 2D backbone is in the front end (frozen, eval) only at 'backbone'
    assert model.backbone.training == (split == 'scatter')
    assert all(p.requires_grad == (split == 'scatter')
               for p in model.backbone.parameters())
    assert model.neck.training and not model.teacher.training
    front = model.voxel_encoder if split == 'scatter' else nn.ModuleList(
        [model.voxel_encoder, model.backbone])
    front_before = {k: v.clone() for k, v in front.state_dict().items()}
    w0 = model.neck.deblocks[0][0].weight.detach().clone()
    # a labeled + unlabeled step on stored features
    lab = dict(inputs=dict(points=[_points(0), _points(1)]),
               data_samples=_samples(2))
    data = model.data_preprocessor(dict(
        inputs=dict(points=[_points(2), _points(3)]),
        data_samples=_samples(2, False)), False)
    scenes = model.export_features(data['inputs'])
    assert len(scenes[0]) == (1 if split == 'scatter' else 3)
    levels = [[s[k] for s in scenes] for k in range(len(scenes[0]))]
    unl = dict(inputs=dict(features=levels),
               data_samples=_samples(2, False))
    wrapper = OptimWrapper(torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1))
    log = model.train_step(dict(labeled=lab, unlabeled=unl), wrapper)
    assert 'unsup_loss_cls' in log and bool(model.teacher_ready)
    w1 = model.neck.deblocks[0][0].weight.detach().clone()
    w_t = model.teacher['neck'].deblocks[0][0].weight
    # the first loss copied the student (as it was before the step)
    assert torch.equal(w_t, w0) and not torch.equal(w0, w1)
    model.train_step(dict(labeled=lab, unlabeled=unl), wrapper)
    # the next one averaged: 0.5 * teacher + 0.5 * student after step 1
    assert torch.allclose(w_t, 0.5 * w0 + 0.5 * w1, atol=1e-6)
    # the front end (parameters and BN statistics) did not move
    for k, v in front.state_dict().items():
        assert torch.equal(v, front_before[k]), k


def test_hybrid_labels_include_pasted_objects():
    model, maps, gt = _model_with_bank()
    samples = _samples(1, False)
    losses = model.loss_unlabeled_features([m[None] for m in maps], samples)
    # the untrained teacher has no detection above 0.4: the labels are
    # exactly the pasted bank object
    assert losses['num_pasted'].item() == 1
    labels = samples[0].gt_instances_3d
    assert labels.labels_3d.tolist() == [2]
    assert torch.allclose(labels.bboxes_3d.tensor, gt.bboxes_3d.tensor)
    # features exported at another split are refused by name
    stale = _samples(1, False)
    stale[0].set_metainfo(dict(feature_split='backbone'))
    with pytest.raises(ValueError, match="cut at split='backbone'"):
        model.loss_unlabeled_features([m[None] for m in maps], stale)


def test_features_of_another_front_end_are_refused():
    model, maps, _ = _model_with_bank()
    fp = model.front_fingerprint()
    # the fingerprint covers the front end's weights and BN statistics,
    # not the back end's
    model.neck.deblocks[0][0].weight.data.add_(1.)
    assert model.front_fingerprint() == fp
    feats = [m[None] for m in maps]
    ok = _samples(1, False)
    ok[0].set_metainfo(dict(front_sha256=fp, feature_dir='feats'))
    model.loss_unlabeled_features(feats, ok)
    assert model._front_checked == {'stored features feats'}
    other, _, _ = _model_with_bank()
    other.voxel_encoder.pfn_layers[0].norm.running_mean.add_(0.5)
    assert other.front_fingerprint() != fp
    with pytest.raises(ValueError, match='load_from must be the stage-1 '
                       'checkpoint'):
        other.loss_unlabeled_features(feats, ok)
    # ... and on the pillar grid (a changed voxel size)
    model.data_preprocessor.voxel_layer.voxel_size = [0.5, 0.5, 4]
    assert model.front_fingerprint() != fp


def test_raw_point_mean_teacher_trains_the_front_end():
    model = _model(unlabeled_input='points', fgt=None)
    model.train()
    assert all(p.requires_grad for p in model.voxel_encoder.parameters())
    model.update_teacher()
    batch = model.data_preprocessor(dict(
        inputs=dict(points=[_points(4)]), data_samples=_samples(1, False)),
        True)
    losses = model.loss_unlabeled_points(batch['inputs'],
                                         batch['data_samples'])
    total = sum(v if torch.is_tensor(v) else sum(v)
                for k, v in losses.items() if 'loss' in k)
    total.backward()
    grads = [p.grad for p in model.voxel_encoder.parameters()]
    assert any(g is not None and g.abs().sum() > 0 for g in grads)


def test_teacher_detections_below_threshold_still_block_pastes():
    """Pseudo labels = detections above the class threshold; every
    detection (score >= 0.1) blocks F-GT pastes that would overlap it."""
    from mmengine.structures import InstanceData
    model, maps, gt = _model_with_bank()
    dets = torch.tensor([[30., -5., -1.7, 3.9, 1.6, 1.5, 0.],
                         [10.2, 2.1, -1.7, 3.9, 1.6, 1.5, 0.3],
                         [40., 8., -1.7, 3.9, 1.6, 1.5, 0.]])

    def predict(x, samples):
        return [InstanceData(bboxes_3d=LiDARInstance3DBoxes(dets),
                             scores_3d=torch.tensor([0.9, 0.2, 0.15]),
                             labels_3d=torch.tensor([2, 2, 2]))]
    model.teacher['bbox_head'].predict = predict
    samples = _samples(1, False)
    losses = model.loss_unlabeled_features([m[None] for m in maps], samples)
    # the 0.2 detection sits on the only bank object: nothing pasted; the
    # 0.9 one is the only pseudo label
    assert losses['num_pasted'].item() == 0
    assert losses['num_pseudo'].item() == 1
    labels = samples[0].gt_instances_3d
    assert torch.allclose(labels.bboxes_3d.tensor, dets[:1])


def test_anchor_head_loss_ignores_uncertain_negatives():
    from mmssl.models.utils.upcycling import anchor_head_loss
    torch.manual_seed(0)
    model = _model()
    data = model.data_preprocessor(dict(
        inputs=dict(points=[_points(0)]), data_samples=_samples(1)), False)
    x = model.extract_feat(data['inputs'])
    samples = data['data_samples']
    outs = model.bbox_head(x)
    plain = model.bbox_head.loss(x, samples)
    same = anchor_head_loss(model.bbox_head, outs, samples)
    never = anchor_head_loss(model.bbox_head, outs, samples, outs[0], 1.01)
    for key in ('loss_cls', 'loss_bbox', 'loss_dir'):
        assert torch.allclose(same[key][0], plain[key][0])
        assert torch.allclose(never[key][0], plain[key][0])
    # every anchor "uncertain": negatives drop out, the positives remain
    all_ = anchor_head_loss(model.bbox_head, outs, samples, outs[0], 0.)
    assert 0 < all_['loss_cls'][0] < plain['loss_cls'][0]
    assert torch.allclose(all_['loss_bbox'][0], plain['loss_bbox'][0])
    # no ground truth and every negative ignored: no classification loss
    empty = _samples(1, False)
    for s in empty:
        s.gt_instances_3d = InstanceData(
            bboxes_3d=LiDARInstance3DBoxes(torch.zeros(0, 7)),
            labels_3d=torch.zeros(0, dtype=torch.long))
    none = anchor_head_loss(model.bbox_head, outs, empty, outs[0], 0.)
    assert none['loss_cls'][0] == 0


def test_ignore_score_thr_in_the_unlabeled_step():
    model, maps, gt = _model_with_bank()
    feats = [m[None] for m in maps]
    torch.manual_seed(1)
    base = model.loss_unlabeled_features(feats, _samples(1, False))
    model.semi_train_cfg['ignore_score_thr'] = 0.
    torch.manual_seed(1)
    ign = model.loss_unlabeled_features(feats, _samples(1, False))
    # same pastes (same seed); only the negatives' loss went
    assert torch.equal(base['num_pasted'], ign['num_pasted'])
    assert ign['loss_cls'][0] < base['loss_cls'][0]
    assert torch.allclose(ign['loss_bbox'][0], base['loss_bbox'][0])


def test_gt_sampling_into_raw_unlabeled_scenes():
    """B2's raw-point analogue of F-GT: the sampler avoids the teacher's
    detections (score >= the collision threshold), counts the pseudo
    labels, and the sampled objects' points replace the scene's points in
    their boxes; their boxes join the pseudo labels."""
    from mmdet3d.structures import LiDARPoints
    model = _model(unlabeled_input='points', fgt=None,
                   point_gt_sampling=dict(db_sampler=dict(),
                                          collision_score_thr=0.1))
    with pytest.raises(FileNotFoundError, match='GT database not found'):
        model.db_sampler
    calls = {}
    obj = torch.tensor([[20., 0., -1.7, 0.1]]).repeat(5, 1)
    box = torch.tensor([[20., 0., -1.7, 3.9, 1.6, 1.5, 0.]])

    class FakeSampler:
        def sample_all(self, gt_bboxes, gt_labels):
            calls['boxes'], calls['labels'] = gt_bboxes, gt_labels
            return dict(gt_bboxes_3d=box.numpy(),
                        gt_labels_3d=torch.tensor([2]).numpy(),
                        points=LiDARPoints(obj, points_dim=4))
    model._db_sampler = FakeSampler()
    dets = torch.tensor([[5., 5., -1.7, 3.9, 1.6, 1.5, 0.],
                         [9., -5., -1.7, 3.9, 1.6, 1.5, 0.]])
    pred = dict(boxes=dets[:1], scores=torch.tensor([0.9]),
                labels=torch.tensor([2]), all_boxes=dets,
                all_scores=torch.tensor([0.9, 0.2]))
    scene = torch.tensor([[20.5, 0.2, -1., 0.5],  # inside the sampled box
                          [30., 3., -1., 0.5]])
    points, boxes, labels = model._gt_sample_points(scene, pred)
    # both detections block pastes; only the pseudo label counts
    assert calls['boxes'].shape == (2, 7) and calls['labels'].tolist() == [2]
    assert len(points) == 5 + 1
    assert not (points[:, 0] == 20.5).any() and (points[:, 0] == 30.).any()
    assert labels.tolist() == [2, 2]
    assert torch.allclose(boxes, torch.cat([dets[:1], box]))
    # the unlabeled step logs the pasted objects
    model.update_teacher()
    model.teacher['bbox_head'].predict = lambda x, s: [InstanceData(
        bboxes_3d=LiDARInstance3DBoxes(dets),
        scores_3d=torch.tensor([0.9, 0.2]), labels_3d=torch.tensor([2, 2]))]
    model.train()
    batch = model.data_preprocessor(dict(
        inputs=dict(points=[_points(5)]), data_samples=_samples(1, False)),
        True)
    losses = model.loss_unlabeled_points(batch['inputs'],
                                         batch['data_samples'])
    assert losses['num_pasted'].item() == 1
    assert losses['num_pseudo'].item() == 1
