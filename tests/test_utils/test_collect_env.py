# Copyright (c) mmssl contributors. All rights reserved.
import subprocess
import sys

import mmssl


def test_collect_env_cli_prints_the_stack():
    out = subprocess.run([sys.executable, '-m', 'mmssl.utils.collect_env'],
                         capture_output=True, text=True, check=True).stdout
    for key in ('Python:', 'torch:', 'mmengine:', 'mmcv:', 'mmcv ops:',
                'mmdet:', 'mmseg:', 'numpy:', 'device:'):
        assert key in out, key
    assert f'mmssl: {mmssl.__version__}' in out
    assert 'mmcv ops: available' in out


def test_version():
    assert mmssl.__version__.count('.') == 2
    assert mmssl.version_info[0] == 0
