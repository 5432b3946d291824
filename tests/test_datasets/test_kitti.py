# Copyright (c) mmssl contributors. All rights reserved.
"""The synthetic KITTI scenes, the KITTI readers and their clear errors,
the mmdet3d v2 infos (read by mmdet3d's KittiDataset), the frame split and
the GT database of the labeled frames (used by mmdet3d's ObjectSample)."""
import json
import os
import os.path as osp
import shutil

import mmengine
import numpy as np
import pytest

pytest.importorskip('mmdet3d')

from mmdet3d.structures import (
    Box3DMode,  # noqa: E402
    CameraInstance3DBoxes,  # noqa: E402
)
from mmdet3d.structures.ops import box_np_ops  # noqa: E402
from mmengine.registry import DefaultScope  # noqa: E402

from mmssl.datasets.kitti import (  # noqa: E402
    KITTI_CLASSES,
    GTDatabaseSampler,
    LoadKittiPoints,
    kitti_infos,
    make_gt_database,
    make_kitti_split,
    read_calib,
    read_label,
    read_velodyne,
    subset_infos,
)
from mmssl.datasets.semi import load_split  # noqa: E402
from mmssl.datasets.synthetic import make_synthetic_kitti  # noqa: E402
from mmssl.registry import TRANSFORMS  # noqa: E402
from tests.helpers.runner_utils import load_script  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
GROUND_Z = -1.73


def _load_tool(name):
    return load_script(f'tools/data/{name}.py')


@pytest.fixture(scope='module')
def kitti(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('kitti'))
    make_synthetic_kitti(root, num_train=6, num_val=3, seed=0)
    return root


@pytest.fixture(scope='module')
def tool_out(kitti):
    tool = _load_tool('kitti_infos')
    tool.main([kitti, '--labeled-fraction', '0.5', '--seed', '1'])
    return kitti


def _frame(root, idx):
    return osp.join(root, 'training', '{}', f'{idx}.{{}}')


def test_layout_and_formats(kitti):
    with open(osp.join(kitti, 'ImageSets', 'train.txt')) as f:
        train = f.read().split()
    with open(osp.join(kitti, 'ImageSets', 'val.txt')) as f:
        val = f.read().split()
    assert train == [f'{i:06d}' for i in range(6)]
    assert val == [f'{i:06d}' for i in range(6, 9)]
    assert not osp.exists(osp.join(kitti, 'training', 'image_2'))
    meta = json.load(open(osp.join(kitti, 'meta.json')))
    assert meta['synthetic'] and meta['num_beams'] == 64
    num_labels = 0
    for idx in train + val:
        bin_path = osp.join(kitti, 'training', 'velodyne', f'{idx}.bin')
        assert osp.getsize(bin_path) % 16 == 0
        points = read_velodyne(bin_path)
        assert points.dtype == np.float32 and points.shape[1] == 4
        assert len(points) > 10000
        assert (np.abs(np.arctan2(points[:, 1], points[:, 0])) <=
                np.deg2rad(45.1)).all()
        assert np.linalg.norm(points[:, :3], axis=1).max() < 70.2
        with open(osp.join(kitti, 'training', 'label_2', f'{idx}.txt')) as f:
            lines = f.read().splitlines()
        assert all(len(line.split()) == 15 for line in lines)
        num_labels += len(lines)
        calib = read_calib(osp.join(kitti, 'training', 'calib',
                                    f'{idx}.txt'))
        assert calib['P2'].shape == (4, 4)
        np.testing.assert_allclose(calib['P2'][0, 3], 44.85728)
        np.testing.assert_array_equal(calib['Tr_imu_to_velo'], np.eye(4))
    assert num_labels >= 3 * len(train + val)
    # Deterministic for a seed.
    again = osp.join(osp.dirname(kitti), 'again')
    make_synthetic_kitti(again, num_train=1, num_val=0, seed=0)
    for sub, ext in (('velodyne', 'bin'), ('label_2', 'txt')):
        with open(osp.join(kitti, 'training', sub, f'000000.{ext}'),
                  'rb') as a, open(osp.join(again, 'training', sub,
                                            f'000000.{ext}'), 'rb') as b:
            assert a.read() == b.read()
    shutil.rmtree(again)


