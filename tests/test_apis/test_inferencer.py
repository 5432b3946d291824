# Copyright (c) mmssl contributors. All rights reserved.
"""Train briefly on digits, then infer from the checkpoint (weights-only
loading), through the inferencer and the demo script."""
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
from mmengine.runner import Runner

from mmssl.apis import ImageClassificationInferencer
from mmssl.datasets import digits_split
from tests.helpers.runner_utils import DIGITS_CFG, ROOT, small_digits_cfg


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    work = str(tmp_path_factory.mktemp('infer'))
    cfg = small_digits_cfg(work, by_epoch=True, length=8, batch_size=64)
    Runner.from_cfg(cfg).train()
    return osp.join(work, 'epoch_8.pth')


def test_inferencer_on_arrays_and_files(trained, tmp_path):
    images, labels, _, test = digits_split(seed=0)
    inferencer = ImageClassificationInferencer(DIGITS_CFG, trained,
                                               device='cpu')
    arrays = [images[i][..., None] for i in test[:40]]
    out = inferencer(arrays, batch_size=16, topk=3)['predictions']
    assert len(out) == 40 and len(out[0]['topk']) == 3
    acc = np.mean([o['pred_label'] == labels[i]
                   for o, i in zip(out, test[:40])])
    assert acc > 0.8
    # a photo-like file: upscaled, dark ink on... the training polarity
    path = str(tmp_path / 'digit.png')
    cv2.imwrite(path, cv2.resize(images[test[0]], (64, 64),
                                 interpolation=cv2.INTER_NEAREST))
    res = inferencer(path, show_dir=str(tmp_path / 'vis'))
    assert res['predictions'][0]['pred_class'] in tuple('0123456789')
    assert osp.isfile(tmp_path / 'vis' / 'digit_pred.png')


def test_inferencer_reads_config_from_checkpoint(trained):
    images, _, _, test = digits_split(seed=0)
    a = ImageClassificationInferencer(None, trained, device='cpu')
    b = ImageClassificationInferencer(DIGITS_CFG, trained, device='cpu')
    img = images[test[1]][..., None]
    assert a(img)['predictions'][0] == b(img)['predictions'][0]


def test_demo_script_on_a_scikit_image_photo(trained, tmp_path):
    from skimage import data
    photo = str(tmp_path / 'camera.png')
    cv2.imwrite(photo, data.camera())
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'demo', 'image_demo.py'), photo,
         DIGITS_CFG, trained, '--topk', '2', '--show-dir',
         str(tmp_path / 'out')], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    head = [ln for ln in lines if ln.startswith(photo + ': ')]
    assert len(head) == 1
    assert lines[-2:] == [ln for ln in lines[-2:] if ln.startswith('    ')]
    assert osp.isfile(tmp_path / 'out' / 'camera_pred.png')
