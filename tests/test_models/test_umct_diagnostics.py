# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT's dropout option and its pseudo-label diagnostics; the per-case
volume metrics."""
import json

import pytest
import torch
import torch.nn as nn

from mmssl.models.backbones.asym_unet3d import AsymUNet3D


def test_dropout_type_channel_or_element():
    assert isinstance(AsymUNet3D(1, 2, channels=(4, 8)).dropout,
                      nn.Dropout3d)  # default unchanged
    net = AsymUNet3D(1, 2, channels=(4, 8), dropout_type='element')
    assert type(net.dropout) is nn.Dropout and net.dropout.p == 0.5
    # element-wise: single activations are zeroed, not whole maps
    x = torch.ones(1, 8, 4, 4, 4)
    torch.manual_seed(0)
    out = net.dropout.train()(x)
    per_map = (out == 0).flatten(2).float().mean(-1)
    assert ((per_map > 0) & (per_map < 1)).all()
    torch.manual_seed(0)
    maps = AsymUNet3D(1, 2, channels=(4, 8)).dropout.train()(x)
    per_map = (maps == 0).flatten(2).float().mean(-1)
    assert set(per_map.unique().tolist()) <= {0.0, 1.0}
    with pytest.raises(ValueError, match='dropout_type'):
        AsymUNet3D(1, 2, dropout_type='spatial')


def _umct(**kwargs):
    from mmssl.registry import MODELS
    cfg = dict(type='UMCTSegmentor',
               backbone=dict(type='AsymUNet3D', channels=(4, 8),
                             dropout_type='element'),
               num_classes=2, mc_samples=2, cot_start_iter=0,
               test_cfg=dict(roi_size=(8, 8, 8), sw_batch_size=2))
    cfg.update(kwargs)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_pseudo_label_dice_is_logged_from_log_seg_only():
    from mmssl.structures import VolumeDataSample
    model = _umct()
    samples = []
    for k in range(4):
        s = VolumeDataSample()
        label = torch.zeros(8, 8, 8, dtype=torch.long)
        label[2:6, 2:6, 2:6] = 1
        if k < 2:
            s.gt_seg = label
        else:
            s.log_seg = label
        samples.append(s)
    x = torch.rand(4, 1, 8, 8, 8)
    losses = model.loss(x, samples)
    keys = {k for k in losses if k.startswith('pl_dice/')}
    assert {'pl_dice/view0', 'pl_dice/fused_unc2', 'pl_dice/fused_eq1',
            'pl_dice/view_best', 'pl_dice/fused_gain'} <= keys
    assert all(0 <= float(losses[k]) <= 100 for k in keys
               if k != 'pl_dice/fused_gain')
    assert float(losses['pl_dice/view_best']) == max(
        float(losses[f'pl_dice/view{i}']) for i in range(3))
    # the diagnostics are not losses: only loss_* terms are summed
    assert not any('loss' in k for k in keys)

    # a perfect prediction gives Dice 100 for views and both fusions
    label = samples[2].log_seg[None]
    perfect = torch.stack([1 - label, label], 1).float()
    d = model.pseudo_label_dice([perfect] * 3, [torch.zeros(1, 8, 8, 8)] * 3,
                                label)
    assert float(d['pl_dice/fused_unc_mean']) == pytest.approx(100)
    assert float(d['pl_dice/fused_gain']) == pytest.approx(0)
    # without log_seg on the unlabeled patches: nothing logged
    for s in samples[2:]:
        del s.log_seg
    assert not any(k.startswith('pl_dice/') for k in model.loss(x, samples))


def test_volume_metric_writes_per_case_file(tmp_path):
    from mmssl.evaluation.metrics.volume_seg import VolumeSegMetric
    path = tmp_path / 'sub' / 'per_case.json'
    metric = VolumeSegMetric(classes=('background', 'organ'),
                             original_grid=False, per_case_file=str(path))
    gt = torch.zeros(8, 8, 8, dtype=torch.long)
    gt[2:6, 2:6, 2:6] = 1
    empty = torch.zeros_like(gt)
    metric.process(None, [dict(pred_seg=gt, gt_seg=gt, spacing=(1, 1, 2.5),
                               img_path='/d/a.nii.gz'),
                          dict(pred_seg=empty, gt_seg=gt, spacing=(1, 1, 1),
                               img_path='/d/b.nii.gz')])
    out = metric.compute_metrics(metric.results)
    assert out['dice/organ'] == pytest.approx(50)
    rows = json.load(open(path))
    assert [r['case'] for r in rows] == ['a.nii.gz', 'b.nii.gz']
    assert rows[0]['dice']['organ'] == pytest.approx(100)
    assert rows[0]['hd95']['organ'] == pytest.approx(0)
    assert rows[1]['dice']['organ'] == 0 and rows[1]['hd95']['organ'] is None