def test_label_boxes_round_trip_to_lidar(kitti):
    for idx in ('000000', '000001', '000002'):
        base = osp.join(kitti, 'training')
        objs = read_label(osp.join(base, 'label_2', f'{idx}.txt'))
        calib = read_calib(osp.join(base, 'calib', f'{idx}.txt'))
        points = read_velodyne(osp.join(base, 'velodyne', f'{idx}.bin'))
        assert objs and {o['type'] for o in objs} <= set(KITTI_CLASSES)
        cam = np.array([[*o['location'], o['dimensions'][2],
                         o['dimensions'][0], o['dimensions'][1],
                         o['rotation_y']] for o in objs])
        lidar2cam = calib['R0_rect'] @ calib['Tr_velo_to_cam']
        boxes = CameraInstance3DBoxes(cam).convert_to(
            Box3DMode.LIDAR, np.linalg.inv(lidar2cam)).numpy()
        # Bottom on the ground, heights as labelled, every box has points.
        np.testing.assert_allclose(boxes[:, 2], GROUND_Z, atol=0.1)
        np.testing.assert_allclose(boxes[:, 5], cam[:, 4], atol=1e-5)
        inside = box_np_ops.points_in_rbbox(points[:, :3], boxes)
        assert (inside.sum(0) > 0).all()
        # Points inside boxes are object points, not ground.
        obj_pts = points[inside.any(1)]
        assert (obj_pts[:, 2] > GROUND_Z - 0.1).all()
        # alpha follows KITTI: rotation_y - arctan2(x_cam, z_cam).
        for o in objs:
            x, _, z = o['location']
            diff = o['alpha'] - (o['rotation_y'] - np.arctan2(x, z))
            assert abs((diff + np.pi) % (2 * np.pi) - np.pi) < 0.02


def test_kitti_infos_match_mmdet3d(kitti):
    from mmdet3d.datasets import KittiDataset
    from mmdet3d.datasets.transforms import (
        LoadAnnotations3D,
        Pack3DDetInputs,
    )
    from mmdet3d.structures import LiDARInstance3DBoxes
    infos = kitti_infos(kitti, 'train')
    assert infos['metainfo'] == dict(
        categories={k: i for i, k in enumerate(KITTI_CLASSES)},
        dataset='kitti', info_version='1.1')
    info = infos['data_list'][0]
    assert info['sample_idx'] == 0
    assert set(info['images']) == {'CAM0', 'CAM1', 'CAM2', 'CAM3',
                                   'R0_rect'}
    cam2 = info['images']['CAM2']
    assert (cam2['height'], cam2['width']) == (375, 1242)
    assert cam2['img_path'] == '000000.png'
    np.testing.assert_allclose(
        np.array(cam2['lidar2img']),
        np.array(cam2['cam2img']) @ np.array(cam2['lidar2cam']))
    assert info['lidar_points']['lidar_path'] == '000000.bin'
    assert info['lidar_points']['num_pts_feats'] == 4
    ins = info['instances'][0]
    assert set(ins) == {
        'bbox', 'bbox_label', 'bbox_3d', 'bbox_label_3d', 'depth',
        'center_2d', 'num_lidar_pts', 'difficulty', 'truncated', 'occluded',
        'alpha', 'score', 'index', 'group_id'
    }
    objs = read_label(osp.join(kitti, 'training', 'label_2', '000000.txt'))
    h, w, l = objs[0]['dimensions']  # noqa: E741
    assert ins['bbox_3d'][3:6] == [l, h, w]  # hwl -> lhw
    assert all(i['num_lidar_pts'] > 0 for i in info['instances'])
    path = osp.join(kitti, 'infos_train_test.pkl')
    mmengine.dump(infos, path)
    dataset = KittiDataset(
        data_root=kitti, ann_file=path,
        pipeline=[LoadKittiPoints(),
                  LoadAnnotations3D(with_bbox_3d=True, with_label_3d=True),
                  Pack3DDetInputs(
                      keys=['points', 'gt_bboxes_3d', 'gt_labels_3d'])],
        metainfo=dict(classes=['Pedestrian', 'Cyclist', 'Car']),
        data_prefix=dict(pts='training/velodyne'))
    assert len(dataset) == 6
    sample = dataset[0]
    gt = sample['data_samples'].gt_instances_3d
    boxes = gt.bboxes_3d
    assert isinstance(boxes, LiDARInstance3DBoxes) and len(boxes) > 0
    assert set(gt.labels_3d.tolist()) <= {0, 1, 2}
    np.testing.assert_allclose(boxes.tensor[:, 2].numpy(), GROUND_Z,
                               atol=0.1)
    points = sample['inputs']['points']
    assert points.shape[1] == 4
    counts = box_np_ops.points_in_rbbox(points[:, :3].numpy(),
                                        boxes.numpy()).sum(0)
    assert (counts > 0).all()


