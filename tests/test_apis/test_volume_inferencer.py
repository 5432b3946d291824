# Copyright (c) mmssl contributors. All rights reserved.
"""The volume demo and inferencer: inference spacing from the config,
modality and intensity window, the montage's legend, progress; and both
on a real abdominal CT (TotalSegmentator's test files, skipped when
``data/totalseg-ct`` is absent)."""
import os
import os.path as osp
import subprocess
import sys

import nibabel as nib
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmssl.apis import VolumeSegInferencer
from mmssl.apis.volume_inferencer import set_infer_spacing
from mmssl.models.utils.sliding_window import (
    num_windows,
    sliding_window_inference,
)
from mmssl.registry import MODELS
from mmssl.visualization.volume import (
    DEFAULT_CT_WINDOW,
    intensity_window,
    label_palette,
    montage,
    resolve_modality,
)
from tests.helpers.cifar import shared_dataset
from tests.helpers.runner_utils import ROOT

UMCT_CFG = osp.join(ROOT, 'configs', 'umct',
                    'umct_asym-unet3d_750i_phantom-2l.py')
SMALL = ['model.backbone.channels=[4,8]']


@pytest.fixture(scope='module')
def random_umct(tmp_path_factory):
    """A phantom-config UMCT checkpoint with random weights (narrow
    widths): the tests check the pipeline, not accuracy."""
    cfg = Config.fromfile(UMCT_CFG)
    cfg.merge_from_dict({'model.backbone.channels': [4, 8]})
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    path = str(tmp_path_factory.mktemp('umct') / 'random.pth')
    torch.save({'state_dict': model.state_dict(),
                'meta': {'cfg': cfg.pretty_text,
                         'dataset_meta': {'classes': ('background', 'organ',
                                                      'lesion')}}}, path)
    return path


def test_infer_spacing_key():
    pipe = Config.fromfile(UMCT_CFG).test_dataloader.dataset.pipeline
    types = [t['type'] for t in pipe]
    assert set_infer_spacing(pipe, None) == list(pipe)
    assert 'Spacing' not in [t['type'] for t in set_infer_spacing(
        pipe, 'input')]
    two = set_infer_spacing(pipe, 2)
    assert [t['type'] for t in two] == types
    assert two[types.index('Spacing')]['pixdim'] == (2., 2., 2.)
    # no Spacing step: one is added after the reorientation
    added = set_infer_spacing([t for t in pipe if t['type'] != 'Spacing'],
                              [1, 2, 3])
    assert [t['type'] for t in added] == types
    assert added[types.index('Spacing')]['pixdim'] == (1., 2., 3.)
    for bad in ('fine', [1, 2], 0, [1, -1, 1]):
        with pytest.raises(ValueError, match='infer_spacing must be'):
            set_infer_spacing(pipe, bad)


