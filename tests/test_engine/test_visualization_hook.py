# Copyright (c) mmssl contributors. All rights reserved.
"""The test-time drawing hooks: captions scale with the image, every
sample is drawn unless told otherwise, and a sample that fails to draw is
logged and skipped (the metrics never depend on the pictures)."""
import logging
import os.path as osp
from types import SimpleNamespace

import numpy as np
import torch

from mmssl.engine.hooks import ClsVisualizationHook
from mmssl.structures.cls_data_sample import ClsDataSample
from mmssl.visualization import caption_style, draw_caption


def test_caption_scales_with_the_short_side():
    small, large = caption_style((64, 64)), caption_style((960, 1280))
    assert small[0] < large[0] and small[1] <= large[1]
    img = draw_caption(np.full((480, 640, 3), 200, np.uint8), ['pred: a'])
    # the text sits on a filled dark box at the top left
    assert (img[:5, :5] == 0).all() and (img[200:, 200:] == 200).all()


class _Logger(logging.Logger):
    def __init__(self):
        super().__init__('t')
        self.lines = []

    def _log(self, level, msg, *args, **kwargs):
        self.lines.append(msg)


def _runner(tmp_path):
    ds = SimpleNamespace(metainfo=dict(classes=('a', 'b')))
    return SimpleNamespace(log_dir=str(tmp_path), logger=_Logger(),
                           test_dataloader=SimpleNamespace(dataset=ds))


def _batch(n, bad=()):
    inputs, samples = [], []
    for i in range(n):
        # a 3-D volume where the hook expects a 2-D image
        shape = (1, 4, 8, 8) if i in bad else (3, 8, 8)
        inputs.append(torch.zeros(shape, dtype=torch.uint8))
        samples.append(ClsDataSample(metainfo=dict(sample_idx=i)).set_gt_label(
            1).set_pred_label(0).set_pred_score(torch.tensor([.7, .3])))
    return dict(inputs=inputs), samples


def test_hook_draws_all_logs_and_skips_failures(tmp_path):
    runner = _runner(tmp_path)
    hook = ClsVisualizationHook(out_dir='show')
    hook.before_test(runner)
    data, outputs = _batch(5, bad=(2, ))
    hook.after_test_iter(runner, 0, data, outputs)
    hook.after_test_epoch(runner, {})
    files = sorted(p.name for p in (tmp_path / 'show').iterdir())
    assert files == ['000000.png', '000001.png', '000003.png', '000004.png']
    log = '\n'.join(runner.logger.lines)
    assert 'drawing every test sample' in log
    assert 'could not draw test sample 2' in log and '2-D images' in log
    assert 'wrote 4 files for 4 of 5 test samples' in log
    assert '1 failed to draw' in log


def test_interval_and_cap_are_said_in_the_log(tmp_path):
    runner = _runner(tmp_path)
    hook = ClsVisualizationHook(out_dir=str(tmp_path / 'show'), interval=2,
                                max_images=2)
    hook.before_test(runner)
    data, outputs = _batch(7)
    hook.after_test_iter(runner, 0, data, outputs)
    assert len(list((tmp_path / 'show').iterdir())) == 2
    log = '\n'.join(runner.logger.lines)
    assert 'every 2-th test sample, at most 2' in log
    assert 'stopped drawing after max_images=2' in log
    assert osp.isfile(tmp_path / 'show' / '000002.png')