def test_truncated_bin_errors(kitti, tmp_path):
    src = osp.join(kitti, 'training', 'velodyne', '000000.bin')
    bad = str(tmp_path / '000000.bin')
    with open(src, 'rb') as f:
        data = f.read()
    with open(bad, 'wb') as f:
        f.write(data[:1234])
    with pytest.raises(ValueError, match='truncated .bin: .*000000.bin has '
                       '1234 bytes, not a multiple of 16'):
        read_velodyne(bad)
    with pytest.raises(FileNotFoundError, match='nothere.bin'):
        read_velodyne(str(tmp_path / 'nothere.bin'))
    transform = TRANSFORMS.build(dict(type='LoadKittiPoints'))
    assert isinstance(transform, LoadKittiPoints)
    assert len(transform(dict(lidar_points=dict(lidar_path=src)))[
        'points']) == osp.getsize(src) // 16
    with pytest.raises(ValueError, match=r'truncated .bin: .*000000\.bin'):
        transform(dict(lidar_points=dict(lidar_path=bad)))


def test_empty_and_non_finite_bin_errors(kitti, tmp_path):
    """An empty .bin, or one with NaN/Inf values, is refused with the file
    named (read_velodyne: infos, GT database, demo; LoadKittiPoints:
    training), instead of mmdet3d's ``index -1 is out of bounds`` or a
    silent NaN scene."""
    empty = tmp_path / 'empty.bin'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match=r'empty .bin: .*empty\.bin has no '
                       'points'):
        read_velodyne(str(empty))
    transform = LoadKittiPoints()
    with pytest.raises(ValueError, match=r'empty\.bin has no points'):
        transform(dict(lidar_points=dict(lidar_path=str(empty))))
    points = np.arange(20, dtype=np.float32).reshape(5, 4)
    for value in (np.nan, np.inf, -np.inf):
        points[3, 1] = value
        bad = tmp_path / 'bad.bin'
        points.tofile(str(bad))
        with pytest.raises(ValueError, match=r'bad\.bin: 1 of 5 points have '
                           r'NaN or Inf values \(the first is point 3'):
            read_velodyne(str(bad))
        with pytest.raises(ValueError, match=r'bad\.bin: 1 of 5 points'):
            transform(dict(lidar_points=dict(lidar_path=str(bad))))
    # the infos and the GT database read the scan through read_velodyne
    root = str(tmp_path / 'kitti')
    _copy_frames(kitti, root, ['000000'])
    points.tofile(osp.join(root, 'training', 'velodyne', '000000.bin'))
    with pytest.raises(ValueError, match=r'velodyne.000000\.bin: 1 of 5'):
        kitti_infos(root, frame_ids=['000000'])


def _copy_frames(src, root, frame_ids):
    """The velodyne/label_2/calib files of ``frame_ids``, no ImageSets/."""
    for sub, ext in (('velodyne', 'bin'), ('label_2', 'txt'),
                     ('calib', 'txt')):
        os.makedirs(osp.join(root, 'training', sub), exist_ok=True)
        for frame_id in frame_ids:
            shutil.copy(osp.join(src, 'training', sub, f'{frame_id}.{ext}'),
                        osp.join(root, 'training', sub, f'{frame_id}.{ext}'))