def test_modality_and_window(monkeypatch):
    ct = np.full((4, 4, 4), -1000.)
    ct[1:3] = 40
    mr = np.linspace(0, 900, 64).reshape(4, 4, 4)
    assert resolve_modality(ct) == 'CT'
    assert resolve_modality(mr, 'T2') == 'MRI'  # MSD's sequence names
    assert resolve_modality(mr, 'ct') == 'CT'
    assert intensity_window(ct, 'CT') == DEFAULT_CT_WINDOW
    assert intensity_window(ct, 'CT', (-100, 240)) == (-100., 240.)
    lo, hi = intensity_window(mr, 'MRI')
    assert lo == pytest.approx(np.percentile(mr, 1))
    assert hi == pytest.approx(np.percentile(mr, 99))

    # The warnings go through mmengine's current logger, whose stream was
    # fixed when an earlier test created it: collect them at print_log.
    import mmssl.visualization.volume as volume
    logged = []
    monkeypatch.setattr(volume, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    assert resolve_modality(mr, name='scan.nii.gz') == 'MRI'
    assert resolve_modality(mr, 'PET') == 'MRI'
    text = '\n'.join(logged)
    assert 'modality of scan.nii.gz is not known' in text
    assert "unknown modality 'PET'" in text


def test_montage_legend_and_palette():
    colours = label_palette(41)
    assert len(set(colours)) == 41
    image = np.random.RandomState(0).rand(20, 16, 8)
    label = np.zeros(image.shape, np.uint8)
    eye = np.eye(4)
    empty = montage(image, label, eye)  # no label: no legend
    assert empty.shape == montage(image, label, eye, legend=False).shape
    label[5:10, 5:10, 2:6] = 1
    label[12:15, 2:4, 3] = 7
    one = montage(image, label, eye, classes=('bg', 'liver'))
    plain = montage(image, label, eye, legend=False)
    assert one.shape[0] > plain.shape[0]  # the legend strip
    assert one.shape[1] == plain.shape[1]
    assert np.array_equal(one[:plain.shape[0]], plain)
    # the legend shows each present label's colour
    strip = one[plain.shape[0]:]
    for c in (1, 7):
        assert (strip == np.array(colours[c - 1], np.uint8)).all(-1).any()
    # many labels wrap into more legend rows
    many = label.copy()
    for c in range(2, 30):
        many[c % 20, c % 16, 4] = c
    assert montage(image, many, eye).shape[0] > one.shape[0]


def test_num_windows_and_progress():
    x = torch.zeros(1, 1, 40, 33, 20)
    calls = []
    sliding_window_inference(x, 16, lambda t: t, overlap=0.5,
                             sw_batch_size=3,
                             progress=lambda d, n: calls.append((d, n)))
    total = num_windows(x.shape[2:], 16, 0.5)
    # starts 0, 8, 16, 24 | 0, 8, 16, 17 | 0, 4
    assert total == 4 * 4 * 2
    assert [d for d, _ in calls] == list(range(3, total, 3)) + [total]
    assert {n for _, n in calls} == {total}


def _ct(name):
    path = osp.join(shared_dataset('totalseg-ct'), name)
    if not osp.isfile(path):
        pytest.skip(f'{path} missing (see its SOURCE.md)')
    return path


def test_demo_on_real_ct(random_umct, tmp_path):
    """demo/volume_demo.py on the 3 mm abdominal CT at its own spacing
    (``infer_spacing=input``): a label volume with the CT's shape and
    affine, a montage, and the resampled shape and progress in the log."""
    ct = _ct('example_ct.nii.gz')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'demo', 'volume_demo.py'), ct,
         UMCT_CFG, random_umct, '--out-dir', str(tmp_path), '--cfg-options',
         *SMALL, 'infer_spacing=input'],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert ('122x101x112 voxels at 3.00x3.00x3.00 mm -> 122x101x112 at '
            '3.00x3.00x3.00 mm (RAS) for inference: 3 view(s) x 252 '
            'windows of 32x32x32') in out
    for view in (1, 2, 3):
        assert f'view {view}/3' in out and '252/252 windows' in out
    assert 'shown as CT' in out
    saved = nib.load(str(tmp_path / 'example_ct_pred.nii.gz'))
    src = nib.load(ct)
    assert saved.shape == src.shape == (122, 101, 112)
    np.testing.assert_allclose(saved.affine, src.affine)
    assert set(np.unique(np.asarray(saved.dataobj))) <= {0, 1, 2}
    assert osp.getsize(tmp_path / 'example_ct_montage.png') > 0


def test_sliding_window_on_real_ct_matches_segmentation_grid(
        random_umct, tmp_path):
    """The inferencer on the 30-slice crop, resampled to 4.5 mm (a
    non-integer factor), brings its labels back to the organ
    segmentation's grid: same shape, same affine."""
    ct = _ct('example_ct_sm.nii.gz')
    seg = nib.load(_ct('example_seg.nii.gz'))
    cfg = Config.fromfile(UMCT_CFG)
    cfg.merge_from_dict({'model.backbone.channels': [4, 8],
                         'infer_spacing': 4.5, 'modality': 'CT'})
    inferencer = VolumeSegInferencer(cfg, random_umct, device='cpu')
    data = inferencer.pipeline(dict(img_path=ct))
    assert tuple(data['inputs'].shape) == (1, 20, 67, 81)  # (z, y, x)
    result = inferencer(ct, out_dir=str(tmp_path))
    assert result['label'].shape == seg.shape == (122, 101, 30)
    saved = nib.load(result['nifti'])
    assert saved.shape == seg.shape
    np.testing.assert_allclose(saved.affine, seg.affine, atol=1e-4)
    assert set(np.unique(result['label'])) <= {0, 1, 2}
    assert result['modality'] == 'CT'
