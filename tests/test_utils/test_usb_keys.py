# Copyright (c) mmssl contributors. All rights reserved.
"""Top-level knobs (USB names included) take effect or fail."""
import os.path as osp

import pytest

from mmssl.utils.config import load_config
from mmssl.utils.usb_keys import USB_KEYS, KnobError, split_knobs
from tests.helpers.runner_utils import ROOT

FIXMATCH = osp.join(ROOT, 'configs', 'fixmatch',
                    'fixmatch_digits-cnn_2k_digits-4.py')
SUPERVISED = osp.join(ROOT, 'configs', 'supervised',
                      'supervised_digits-cnn_2k_digits-4.py')
IOMATCH = osp.join(ROOT, 'configs', 'iomatch',
                   'iomatch_digits-cnn_2k_digits-6-24.py')


def test_mu_and_uratio_change_the_batches():
    for key in ('mu', 'uratio'):
        cfg = load_config(FIXMATCH, {key: 3})
        loader = cfg.train_dataloader
        assert loader.sampler.source_ratio == [1, 3]
        assert loader.batch_size == loader.sampler.batch_size == 16 * 4
        assert cfg.mu == 3
    cfg = load_config(FIXMATCH, {'batch_size': 8, 'mu': 2})
    assert cfg.train_dataloader.batch_size == 24
    assert cfg.labeled_batch_size == 8


def test_usb_method_knobs_reach_head_hook_optimizer_loop():
    cfg = load_config(FIXMATCH, {'p_cutoff': 0.9, 'T': 0.5,
                                 'ulb_loss_ratio': 2.0, 'ema_m': 0.99,
                                 'lr': 0.01, 'num_train_iter': 300,
                                 'num_eval_iter': 100})
    assert cfg.model.head.p_cutoff == 0.9 and cfg.model.head.T == 0.5
    assert cfg.model.head.lambda_u == 2.0
    ema = [h for h in cfg.custom_hooks if h['type'] == 'EMAHook'][0]
    assert ema['momentum'] == pytest.approx(0.01)
    assert cfg.optim_wrapper.optimizer.lr == 0.01
    assert cfg.train_cfg.max_iters == 300 and cfg.max_iters == 300
    assert cfg.train_cfg.val_interval == 100


def test_usb_num_labels_is_a_total():
    cfg = load_config(FIXMATCH, {'num_labels': 40})
    assert cfg.train_dataloader.dataset.num_labels_per_class == 4
    cfg = load_config(IOMATCH, {'num_labels': 60})  # 6 seen classes
    assert cfg.train_dataloader.dataset.num_labels_per_class == 10
    with pytest.raises(KnobError, match='multiple of the 10'):
        load_config(FIXMATCH, {'num_labels': 45})


def test_knobs_that_cannot_act_are_errors():
    with pytest.raises(KnobError, match='p_cutoff has no effect.*'
                       'SupervisedHead'):
        load_config(SUPERVISED, {'p_cutoff': 0.9})
    with pytest.raises(KnobError, match='mu has no effect'):
        load_config(SUPERVISED, {'mu': 3})
    with pytest.raises(KnobError, match='T has no effect.*IOMatchHead'):
        load_config(IOMATCH, {'T': 0.5})
    with pytest.raises(KnobError, match='ema_m must be in'):
        load_config(FIXMATCH, {'ema_m': 1.5})


def test_stale_top_level_knob_in_a_config_is_an_error(tmp_path):
    child = tmp_path / 'child.py'
    child.write_text(f'_base_ = [{FIXMATCH!r}]\nmu = 3\n')
    with pytest.raises(KnobError, match='top-level mu = 3 disagrees'):
        load_config(str(child))
    # a deeper key from the command line updates the top-level copy
    cfg = load_config(FIXMATCH, {'train_cfg.max_iters': 50})
    assert cfg.max_iters == 50
    cfg = load_config(FIXMATCH, {'train_dataloader.dataset.'
                                 'num_labels_per_class': 2})
    assert cfg.num_labels_per_class == 2


def test_split_knobs_and_table():
    knobs, rest = split_knobs({'uratio': 3, 'model.head.p_cutoff': 0.8,
                               'max_iters': 10})
    assert knobs == {'mu': 3, 'max_iters': 10}
    assert rest == {'model.head.p_cutoff': 0.8}
    with pytest.raises(KnobError, match='sets mu twice'):
        split_knobs({'mu': 3, 'uratio': 4})
    assert {'uratio', 'ema_m', 'p_cutoff', 'T', 'ulb_loss_ratio',
            'num_labels', 'batch_size'} <= set(USB_KEYS)


def test_train_tool_rejects_a_knob_with_no_effect(tmp_path):
    import subprocess
    import sys
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'train.py'), SUPERVISED,
         '--work-dir', str(tmp_path), '--cfg-options', 'p_cutoff=0.9'],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert 'p_cutoff has no effect' in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_docs_table_lists_every_usb_key():
    doc = open(osp.join(ROOT, 'docs', 'en', 'user_guides',
                        'usb_keys.md')).read()
    for key in USB_KEYS:
        assert f'`{key}`' in doc, key