def test_tool_without_imagesets_uses_velodyne_frames(kitti, tmp_path,
                                                     capsys):
    root = str(tmp_path / 'kitti')
    _copy_frames(kitti, root, ['000002', '000000', '000001'])
    tool = _load_tool('kitti_infos')
    tool.main([root])
    out = capsys.readouterr().out
    assert f'note: no {osp.join(root, "ImageSets")}/; using the 3 frames' \
        in out
    assert 'KITTI train infos of 3 frames: 3/3 (100%)' in out  # progress
    infos = mmengine.load(osp.join(root, 'kitti_infos_train.pkl'))
    assert [d['sample_idx'] for d in infos['data_list']] == [0, 1, 2]
    assert not osp.exists(osp.join(root, 'kitti_infos_val.pkl'))
    empty = str(tmp_path / 'novelo')
    os.makedirs(osp.join(empty, 'training', 'velodyne'))
    with pytest.raises(FileNotFoundError, match=r'no \.bin files in '
                       r'.*novelo.training.velodyne'):
        tool.main([empty])


def _fake_db(path, counts, num_points=10):
    db = {name: [dict(name=name, path=f'db/{name}_{k}.bin', image_idx=k,
                      gt_idx=0, box3d_lidar=np.array(
                          [10. + 3 * k, 0., -1.7, 4., 1.6, 1.5, 0.],
                          np.float32),
                      num_points_in_gt=num_points, difficulty=0,
                      group_id=k, score=0.)
                 for k in range(num)]
          for name, num in counts.items()}
    mmengine.dump(db, str(path), file_format='pkl')
    return str(path)


def test_gt_database_sampler_names_a_missing_class(tmp_path):
    """mmdet3d's sampler fails with a bare ``KeyError: 'Pedestrian'`` when
    the labeled GT database lacks a class; GTDatabaseSampler names the
    class and the file."""
    from mmdet3d.datasets.transforms.dbsampler import DataBaseSampler
    from mmdet3d.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    classes = ['Pedestrian', 'Cyclist', 'Car']
    cfg = dict(data_root=str(tmp_path), rate=1.0, classes=classes,
               prepare=dict(filter_by_difficulty=[-1],
                            filter_by_min_points=dict(Car=5, Pedestrian=5)),
               sample_groups=dict(Car=15, Pedestrian=15),
               points_loader=dict(type='mmssl.LoadKittiPoints'))
    path = _fake_db(tmp_path / 'db_cars.pkl', dict(Car=3))
    with pytest.raises(KeyError, match='Pedestrian'):
        DataBaseSampler(info_path=path, **cfg)
    with pytest.raises(ValueError, match=r"GT database .*db_cars\.pkl has "
                       r"no 'Pedestrian' objects to sample \(the labeled "
                       r"frames have none; it has Car: 3\).*remove "
                       r"'Pedestrian' from db_sampler.sample_groups"):
        GTDatabaseSampler(info_path=path, **cfg)
    # every Pedestrian removed by the min-points filter
    path = _fake_db(tmp_path / 'db_few.pkl', dict(Car=3, Pedestrian=2),
                    num_points=3)
    with pytest.raises(ValueError, match=r"db_few\.pkl has no 'Car' objects "
                       r'to sample \(all 3 were removed by the prepare '
                       'filters'):
        GTDatabaseSampler(info_path=path, **cfg)
    # a class only in the filter (not sampled) is not an error
    path = _fake_db(tmp_path / 'db_cars.pkl', dict(Car=3))
    sampler = TRANSFORMS.build(dict(cfg, type='GTDatabaseSampler',
                                    info_path=path,
                                    sample_groups=dict(Car=2)))
    assert sampler.sample_classes == ['Car']
    assert len(sampler.db_infos['Car']) == 3


def test_label_and_calib_errors(kitti, tmp_path):
    label = tmp_path / '000007.txt'
    label.write_text('Car 0.00 0 1.00 1 2 3 4 1.5 1.6 3.9 0 1.65 10 0.5\n'
                     'Car 0.00 0 1.00 1 2 3 4 1.5 1.6 3.9 0 1.65 10\n')
    with pytest.raises(ValueError, match=r'000007\.txt, line 2: expected '
                       r'15 fields.*got 14'):
        read_label(str(label))
    label.write_text('Car 0.00 0 x 1 2 3 4 1.5 1.6 3.9 0 1.65 10 0.5\n')
    with pytest.raises(ValueError, match=r'000007\.txt, line 1: non-num'):
        read_label(str(label))
    label.write_text('Car 0.00 0 1.00 1 2 3 4 1.5 1.6 3.9 0 1.65 10 0.5 '
                     '0.9\n')
    assert read_label(str(label))[0]['score'] == pytest.approx(0.9)
    with pytest.raises(FileNotFoundError,
                       match=r'missing calib: .*000099\.txt; expected the '
                       'KITTI layout training/calib/<id>.txt'):
        read_calib(osp.join(kitti, 'training', 'calib', '000099.txt'))
    calib = tmp_path / 'calib.txt'
    lines = open(osp.join(kitti, 'training', 'calib',
                          '000000.txt')).read().splitlines()
    calib.write_text('\n'.join(lines[:4] + lines[5:]) + '\n')
    with pytest.raises(ValueError, match=r"calib.txt has no 'R0_rect'"):
        read_calib(str(calib))
    with pytest.raises(FileNotFoundError,
                       match=r'missing split list: .*ImageSets.test\.txt'):
        kitti_infos(kitti, 'test')


