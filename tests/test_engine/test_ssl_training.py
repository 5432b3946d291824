# Copyright (c) mmssl contributors. All rights reserved.
"""Short semi-supervised trainings on the real digits data."""
import json
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from tests.helpers.runner_utils import ROOT

FIXMATCH = osp.join(ROOT, 'configs', 'fixmatch',
                    'fixmatch_digits-cnn_2k_digits-4.py')
SUPERVISED = osp.join(ROOT, 'configs', 'supervised',
                      'supervised_digits-cnn_2k_digits-4.py')


def _short(path, work_dir, iters):
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = osp.basename(str(work_dir))
    cfg.train_cfg.max_iters = iters
    cfg.train_cfg.val_interval = iters
    cfg.default_hooks.logger.interval = 50
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        by_epoch=False, interval=iters)
    # A short run: a faster EMA so that it has caught up at the end.
    for hook in cfg.custom_hooks:
        if hook['type'] == 'EMAHook':
            hook['momentum'] = 0.02
    return cfg


def _train(path, work_dir, iters):
    runner = Runner.from_cfg(_short(path, work_dir, iters))
    runner.train()
    return runner.val_loop.run()['accuracy/top1']


def test_fixmatch_beats_supervised_on_same_labels(tmp_path):
    sup = _train(SUPERVISED, tmp_path / 'sup', 300)
    fix = _train(FIXMATCH, tmp_path / 'fix', 300)
    # Both trained on the same 40 labeled images (same seed, same split).
    split_fix = json.load(open(tmp_path / 'fix' / 'split.json'))
    assert len(split_fix['labeled']) == 40
    assert fix > sup + 2, (fix, sup)
    # The checkpoint (EMA weights) serves the inferencer and demo path, on
    # one of scikit-image's bundled photos.
    from skimage import data

    from mmssl.apis import ImageClassificationInferencer
    inferencer = ImageClassificationInferencer(
        FIXMATCH, str(tmp_path / 'fix' / 'iter_300.pth'), device='cpu')
    pred = inferencer(data.camera(), topk=3)['predictions'][0]
    assert len(pred['topk']) == 3
    assert pred['pred_class'] in tuple('0123456789')


def test_fixmatch_resume_is_exact(tmp_path):
    """Killed after iteration 20 and resumed == trained straight to 40,
    including the EMA weights and the sampler streams."""
    import torch

    from tests.helpers.runner_utils import Interrupted

    full = _short(FIXMATCH, tmp_path / 'full', 40)
    full.default_hooks.checkpoint.interval = 20
    Runner.from_cfg(full).train()
    part = _short(FIXMATCH, tmp_path / 'part', 40)
    part.default_hooks.checkpoint.interval = 20
    part.custom_hooks.append(dict(type='InterruptHook', at=20,
                                  by_epoch=False))
    with pytest.raises(Interrupted):
        Runner.from_cfg(part).train()
    part.custom_hooks = part.custom_hooks[:-1]
    part.resume = True
    part.experiment_name += '-resumed'
    Runner.from_cfg(part).train()
    a = torch.load(tmp_path / 'full' / 'iter_40.pth', weights_only=False)
    b = torch.load(tmp_path / 'part' / 'iter_40.pth', weights_only=False)
    for key in ('state_dict', 'ema_state_dict'):
        for name, value in a[key].items():
            torch.testing.assert_close(value, b[key][name], msg=name)
