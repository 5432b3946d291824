# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's stage-1 lesion classifier, the stage-2 fusion network (loss
terms, class-only images, prediction fields) and the diagnosis metric."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData

from mmssl.apis.tsddnet import load_stage1
from mmssl.evaluation.metrics import DiagnosisMetric
from mmssl.models.detectors.tsddnet import stage1_state_dict
from mmssl.registry import MODELS
from mmssl.utils import register_all_modules
from tests.helpers.runner_utils import ROOT

register_all_modules()
CFG = osp.join(ROOT, 'configs', 'tsddnet',
               'tsddnet_r18_fpn_6e_synthetic-bus.py')


def _samples(boxes, labels, size=64):
    out = []
    for box, label in zip(boxes, labels):
        s = DetDataSample()
        s.set_metainfo(dict(img_shape=(size, size), ori_shape=(size, size),
                            pad_shape=(size, size), batch_input_shape=(
                                size, size), scale_factor=(1., 1.),
                            img_label=label, has_box=box is not None))
        inst = InstanceData()
        inst.bboxes = torch.tensor([box] if box else [], dtype=torch.float32
                                   ).reshape(-1, 4)
        inst.labels = torch.zeros(len(inst.bboxes), dtype=torch.long)
        s.gt_instances = inst
        out.append(s)
    return out


def _model(**kw):
    cfg = Config.fromfile(CFG).model
    cfg.update(kw)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_fusion_losses_and_class_only_images():
    model = _model()
    x = torch.rand(3, 3, 64, 64)
    samples = _samples([[10., 12., 40., 44.], None, [5., 5., 30., 20.]],
                       [0, 1, 1])
    losses = model.loss(x, samples)
    for key in ('loss_rpn_cls', 'loss_cls', 'loss_bbox', 'loss_diag_fuse',
                'loss_diag_det', 'loss_diag_cls', 'loss_sd_det',
                'loss_sd_cls', 'loss_hint_det', 'loss_hint_cls'):
        assert key in losses, key
    # alpha = 0.5: half of each branch's CE; T^2 on the KL term
    assert model.alpha == 0.5 and model.temperature == 3.
    total, _ = model.parse_losses(losses)
    total.backward()
    assert model.fuse_cls.weight.grad.abs().sum() > 0
    assert model.classifier.fc.weight.grad.abs().sum() > 0
    assert model.rpn_head.rpn_conv.weight.grad.abs().sum() > 0


def test_self_distillation_terms_match_the_spec():
    model = _model(hint_weight=0.)
    x = torch.rand(2, 3, 64, 64)
    samples = _samples([[10., 12., 40., 44.], [5., 5., 30., 20.]], [0, 1])
    losses = model.loss(x, samples)
    assert 'loss_hint_det' not in losses
    # the same logits again (train mode: batch statistics, deterministic)
    rois = torch.tensor([[0, 10., 12., 40., 44.], [1, 5., 5., 30., 20.]])
    with torch.no_grad():
        out = model.diagnosis_logits(x, model.extract_feat(x), rois)
    labels = torch.tensor([0, 1])
    t = 3.
    for k in ('det', 'cls'):
        kl = F.kl_div(F.log_softmax(out[k] / t, 1),
                      F.softmax(out['fuse'] / t, 1), reduction='batchmean')
        assert losses[f'loss_sd_{k}'].item() == pytest.approx(
            0.5 * t * t * kl.item(), rel=1e-4)
        assert losses[f'loss_diag_{k}'].item() == pytest.approx(
            0.5 * F.cross_entropy(out[k], labels).item(), rel=1e-4)
    assert losses['loss_diag_fuse'].item() == pytest.approx(
        F.cross_entropy(out['fuse'], labels).item(), rel=1e-4)


def test_separate_networks_and_no_boxes_at_all():
    model = _model(fusion=False)
    assert not hasattr(model, 'fuse')
    x = torch.rand(2, 3, 64, 64)
    losses = model.loss(x, _samples([None, None], [0, 1]))
    # box losses are kept in the graph at zero; only the classifier learns
    assert losses['loss_cls'].item() == 0 and 'loss_diag_cls' in losses
    assert 'loss_diag_fuse' not in losses


