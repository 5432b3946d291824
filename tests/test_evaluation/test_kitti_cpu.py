# Copyright (c) mmssl contributors. All rights reserved.
"""The CPU rotated IoU of the KITTI metric equals mmdet3d's numba.cuda
kernel (run in numba's CUDA simulator in a subprocess)."""
import os
import subprocess
import sys

import numpy as np

from mmssl.evaluation.functional.kitti_cpu import (
    ROTATE_IOU_MODULE,
    install_cpu_rotate_iou,
    rotate_iou_cpu_eval,
)

SCRIPT = r'''
import sys
import numpy as np
from mmdet3d.evaluation.functional.kitti_utils.rotate_iou import (
    rotate_iou_gpu_eval)
from mmssl.evaluation.functional.kitti_cpu import rotate_iou_cpu_eval
rng = np.random.RandomState(0)
def boxes(n):
    return np.concatenate([rng.uniform(-5, 5, (n, 2)),
                           rng.uniform(0.5, 4, (n, 2)),
                           rng.uniform(-3.2, 3.2, (n, 1))], 1).astype('f4')
a, b = boxes(10), boxes(7)
worst = max(float(np.abs(rotate_iou_gpu_eval(a, b, c)
                         - rotate_iou_cpu_eval(a, b, c)).max())
            for c in (-1, 0, 1, 2))
print('MAXDIFF', worst)
'''


def test_cpu_rotated_iou_matches_the_numba_kernel():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM='1')
    out = subprocess.run([sys.executable, '-c', SCRIPT], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    worst = float(out.stdout.split('MAXDIFF')[-1])
    assert worst < 1e-5


def test_cpu_rotated_iou_values_and_install():
    square = np.array([[0., 0., 2., 2., 0.]], dtype=np.float32)
    shifted = np.array([[1., 0., 2., 2., 0.], [9., 9., 1., 1., 0.3]],
                       dtype=np.float32)
    iou = rotate_iou_cpu_eval(square, shifted)
    assert iou.shape == (1, 2)
    assert np.allclose(iou, [[2 / 6, 0.]], atol=1e-6)
    assert np.allclose(rotate_iou_cpu_eval(square, shifted, 2), [[2., 0.]])
    assert rotate_iou_cpu_eval(square[:0], shifted).shape == (0, 2)
    assert install_cpu_rotate_iou(force=True)
    module = sys.modules[ROTATE_IOU_MODULE]
    assert module.rotate_iou_gpu_eval is rotate_iou_cpu_eval
    from mmdet3d.evaluation.functional.kitti_utils.eval import bev_box_overlap
    assert np.allclose(bev_box_overlap(square, shifted), iou)
