# Copyright (c) mmssl contributors. All rights reserved.
"""Bad input gives a one-line error and a non-zero exit, no traceback."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.helpers.runner_utils import DIGITS_CFG, ROOT

TRAIN = osp.join(ROOT, 'tools', 'train.py')
TEST = osp.join(ROOT, 'tools', 'test.py')


def _run(args, tmp_path, debug=False):
    env = dict(os.environ)
    env.pop('MMSSL_DEBUG', None)
    if debug:
        env['MMSSL_DEBUG'] = '1'
    return subprocess.run([sys.executable, *args], cwd=str(tmp_path),
                          env=env, capture_output=True, text=True,
                          timeout=300)


def _assert_one_line_error(proc, *needles):
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines()
              if ln.startswith('error: ')]
    assert len(errors) == 1, proc.stderr[-2000:]
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def _folder_cfg(tmp_path, data_root):
    cfg = tmp_path / 'folder_cfg.py'
    cfg.write_text(f'''
_base_ = [{DIGITS_CFG!r}]
pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='Resize', scale=(8, 8), keep_ratio=False),
    dict(type='PackClsInputs'),
]
train_dataloader = dict(dataset=dict(_delete_=True,
    type='ImageFolderDataset', data_root={str(data_root)!r},
    pipeline=pipeline))
train_cfg = dict(max_epochs=1)
val_cfg = None
val_dataloader = None
val_evaluator = None
''')
    return str(cfg)


def test_config_not_found(tmp_path):
    proc = _run([TRAIN, 'configs/nope.py'], tmp_path)
    _assert_one_line_error(proc, 'config file not found', 'nope.py')


def test_unknown_type_names_registry_and_closest(tmp_path):
    proc = _run([TRAIN, DIGITS_CFG, '--cfg-options',
                 'model.backbone.type=DigitCNN'], tmp_path)
    _assert_one_line_error(proc, "'DigitCNN'", 'mmssl::model',
                           'closest registered names: DigitsCNN')


def test_unknown_config_key(tmp_path):
    proc = _run([TRAIN, DIGITS_CFG, '--cfg-options',
                 'trian_cfg.max_epochs=2'], tmp_path)
    _assert_one_line_error(proc, "'trian_cfg'", "'train_cfg'")


def test_unknown_argument_of_a_module(tmp_path):
    proc = _run([TRAIN, DIGITS_CFG, '--cfg-options',
                 'model.backbone.dpeth=3'], tmp_path)
    _assert_one_line_error(proc, 'DigitsCNN', "'dpeth'")


def test_checkpoint_not_found(tmp_path):
    proc = _run([TEST, DIGITS_CFG, 'missing.pth'], tmp_path)
    _assert_one_line_error(proc, 'checkpoint not found', 'missing.pth')


def _digits_state_dict():
    from mmssl.registry import MODELS
    from mmssl.utils import register_all_modules
    from mmssl.utils.config import load_config
    register_all_modules()
    return MODELS.build(load_config(DIGITS_CFG).model).state_dict()


def test_another_models_checkpoint_is_refused(tmp_path):
    """mmengine loads ``load_from`` non-strictly: it used to warn and test
    random weights (exit 0)."""
    import torch
    state = _digits_state_dict()
    first = next(iter(state))
    state['extra.weight'] = torch.zeros(1)
    state[first] = torch.zeros(7, *state[first].shape[1:])
    del state[list(state)[-2]]
    torch.save({'state_dict': state}, tmp_path / 'other.pth')
    demo = osp.join(ROOT, 'demo', 'image_demo.py')
    cv2 = pytest.importorskip('cv2')
    import numpy as np
    cv2.imwrite(str(tmp_path / 'x.png'), np.zeros((8, 8), np.uint8))
    for args in ([TEST, DIGITS_CFG, 'other.pth'],
                 [demo, 'x.png', DIGITS_CFG, 'other.pth']):
        proc = _run(args, tmp_path)
        _assert_one_line_error(
            proc, 'other.pth does not fit the model', '1 missing keys',
            "1 unexpected keys (extra.weight)",
            f'1 shape mismatches ({first} (7,')


def test_random_bytes_checkpoint(tmp_path):
    import numpy as np
    rng = np.random.RandomState(0)
    (tmp_path / 'noise.pth').write_bytes(
        rng.randint(0, 256, 4096, dtype=np.uint8).tobytes())
    proc = _run([TEST, DIGITS_CFG, 'noise.pth'], tmp_path)
    _assert_one_line_error(proc, 'noise.pth (4096 bytes) is truncated or '
                           'corrupt')


def test_hook_typo_fails_before_training(tmp_path):
    proc = _run([TRAIN, DIGITS_CFG, '--work-dir', str(tmp_path / 'w'),
                 '--cfg-options', 'default_hooks.checkpoint.intervall=2'],
                tmp_path)
    _assert_one_line_error(proc, 'default_hooks.checkpoint',
                           "'intervall'", "did you mean 'interval'")
    assert not osp.exists(tmp_path / 'w')


def test_coco_json_without_images(tmp_path):
    (tmp_path / 'ann.json').write_text(
        '{"images": [], "annotations": [], '
        '"categories": [{"id": 1, "name": "person"}]}')
    proc = _run([osp.join(ROOT, 'tools', 'data', 'coco_semantic_masks.py'),
                 'ann.json', 'masks'], tmp_path)
    _assert_one_line_error(proc, 'ann.json lists no images')
    assert not osp.exists(tmp_path / 'masks')


def test_wrong_launcher(tmp_path):
    proc = _run([TRAIN, DIGITS_CFG, '--launcher', 'mpirun'], tmp_path)
    assert proc.returncode == 2
    assert "invalid choice: 'mpirun'" in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_missing_dataset_folder_names_layout(tmp_path):
    cfg = _folder_cfg(tmp_path, tmp_path / 'no_such_data')
    proc = _run([TRAIN, cfg, '--work-dir', str(tmp_path / 'w')], tmp_path)
    _assert_one_line_error(proc, 'no_such_data', 'expected layout')


def test_corrupt_image_names_the_file(tmp_path):
    import cv2
    import numpy as np
    root = tmp_path / 'data'
    for cls in ('a', 'b'):
        (root / cls).mkdir(parents=True)
        for i in range(3):
            cv2.imwrite(str(root / cls / f'{i}.png'),
                        np.full((8, 8), 40 * i, np.uint8))
    bad = root / 'b' / 'broken.png'
    bad.write_bytes(b'\x89PNG\r\n\x1a\n not really a png')
    cfg = _folder_cfg(tmp_path, root)
    proc = _run([TRAIN, cfg, '--work-dir', str(tmp_path / 'w')], tmp_path)
    _assert_one_line_error(proc, 'broken.png', 'cannot decode image')


def test_box_outside_image_in_a_worker_names_the_file(tmp_path):
    """A bad CUB box, raised inside a DataLoader worker process."""
    from mmssl.datasets.synthetic import make_synthetic_cub
    root = make_synthetic_cub(str(tmp_path / 'cub'), num_classes=2,
                              train_per_class=2, test_per_class=1)
    path = osp.join(root, 'bounding_boxes.txt')
    lines = open(path).read().split('\n')
    lines[1] = '2 3.0 4.0 900.0 10.0'
    open(path, 'w').write('\n'.join(lines))
    cfg = osp.join(ROOT, 'configs', 'sat', 'sat_vit-t-p8_30e_synthetic-cub.py')
    proc = _run([TRAIN, cfg, '--work-dir', str(tmp_path / 'w'),
                 '--cfg-options', f'train_dataloader.dataset.data_root={root}',
                 f'val_dataloader.dataset.data_root={root}',
                 'train_dataloader.dataset.with_bbox=True',
                 'train_dataloader.num_workers=1',
                 'model.backbone.pretrained=None', 'model.head.num_classes=2',
                 'train_cfg.max_epochs=1', 'train_cfg.val_begin=2'],
                tmp_path)
    _assert_one_line_error(proc, 'Red_disc_0001.jpg', 'outside the',
                           'ValueError')


@pytest.mark.parametrize('how', ['flag', 'env'])
def test_debug_shows_traceback(tmp_path, how):
    args = [TRAIN, 'configs/nope.py'] + (['--debug'] if how == 'flag' else [])
    proc = _run(args, tmp_path, debug=(how == 'env'))
    assert proc.returncode != 0
    assert 'Traceback' in proc.stderr


KITTI_INFOS = osp.join(ROOT, 'tools', 'data', 'kitti_infos.py')
_CALIB = {'P0': 12, 'P1': 12, 'P2': 12, 'P3': 12, 'R0_rect': 9,
          'Tr_velo_to_cam': 12}
_LABEL = 'Car 0.00 0 1.00 1 2 3 4 1.5 1.6 3.9 0 1.65 10 0.5'


def _tiny_kitti(root, label=_LABEL, calib_keys=tuple(_CALIB)):
    """One hand-written KITTI frame 000000, without ImageSets/."""
    import numpy as np
    for sub in ('velodyne', 'label_2', 'calib'):
        (root / 'training' / sub).mkdir(parents=True, exist_ok=True)
    np.array([[10., 0., -1., 0.5]], np.float32).tofile(
        str(root / 'training' / 'velodyne' / '000000.bin'))
    (root / 'training' / 'label_2' / '000000.txt').write_text(label + '\n')
    eye = {9: '1 0 0 0 1 0 0 0 1', 12: '1 0 0 0 0 1 0 0 0 0 1 0'}
    (root / 'training' / 'calib' / '000000.txt').write_text(''.join(
        f'{k}: {eye[_CALIB[k]]}\n' for k in calib_keys))
    return str(root)


@pytest.mark.parametrize('case', ['label', 'calib', 'layout', 'nan-occluded',
                                  'nan-location', 'inf-calib'])
def test_kitti_infos_bad_input_is_one_line(tmp_path, case):
    """A label line with missing fields, a calib without P2 and a folder
    with neither ImageSets/ nor velodyne/ give one line, not a traceback.
    A NaN label value gave 'cannot convert float NaN to integer' (occluded)
    or was written into the infos and GT database (location)."""
    root = tmp_path / 'kitti'
    fields = _LABEL.split()
    if case == 'label':
        _tiny_kitti(root, label=' '.join(fields[:12]))
        needles = ('000000.txt, line 1: expected 15 fields', 'got 12')
    elif case.startswith('nan-'):
        fields[2 if case == 'nan-occluded' else 11] = 'nan'
        _tiny_kitti(root, label=' '.join(fields))
        needles = ('000000.txt, line 1: NaN or Inf value', 'finite')
    elif case == 'inf-calib':
        _tiny_kitti(root)
        calib = root / 'training' / 'calib' / '000000.txt'
        calib.write_text(calib.read_text().replace('P2: 1', 'P2: inf'))
        needles = ('000000.txt, line 3: NaN or Inf value in P2',)
    elif case == 'calib':
        _tiny_kitti(root, calib_keys=[k for k in _CALIB if k != 'P2'])
        needles = ('calib', "000000.txt has no 'P2' entry")
    else:
        root.mkdir()
        needles = ('missing folder', 'velodyne', 'expected the KITTI layout')
    proc = _run([KITTI_INFOS, str(root)], tmp_path)
    _assert_one_line_error(proc, *needles)


def test_pcd_demo_empty_or_nan_scan_is_one_line(tmp_path):
    import numpy as np
    empty = tmp_path / 'empty.bin'
    empty.write_bytes(b'')
    demo = osp.join(ROOT, 'demo', 'pcd_demo.py')
    proc = _run([demo, str(empty), 'nope.py', 'nope.pth'], tmp_path)
    _assert_one_line_error(proc, 'empty.bin has no points')
    nan = tmp_path / 'nan.bin'
    np.array([[1., 2., np.nan, 0.]], np.float32).tofile(str(nan))
    proc = _run([demo, str(nan), 'nope.py', 'nope.pth'], tmp_path)
    _assert_one_line_error(proc, 'nan.bin: 1 of 1 points have NaN or Inf')


def test_demos_apply_cfg_options_before_building(tmp_path):
    """--cfg-options of the three demos changes the config before the
    model is built (and goes through the config checks)."""
    import numpy as np
    import torch
    torch.save({'state_dict': _digits_state_dict()}, tmp_path / 'fit.pth')
    cv2 = pytest.importorskip('cv2')
    cv2.imwrite(str(tmp_path / 'x.png'), np.zeros((8, 8), np.uint8))
    demo = osp.join(ROOT, 'demo', 'image_demo.py')
    proc = _run([demo, 'x.png', DIGITS_CFG, 'fit.pth', '--cfg-options',
                 'model.head.num_classes=7'], tmp_path)
    _assert_one_line_error(proc, 'fit.pth does not fit the model',
                           'shape mismatches')

    import nibabel as nib
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), np.eye(4)),
             str(tmp_path / 'v.nii.gz'))
    umct = osp.join(ROOT, 'configs', 'umct',
                    'umct_asym-unet3d_750i_phantom-2l.py')
    demo = osp.join(ROOT, 'demo', 'volume_demo.py')
    proc = _run([demo, 'v.nii.gz', umct, 'nope.pth', '--out-dir', 'o',
                 '--cfg-options', 'infer_spacng=2'], tmp_path)
    _assert_one_line_error(proc, "unknown config key 'infer_spacng'",
                           "did you mean 'infer_spacing'")

    pytest.importorskip('mmdet3d')
    np.zeros((1, 4), np.float32).tofile(str(tmp_path / 's.bin'))
    cfg = osp.join(ROOT, 'configs', 'upcycling',
                   'upcycling_pointpillars_secfpn_600i_synthetic-kitti-'
                   '3class-l5.py')
    demo = osp.join(ROOT, 'demo', 'pcd_demo.py')
    proc = _run([demo, 's.bin', cfg, 'nope.pth', '--cfg-options',
                 'trian_cfg.max_iters=1'], tmp_path)
    _assert_one_line_error(proc, "unknown config key 'trian_cfg'")


def test_phantom_generator_checks_the_number_of_cases(tmp_path):
    tool = osp.join(ROOT, 'tools', 'data', 'make_phantom_msd.py')
    proc = _run([tool, str(tmp_path / 'ph'), '--training', '3'], tmp_path)
    _assert_one_line_error(proc, '--training 3 is below 14',
                           'tests on cases 10-13', '--allow-fewer')
    proc = _run([tool, str(tmp_path / 'ph'), '--training', '0',
                 '--allow-fewer'], tmp_path)
    _assert_one_line_error(proc, '--training must be >= 1')
    assert not osp.exists(tmp_path / 'ph')


@pytest.mark.skipif(not osp.exists('/dev/full'), reason='needs /dev/full')
def test_full_disk_logging_gives_one_warning_not_tracebacks(tmp_path):
    """A log file that cannot be written (/dev/full: every write fails with
    ENOSPC) gives one warning line naming it, not a '--- Logging error ---'
    traceback per record, and the tool's own error stays one line."""
    script = tmp_path / 'tool.py'
    script.write_text(
        'import logging, sys\n'
        f'sys.path.insert(0, {ROOT!r})\n'
        'from mmssl.utils.errors import run_cli\n'
        'def main():\n'
        '    log = logging.getLogger("tool")\n'
        '    log.addHandler(logging.FileHandler("/dev/full"))\n'
        '    for i in range(3):\n'
        '        log.warning("line %d", i)\n'
        '    raise OSError(28, "could not write work/iter_1.pth")\n'
        'run_cli(main)\n')
    proc = subprocess.run([sys.executable, str(script)], capture_output=True,
                          text=True, cwd=str(tmp_path))
    assert proc.returncode == 1
    assert 'Logging error' not in proc.stderr
    assert 'Traceback' not in proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines()
                if ln.startswith('warning: could not write the log')]
    assert len(warnings) == 1 and '/dev/full' in warnings[0]
    assert 'error: OSError: [Errno 28] could not write work/iter_1.pth' \
        in proc.stderr


@pytest.mark.skipif(not osp.exists('/dev/full'), reason='needs /dev/full')
def test_full_disk_write_error_names_the_file(tmp_path):
    """A write that fails at flush/close (mmengine's config dump or
    scalars.json on a full disk) raises an OSError without a filename: the
    one-line error used to be '[Errno 28] No space left on device' alone."""
    script = tmp_path / 'tool.py'
    script.write_text(
        'import sys\n'
        f'sys.path.insert(0, {ROOT!r})\n'
        'from mmssl.utils.errors import run_cli\n'
        'def dump(file):\n'
        '    with open(file, "w") as f:\n'
        '        f.write("x = 1\\n")\n'
        'run_cli(lambda: dump("/dev/full"))\n')
    proc = subprocess.run([sys.executable, str(script)], capture_output=True,
                          text=True, cwd=str(tmp_path))
    _assert_one_line_error(proc, '[Errno 28] No space left on device',
                           '(while writing /dev/full)')