def test_predict_writes_diagnosis_and_rescaled_box():
    model = _model().eval()
    x = torch.rand(1, 3, 64, 64)
    samples = _samples([None], [1])
    samples[0].set_metainfo(dict(scale_factor=(0.5, 0.5)))
    with torch.no_grad():
        out = model.predict(x, samples)[0]
    assert out.diag_scores.shape == (2, )
    assert out.diag_scores.sum().item() == pytest.approx(1., abs=1e-5)
    # the ROI (detection or whole image) is in original pixels (x2)
    assert out.diag_box.shape == (4, )
    assert out.diag_box.max() <= 128 + 1e-3
    if not len(out.pred_instances):
        assert out.diag_box.tolist() == [0., 0., 128., 128.]


def test_stage1_state_dict_and_load(tmp_path):
    det = MODELS.build(Config.fromfile(osp.join(
        ROOT, 'configs', 'tsddnet',
        'faster-rcnn_r18_fpn_40e_synthetic-bus-stage1.py')).model)
    cls_cfg = Config.fromfile(osp.join(
        ROOT, 'configs', 'tsddnet',
        'lesion-cls_r18_50e_synthetic-bus-stage1.py')).model
    cls = MODELS.build(cls_cfg)
    state = stage1_state_dict(det.state_dict(), cls.state_dict())
    assert 'classifier.fc.weight' in state and 'rpn_head.rpn_conv.weight' \
        in state
    torch.save(dict(state_dict=det.state_dict()), tmp_path / 'det.pth')
    torch.save(dict(state_dict=cls.state_dict()), tmp_path / 'cls.pth')
    model = _model()
    load_stage1(model, str(tmp_path / 'det.pth'), str(tmp_path / 'cls.pth'))
    assert torch.equal(model.classifier.fc.weight, cls.fc.weight)
    assert torch.equal(model.backbone.conv1.weight, det.backbone.conv1.weight)
    with pytest.raises(KeyError, match='do not fit the model'):
        load_stage1(model, str(tmp_path / 'cls.pth'),
                    str(tmp_path / 'det.pth'))


def test_lesion_classifier_box_and_whole_image():
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs', 'tsddnet',
        'lesion-cls_r18_50e_synthetic-bus-stage1.py')).model
    model = MODELS.build(cfg)
    x = torch.rand(2, 3, 64, 64)
    samples = _samples([[10., 12., 40., 44.], None], [1, 0])
    # only the boxed image trains the box classifier
    loss = model.loss(x, samples)['loss_cls']
    model.eval()
    with torch.no_grad():
        logits = model.fc(model.roi_features(
            x[:1], torch.tensor([[0, 10., 12., 40., 44.]])))
    model.train()
    assert loss.item() > 0 and logits.shape == (1, 2)
    model.eval()
    with torch.no_grad():
        out = model.predict(x, _samples([[10., 12., 40., 44.], None],
                                        [1, 0]))
    assert out[0].diag_scores.shape == (2, )
    # the whole-image baseline ignores the boxes
    cfg.roi = 'image'
    whole = MODELS.build(cfg).eval()
    whole.load_state_dict(model.state_dict())
    with torch.no_grad():
        a = whole.predict(x, _samples([[10., 12., 40., 44.]], [1]))
        b = whole.predict(x, _samples([None], [1]))
    assert torch.allclose(a[0].diag_scores, b[0].diag_scores)
    with pytest.raises(ValueError, match="roi must be 'box' or 'image'"):
        MODELS.build(dict(cfg, roi='crop'))


def test_diagnosis_metric():
    metric = DiagnosisMetric()
    scores = [0.9, 0.6, 0.4, 0.2, 0.7]
    labels = [1, 1, 1, 0, 0]
    metric.process(None, [dict(diag_scores=torch.tensor([1 - p, p]),
                               img_label=y) for p, y in zip(scores, labels)])
    out = metric.compute_metrics(metric.results)
    # thr 0.5: TP 2 (0.9, 0.6), FN 1 (0.4), TN 1 (0.2), FP 1 (0.7)
    assert out['sensitivity'] == pytest.approx(200 / 3)
    assert out['specificity'] == pytest.approx(50.)
    assert out['accuracy'] == pytest.approx(60.)
    # AUC: of the 6 (pos, neg) pairs, 4 are ranked right
    assert out['auc'] == pytest.approx(400 / 6)
    with pytest.raises(KeyError, match='diag_scores'):
        metric.process(None, [dict(img_label=0)])