def test_split_is_deterministic_and_disjoint(kitti):
    ids = [f'{i:06d}' for i in range(40)]
    a = make_kitti_split(ids, labeled_fraction=0.1, seed=3)
    assert a == make_kitti_split(ids, labeled_fraction=0.1, seed=3)
    assert a != make_kitti_split(ids, labeled_fraction=0.1, seed=4)
    assert a['type'] == 'kitti' and a['names'] == ids
    assert len(a['labeled']) == 4
    assert not set(a['labeled']) & set(a['unlabeled'])
    assert sorted(a['labeled'] + a['unlabeled']) == list(range(40))
    assert make_kitti_split(ids, num_labeled=1)['labeled'] != []
    with pytest.raises(ValueError, match='exactly one'):
        make_kitti_split(ids)


def test_tool_writes_split_infos(tool_out):
    root = tool_out
    tag = 'l0.5_s1'
    split = load_split(osp.join(root, 'splits', f'split_{tag}.json'))
    assert len(split['labeled']) == 3 and len(split['unlabeled']) == 3
    train = mmengine.load(osp.join(root, 'kitti_infos_train.pkl'))
    val = mmengine.load(osp.join(root, 'kitti_infos_val.pkl'))
    assert [d['sample_idx'] for d in val['data_list']] == [6, 7, 8]
    lab = mmengine.load(osp.join(root, f'kitti_infos_train_labeled_{tag}.pkl'))
    unl = mmengine.load(
        osp.join(root, f'kitti_infos_train_unlabeled_{tag}.pkl'))
    ids = [d['sample_idx'] for d in train['data_list']]
    assert [d['sample_idx'] for d in lab['data_list']] == \
        [ids[i] for i in split['labeled']]
    assert [d['sample_idx'] for d in unl['data_list']] == \
        [ids[i] for i in split['unlabeled']]
    assert all(d['instances'] for d in lab['data_list'])
    assert all(d['instances'] == [] for d in unl['data_list'])
    assert all(d['instances'] for d in train['data_list'])
    # The GT database holds labeled frames only.
    db = mmengine.load(
        osp.join(root, f'kitti_dbinfos_train_labeled_{tag}.pkl'))
    labeled_ids = {d['sample_idx'] for d in lab['data_list']}
    entries = [e for v in db.values() for e in v]
    assert entries and {e['image_idx'] for e in entries} <= labeled_ids
    assert len(entries) == sum(len(d['instances']) for d in lab['data_list'])
    e = entries[0]
    assert set(e) == {'name', 'path', 'image_idx', 'gt_idx', 'box3d_lidar',
                      'num_points_in_gt', 'difficulty', 'group_id', 'score'}
    assert e['path'].startswith(f'gt_database_{tag}{os.sep}')
    pts = np.fromfile(osp.join(root, e['path']), np.float32).reshape(-1, 4)
    assert len(pts) == e['num_points_in_gt'] > 0
    # Relative to the bottom centre: inside the box extent around 0.
    assert (np.abs(pts[:, :2]).max(0) <= e['box3d_lidar'][3:5].max()).all()
    assert pts[:, 2].min() >= -0.1


