# Copyright (c) mmssl contributors. All rights reserved.
"""What TSDDNet's demo and ``tools/test.py --show-dir`` draw: the
diagnosis with its probability and only the lesion boxes scoring at
least the threshold (at most the top k), on the tiny synthetic
ultrasound set of test_tsddnet_training.py and on a real BUSI image
(skipped, saying so, when BUSI is not linked at data/busi).

The checkpoint is the stage-2 network as built (random weights: its
boxes all score about 0.5), which is enough to check the thresholds and
the drawing; the trained pipeline is test_tsddnet_training.py's."""
import glob
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from tests.helpers.cifar import shared_dataset
from tests.test_engine.test_tsddnet_training import (  # noqa: F401
    STAGE2,
    TSD_DIR,
    _opts,
    bus,
)

BUSI_CPU = osp.join(TSD_DIR, 'tsddnet_r18_fpn_2e_busi-cpu.py')


def _checkpoint(config, path):
    """A stage-2 TSDDNet checkpoint with the weights it is built with."""
    from mmengine.registry import init_default_scope

    from mmssl.registry import MODELS
    init_default_scope('mmssl')
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(cfg=cfg.pretty_text)), path)
    return str(path)


@pytest.fixture(scope='module')
def stage2_ckpt(tmp_path_factory):
    return _checkpoint(STAGE2, tmp_path_factory.mktemp('ckpt') / 's2.pth')


def _check_boxes(pred, thr, max_boxes):
    scores = [b['score'] for b in pred['boxes']]
    assert len(scores) <= max_boxes
    assert all(s >= thr for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_demo_draws_diagnosis_and_thresholded_boxes(bus, stage2_ckpt,  # noqa
                                                    tmp_path, capsys):
    from demo import image_demo
    from mmssl.apis import LesionDiagnosisInferencer
    img = sorted(glob.glob(osp.join(bus, 'images', 'test', '*.png')))[0]
    # without threshold nor cap, the untrained detector keeps many boxes
    every = LesionDiagnosisInferencer(STAGE2, stage2_ckpt, device='cpu')(
        img, score_thr=0., max_boxes=None)['predictions'][0]
    assert len(every['boxes']) > 3
    out = image_demo.main([img, STAGE2, stage2_ckpt,
                           '--show-dir', str(tmp_path / 'demo')])
    pred = out['predictions'][0]
    _check_boxes(pred, 0.3, 3)  # the defaults
    assert len(pred['boxes']) == min(3, sum(
        b['score'] >= 0.3 for b in every['boxes']))
    assert pred['diagnosis'] in ('benign', 'malignant')
    assert pred['diagnosis_score'] == max(pred['probs'].values())
    printed = capsys.readouterr().out
    assert f"{pred['diagnosis']} {pred['diagnosis_score']:.4f}" in printed
    assert printed.count('lesion box (x0, y0') == len(pred['boxes'])
    drawn = out['visualization'][0]
    assert osp.isfile(drawn) and cv2.imread(drawn) is not None
    # a threshold above every score draws no box and says so
    out = image_demo.main([img, STAGE2, stage2_ckpt, '--score-thr', '0.99',
                           '--show-dir', str(tmp_path / 'none')])
    assert out['predictions'][0]['boxes'] == []
    assert 'no lesion box scores >= 0.99' in capsys.readouterr().out
    out = image_demo.main([img, STAGE2, stage2_ckpt, '--score-thr', '0',
                           '--max-boxes', '1',
                           '--show-dir', str(tmp_path / 'one')])
    assert len(out['predictions'][0]['boxes']) == 1
    assert out['predictions'][0]['boxes'][0]['score'] == pytest.approx(
        out['predictions'][0]['det_score'])


def test_show_dir_draws_diagnosis_per_test_image(bus, stage2_ckpt,  # noqa
                                                 tmp_path):
    from tools import test as test_tool
    metrics = test_tool.main([
        STAGE2, stage2_ckpt, '--work-dir', str(tmp_path / 'run'),
        '--show-dir', 'shown', '--cfg-options'] + _opts(bus))
    assert 'diag/auc' in metrics
    shown = glob.glob(str(tmp_path / 'run' / '*' / 'shown' / '*.png'))
    # one picture per test image, named after it, at its size (the
    # synthetic images are 64 px: drawn at least 256 px)
    assert len(shown) == 4
    names = {osp.basename(p) for p in glob.glob(
        osp.join(bus, 'images', 'test', '*.png'))}
    assert {osp.basename(p) for p in shown} == names
    assert min(cv2.imread(shown[0]).shape[:2]) >= 256


def test_lesion_hook_draws_only_boxes_above_threshold(tmp_path):
    from types import SimpleNamespace

    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData

    from mmssl.engine.hooks import LesionVisualizationHook
    img = np.full((60, 80, 3), 128, np.uint8)
    path = str(tmp_path / 'case.png')
    cv2.imwrite(path, img)
    sample = DetDataSample(metainfo=dict(img_path=path, img_label=1))
    sample.pred_instances = InstanceData(
        bboxes=torch.tensor([[40., 30., 60., 50.], [5., 40., 20., 55.],
                             [50., 5., 75., 20.]]),
        scores=torch.tensor([0.9, 0.2, 0.5]), labels=torch.zeros(3).long())
    sample.set_field(torch.tensor([0.25, 0.75]), 'diag_scores')
    ds = SimpleNamespace(metainfo={}, diagnoses=('benign', 'malignant'))
    runner = SimpleNamespace(log_dir=str(tmp_path), logger=None,
                             test_dataloader=SimpleNamespace(dataset=ds))
    out = tmp_path / 'out'
    out.mkdir()
    hook = LesionVisualizationHook(score_thr=0.3, max_boxes=1)
    assert hook.draw_sample(runner, None, sample, str(out)) == 1
    vis = cv2.imread(str(out / 'case.png'))[..., ::-1]
    # upscaled x5 to 256+ px; only the 0.9 box is drawn (green edges)
    green = (vis[..., 1] > 200) & (vis[..., 0] < 80) & (vis[..., 2] < 80)
    assert green[150:250, 200].any()  # left edge of the 0.9 box (x=40)
    assert not green[200:275, 25].any()  # the 0.2 box (x=5)
    assert not green[25:100, 250].any()  # the 0.5 box (x=50), cut by k=1


def test_demo_on_a_real_busi_image(tmp_path, capsys):
    root = shared_dataset('busi')
    images = sorted(p for p in glob.glob(osp.join(
        root, '**', 'malignant', '*.png'), recursive=True)
        if not p.endswith('_mask.png'))
    if not images:
        pytest.skip(f'no malignant image under {root}')
    from demo import image_demo
    ckpt = _checkpoint(BUSI_CPU, tmp_path / 'busi.pth')
    out = image_demo.main([images[0], BUSI_CPU, ckpt,
                           '--show-dir', str(tmp_path / 'demo')])
    pred = out['predictions'][0]
    _check_boxes(pred, 0.3, 3)
    assert set(pred['probs']) == {'benign', 'malignant'}
    assert f"{pred['diagnosis']} {pred['diagnosis_score']:.4f}" in \
        capsys.readouterr().out
    drawn = cv2.imread(out['visualization'][0])
    h, w = np.asarray(Image.open(images[0])).shape[:2]
    assert drawn.shape[:2] == (h, w)
    assert os.path.getsize(out['visualization'][0]) > 0
