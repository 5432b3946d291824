# Copyright (c) mmssl contributors. All rights reserved.
"""tools/analysis_tools/umct_view_errors.py: the error overlap of views
(counts and shares), and a clear refusal of a config that is not a
multi-view UMCT one."""
import os.path as osp

import numpy as np
import pytest

from tests.helpers.runner_utils import ROOT, load_script


def _load():
    return load_script('tools/analysis_tools/umct_view_errors.py')


def test_error_overlap_counts_and_shares():
    tool = _load()
    truth = np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)
    v0 = np.array([1, 0, 0, 1, 1, 1, 0, 0], bool)  # FN at 1, 2; FP at 4, 5
    v1 = np.array([1, 0, 1, 1, 1, 0, 0, 0], bool)  # FN at 1; FP at 4
    v2 = np.array([1, 0, 1, 1, 0, 0, 0, 1], bool)  # FN at 1; FP at 7
    counts = tool.error_overlap([v0, v1, v2], truth)
    assert counts['view0_fn'] == 2 and counts['view0_fp'] == 2
    # view 0's miss at 1 is every view's; the one at 2 is its own
    assert counts['view0_fn_shared_by_all'] == 1
    assert counts['view0_fn_made_by_none'] == 1
    # view 0's FP at 4 is view 1's too (not view 2's); the one at 5 its own
    assert counts['view0_fp_shared_by_all'] == 0
    assert counts['view0_fp_made_by_none'] == 1
    assert counts['view2_fp_made_by_none'] == 1
    shares = tool.summarize(counts, 3)
    assert shares['view0_fn_shared_by_all_pct'] == 50.0
    assert shares['view1_fn_shared_by_all_pct'] == 100.0
    assert tool.dice(v1, truth) == pytest.approx(200. * 3 / 8)
    assert tool.dice(np.zeros(3, bool), np.zeros(3, bool)) == 100.
    # v0 and v1 share foreground at 0, 3, 4 (4 and 4 voxels): 2*3/8
    agree = tool.pairwise_agreement([v0, v1, v2])
    assert sorted(agree) == ['0-1', '0-2', '1-2']
    assert agree['0-1'] == pytest.approx(75.0)
    assert agree['1-2'] == pytest.approx(round(200. * 3 / 8, 2))


def test_refuses_a_single_view_config():
    tool = _load()
    config = osp.join(ROOT, 'configs', 'umct',
                      'supervised-sv_asym-unet3d_ft180i_phantom-v2-2l.py')
    with pytest.raises(SystemExit, match='not a multi-view UMCT'):
        tool.main([config, 'none.pth'])