def test_object_sample_uses_gt_database(tool_out):
    from mmdet3d.datasets.transforms import LoadAnnotations3D, ObjectSample
    from mmdet3d.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    root = tool_out
    tag = 'l0.5_s1'
    lab = mmengine.load(osp.join(root, f'kitti_infos_train_labeled_{tag}.pkl'))
    classes = ['Pedestrian', 'Cyclist', 'Car']
    db_sampler = dict(
        data_root=root,
        info_path=osp.join(root, f'kitti_dbinfos_train_labeled_{tag}.pkl'),
        rate=1.0,
        prepare=dict(filter_by_difficulty=[-1],
                     filter_by_min_points=dict(Car=5)),
        classes=classes,
        sample_groups=dict(Car=20),
        points_loader=dict(type='LoadPointsFromFile', coord_type='LIDAR',
                           load_dim=4, use_dim=4))
    info = dict(lab['data_list'][0])
    lidar2cam = np.array(info['images']['CAM2']['lidar2cam'])
    insts = [i for i in info['instances'] if i['bbox_label_3d'] in (0, 1, 2)]
    boxes = CameraInstance3DBoxes(
        np.array([i['bbox_3d'] for i in insts])).convert_to(
            Box3DMode.LIDAR, np.linalg.inv(lidar2cam))
    results = dict(
        lidar_points=dict(lidar_path=osp.join(
            root, 'training', 'velodyne', info['lidar_points']['lidar_path'])),
        ann_info=dict(gt_bboxes_3d=boxes,
                      gt_labels_3d=np.array(
                          [i['bbox_label_3d'] for i in insts])),
        box_type_3d=type(boxes))
    results = LoadKittiPoints()(results)
    results = LoadAnnotations3D(with_bbox_3d=True,
                                with_label_3d=True)(results)
    num_boxes, num_points = len(results['gt_bboxes_3d']), len(
        results['points'])
    with DefaultScope.overwrite_default_scope('mmdet3d'):
        sample = ObjectSample(db_sampler=db_sampler)
        out = sample(results)
    assert len(out['gt_bboxes_3d']) > num_boxes
    assert len(out['points']) > num_points - 1000
    assert len(out['gt_labels_3d']) == len(out['gt_bboxes_3d'])


def test_subset_infos_drops_labels_only_on_copy(kitti):
    infos = kitti_infos(kitti, 'val')
    sub = subset_infos(infos, [0, 2], drop_labels=True)
    assert [d['sample_idx'] for d in sub['data_list']] == [6, 8]
    assert all(d['instances'] == [] for d in sub['data_list'])
    assert infos['data_list'][0]['instances']
    db = make_gt_database(kitti, subset_infos(infos, [1]),
                          osp.join(kitti, 'db_val'), classes=['Car'])
    assert set(db) <= {'Car'}
    assert all(e['image_idx'] == 7 for e in db.get('Car', []))


def test_dontcare_kept_with_label_minus_one(kitti, tmp_path):
    root = str(tmp_path / 'kitti')
    for sub, ext in (('velodyne', 'bin'), ('label_2', 'txt'),
                     ('calib', 'txt')):
        os.makedirs(osp.join(root, 'training', sub))
        shutil.copy(osp.join(kitti, 'training', sub, f'000000.{ext}'),
                    osp.join(root, 'training', sub, f'000000.{ext}'))
    label = osp.join(root, 'training', 'label_2', '000000.txt')
    lines = open(label).read().splitlines()
    lines.insert(1, 'DontCare -1 -1 -10 500.0 170.0 520.0 190.0 -1 -1 -1 '
                 '-1000 -1000 -1000 -10')
    open(label, 'w').write('\n'.join(lines) + '\n')
    infos = kitti_infos(root, frame_ids=['000000'])
    assert infos['metainfo']['categories']['DontCare'] == -1
    insts = infos['data_list'][0]['instances']
    assert len(insts) == len(lines)
    dc = insts[1]
    assert dc['bbox_label'] == dc['bbox_label_3d'] == -1
    assert dc['num_lidar_pts'] == -1 and dc['index'] == -1
    assert [i['index'] for i in insts if i is not dc] == \
        list(range(len(lines) - 1))
    assert all(i['num_lidar_pts'] > 0 for i in insts if i is not dc)


def test_synthetic_kitti_tool_writes_where_the_configs_read():
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs', 'upcycling',
        'pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1.py'))
    out_dir = _load_tool('make_synthetic_kitti').parse_args([]).out_dir
    assert osp.normpath(out_dir) == osp.normpath(cfg.data_root)
