# Copyright (c) mmssl contributors. All rights reserved.
"""The CPU-testable parts of tools/benchmark/gpu_fixmatch_cifar10.py (the
GPU run itself is a device check, never part of the tests)."""
import os.path as osp
import subprocess
import sys

from tests.helpers.runner_utils import load_script

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'benchmark', 'gpu_fixmatch_cifar10.py')


def _load():
    return load_script('tools/benchmark/gpu_fixmatch_cifar10.py',
                       'gpu_fixmatch')


def test_summary_speed_and_accuracy_against_iterations():
    g = _load()
    rows = [dict(iter=i, step=i, time=0.5 if i > 40 else 2.0,
                 data_time=0.1, util_ratio=i / 200, pl_acc=90.0)
            for i in range(20, 201, 20)]
    rows.insert(5, {'accuracy/top1': 31.5, 'step': 100})
    rows.append({'accuracy/top1': 48.25, 'step': 200})
    s = g.summarize(rows)
    # The first 40 iterations (warm-up) are left out of the speed.
    assert s['step_time_s'] == 0.5
    assert s['iters_per_s'] == 2.0
    assert s['images_per_s'] == 1920.0
    assert s['data_wait_share'] == 0.2
    assert s['iters_done'] == 200
    assert [e['iter'] for e in s['evaluations']] == [100, 200]
    assert [e['top1'] for e in s['evaluations']] == [31.5, 48.25]
    # Diagnostics from the last training row at or before each evaluation.
    assert s['evaluations'][0]['util_ratio'] == 0.5
    assert s['evaluations'][1]['pl_acc'] == 90.0


def test_mmcv_without_compiled_ops_imports_and_ops_raise():
    code = (
        'import sys, importlib.util\n'
        "sys.modules['mmcv._ext'] = None\n"  # as where mmcv-lite is installed
        f'spec = importlib.util.spec_from_file_location("g", {SCRIPT!r})\n'
        'g = importlib.util.module_from_spec(spec)\n'
        'spec.loader.exec_module(g)\n'
        'assert g.allow_mmcv_without_ops()\n'
        'import torch\n'
        'from mmcv.ops import nms\n'
        'try:\n'
        '    nms(torch.rand(3, 4), torch.rand(3), 0.5)\n'
        'except RuntimeError as e:\n'
        '    print("RAISED", e)\n')
    out = subprocess.run([sys.executable, '-c', code], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "RAISED mmcv op 'nms' was called" in out.stdout
    assert 'mmcv-lite' in out.stdout
