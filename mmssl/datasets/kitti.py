# Copyright (c) mmssl contributors. All rights reserved.
"""KITTI object data: readers with clear errors, mmdet3d 1.x ("v2") info
files, labeled/unlabeled frame splits and a GT database of the labeled
frames, for UpCycling-style semi-supervised 3D detection.

The infos are what mmdet3d's ``create_data.py kitti`` followed by
``update_infos_to_v2.py`` writes (``tools/dataset_converters`` in mmdet3d
1.4.0), so ``mmdet3d.datasets.KittiDataset``, ``ObjectSample`` and
``mmdet3d.evaluation.KittiMetric`` read them unchanged. Everything runs on
CPU (``box_np_ops.points_in_rbbox``, not the CUDA-only
``points_in_boxes_*``). ``cam_instances`` (monocular 3D) and ground
``plane`` entries are not written.
"""
import math
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmdet3d.datasets.transforms import LoadPointsFromFile
from mmdet3d.datasets.transforms.dbsampler import DataBaseSampler

from mmssl.registry import TRANSFORMS
from mmssl.utils.progress import track

KITTI_CLASSES = ('Pedestrian', 'Cyclist', 'Car', 'Van', 'Truck',
                 'Person_sitting', 'Tram', 'Misc')
# (height, width) of KITTI's image_2 frames; used when image_2/<id>.png is
# absent (the synthetic scenes write no images).
DEFAULT_IMAGE_SHAPE = (375, 1242)
CAMERAS = ('CAM0', 'CAM1', 'CAM2', 'CAM3')


def check_velodyne(path: str, num_features: int = 4) -> int:
    """Check that a KITTI ``.bin`` exists and holds whole points.

    Returns:
        int: The number of points.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'missing velodyne file: {path}')
    size = osp.getsize(path)
    step = 4 * num_features
    if size % step:
        names = '(float32 x, y, z, intensity)' if num_features == 4 else \
            f'(float32 x {num_features})'
        raise ValueError(f'truncated .bin: {path} has {size} bytes, not a '
                         f'multiple of {step} {names}')
    if size == 0:
        raise ValueError(f'empty .bin: {path} has no points (0 bytes)')
    return size // step


def check_points(points: np.ndarray, path: str) -> None:
    """Raise a ValueError naming ``path`` if ``points`` (one row per
    point) has NaN or Inf values."""
    bad = ~np.isfinite(points).all(axis=1)
    if bad.any():
        raise ValueError(
            f'{path}: {int(bad.sum())} of {len(points)} points have NaN or '
            f'Inf values (the first is point {int(np.argmax(bad))}: '
            f'{points[int(np.argmax(bad))].tolist()}); remove them from the '
            '.bin')


def read_velodyne(path: str, num_features: int = 4) -> np.ndarray:
    """Read a KITTI velodyne ``.bin`` as an ``(N, num_features)`` float32
    array, with a clear error if it is missing, empty, truncated or holds
    NaN/Inf values."""
    check_velodyne(path, num_features)
    points = np.fromfile(path, dtype=np.float32).reshape(-1, num_features)
    check_points(points, path)
    return points


def velodyne_frame_ids(root: str, subdir: str = 'training') -> List[str]:
    """Sorted stems of ``root/subdir/velodyne/*.bin``: the frame list of a
    KITTI folder without ``ImageSets/``."""
    folder = osp.join(root, subdir, 'velodyne')
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'missing folder: {folder}; expected the KITTI layout '
            f'{subdir}/velodyne/<id>.bin')
    ids = sorted(osp.splitext(n)[0] for n in os.listdir(folder)
                 if n.endswith('.bin'))
    if not ids:
        raise FileNotFoundError(f'no .bin files in {folder}')
    return ids


def read_label(path: str) -> List[Dict]:
    """Read a KITTI ``label_2`` file.

    Each line is ``type truncated occluded alpha x1 y1 x2 y2 h w l x y z
    rotation_y [score]``.

    Returns:
        list[dict]: One dict per line with ``type``, ``truncated``,
        ``occluded``, ``alpha``, ``bbox`` (4), ``dimensions`` (h, w, l as
        in the file), ``location`` (3, bottom centre in camera
        coordinates), ``rotation_y`` and, with 16 fields, ``score``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'missing label file: {path}')
    objects = []
    with open(path) as f:
        lines = f.readlines()
    for num, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) not in (15, 16):
            raise ValueError(
                f'{path}, line {num}: expected 15 fields (type truncated '
                'occluded alpha x1 y1 x2 y2 h w l x y z rotation_y) or 16 '
                f'with a score, got {len(fields)}: {line.strip()!r}')
        try:
            vals = [float(v) for v in fields[1:]]
        except ValueError:
            raise ValueError(f'{path}, line {num}: non-numeric value in '
                             f'{line.strip()!r}') from None
        if not all(math.isfinite(v) for v in vals):
            raise ValueError(f'{path}, line {num}: NaN or Inf value in '
                             f'{line.strip()!r}; labels must be finite')
        obj = dict(type=fields[0], truncated=vals[0], occluded=int(vals[1]),
                   alpha=vals[2], bbox=vals[3:7], dimensions=vals[7:10],
                   location=vals[10:13], rotation_y=vals[13])
        if len(vals) == 15:
            obj['score'] = vals[14]
        objects.append(obj)
    return objects


def read_calib(path: str) -> Dict[str, np.ndarray]:
    """Read a KITTI object calib file.

    Returns:
        dict: ``P0``-``P3``, ``R0_rect``, ``Tr_velo_to_cam`` and
        ``Tr_imu_to_velo`` (identity if absent), all as 4 x 4 float64
        arrays padded with ``[0, 0, 0, 1]`` as mmdet3d's converter does.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'missing calib: {path}; expected the KITTI layout '
            'training/calib/<id>.txt')
    entries = {}
    with open(path) as f:
        for num, line in enumerate(f, 1):
            if ':' not in line:
                continue
            key, vals = line.split(':', 1)
            try:
                entries[key.strip()] = np.array(
                    [float(v) for v in vals.split()], dtype=np.float64)
            except ValueError:
                raise ValueError(f'{path}, line {num}: non-numeric value '
                                 f'in {key.strip()}') from None
            if not np.isfinite(entries[key.strip()]).all():
                raise ValueError(f'{path}, line {num}: NaN or Inf value '
                                 f'in {key.strip()}')
    sizes = dict(P0=12, P1=12, P2=12, P3=12, R0_rect=9, Tr_velo_to_cam=12,
                 Tr_imu_to_velo=12)
    calib = {}
    for key, size in sizes.items():
        if key not in entries:
            if key == 'Tr_imu_to_velo':
                calib[key] = np.eye(4)
                continue
            raise ValueError(f'calib {path} has no {key!r} entry')
        if entries[key].size != size:
            raise ValueError(f'calib {path}: {key} has '
                             f'{entries[key].size} values, expected {size}')
        mat = np.eye(4)
        if size == 9:
            mat[:3, :3] = entries[key].reshape(3, 3)
        else:
            mat[:3] = entries[key].reshape(3, 4)
        calib[key] = mat
    return calib


def read_imageset(root: str, split: str) -> List[str]:
    """Frame ids listed in ``root/ImageSets/{split}.txt``."""
    path = osp.join(root, 'ImageSets', f'{split}.txt')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'missing split list: {path}; expected the KITTI layout '
            f'ImageSets/{split}.txt with one frame id per line')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def read_image_shape(path: str,
                     default: Tuple[int, int] = DEFAULT_IMAGE_SHAPE
                     ) -> Tuple[int, int]:
    """(height, width) of an image, or ``default`` if it does not exist."""
    if not osp.isfile(path):
        return tuple(default)
    from PIL import Image
    with Image.open(path) as img:
        width, height = img.size
    return height, width


def _difficulty(bbox: np.ndarray, occluded: np.ndarray,
                truncated: np.ndarray) -> np.ndarray:
    """KITTI difficulty (0 easy, 1 moderate, 2 hard, -1 none) as
    ``add_difficulty_to_annos`` of mmdet3d's converter."""
    min_height, max_occ, max_trunc = (40, 25, 25), (0, 1, 2), \
        (0.15, 0.3, 0.5)
    height = bbox[:, 3] - bbox[:, 1]
    ok = [(occluded <= max_occ[k]) & (height > min_height[k]) &
          (truncated <= max_trunc[k]) for k in range(3)]
    diff = np.full(len(bbox), -1, dtype=np.int32)
    diff[ok[2] & ~ok[1]] = 2
    diff[ok[1] & ~ok[0]] = 1
    diff[ok[0]] = 0
    return diff


def info_lidar_boxes(info: Dict,
                     instances: Optional[List[Dict]] = None) -> np.ndarray:
    """``(N, 7)`` float32 LiDAR boxes ``(x, y, z_bottom, l, w, h, yaw)`` of
    a v2 info's ``instances`` (or of the given subset of them)."""
    from mmdet3d.structures.ops import box_np_ops
    insts = info['instances'] if instances is None else instances
    if not insts:
        return np.zeros((0, 7), np.float32)
    return box_np_ops.box_camera_to_lidar(
        np.array([ins['bbox_3d'] for ins in insts], np.float64),
        np.array(info['images']['R0_rect']),
        np.array(info['lidar_points']['Tr_velo_to_cam'])).astype(np.float32)


def frame_id_to_sample_idx(frame_id: str) -> Union[int, str]:
    """KITTI's ``sample_idx`` of a frame id: ``'000014'`` -> 14."""
    return int(frame_id) if frame_id.isdigit() else frame_id


def kitti_frame_info(root: str,
                     frame_id: str,
                     with_labels: bool = True,
                     image_shape: Tuple[int, int] = DEFAULT_IMAGE_SHAPE,
                     remove_outside: bool = True,
                     subdir: str = 'training') -> Tuple[Dict, set]:
    """The v2 info of one frame (see :func:`kitti_infos`).

    Returns:
        tuple: The info dict and the set of label names outside
        :data:`KITTI_CLASSES` (such as ``'DontCare'``).
    """
    from mmdet3d.structures.ops import box_np_ops
    base = osp.join(root, subdir)
    calib = read_calib(osp.join(base, 'calib', f'{frame_id}.txt'))
    h, w = read_image_shape(osp.join(base, 'image_2', f'{frame_id}.png'),
                            image_shape)
    rect = calib['R0_rect'].astype(np.float32)
    trv2c = calib['Tr_velo_to_cam'].astype(np.float32)
    lidar2cam = rect @ trv2c
    images = {cam: dict(cam2img=calib[f'P{k}'].tolist(),
                        lidar2img=(calib[f'P{k}'] @ lidar2cam).tolist())
              for k, cam in enumerate(CAMERAS)}
    images['CAM2'].update(img_path=f'{frame_id}.png', height=int(h),
                          width=int(w), lidar2cam=lidar2cam.tolist())
    images['R0_rect'] = rect.tolist()
    info = dict(
        sample_idx=frame_id_to_sample_idx(frame_id),
        images=images,
        lidar_points=dict(
            num_pts_feats=4, lidar_path=f'{frame_id}.bin',
            Tr_velo_to_cam=trv2c.tolist(),
            Tr_imu_to_velo=calib['Tr_imu_to_velo'].astype(
                np.float32).tolist()),
        instances=[])
    if not with_labels:
        return info, set()

    objs = read_label(osp.join(base, 'label_2', f'{frame_id}.txt'))
    if not objs:
        return info, set()
    names = [o['type'] for o in objs]
    bbox = np.array([o['bbox'] for o in objs]).reshape(-1, 4)
    # hwl in the file -> lhw, mmdet3d's camera box order.
    dims = np.array([o['dimensions'] for o in objs]).reshape(-1, 3)[
        :, [2, 0, 1]]
    loc = np.array([o['location'] for o in objs]).reshape(-1, 3)
    rots = np.array([o['rotation_y'] for o in objs])
    occluded = np.array([o['occluded'] for o in objs])
    truncated = np.array([o['truncated'] for o in objs])
    difficulty = _difficulty(bbox, occluded, truncated)

    # Points per box on the cloud reduced to the image, as the converter.
    points = read_velodyne(osp.join(base, 'velodyne', f'{frame_id}.bin'))
    if remove_outside:
        points = box_np_ops.remove_outside_points(
            points, calib['R0_rect'], calib['Tr_velo_to_cam'], calib['P2'],
            (h, w))
    valid = np.array([n != 'DontCare' for n in names])
    num_pts = -np.ones(len(objs), dtype=np.int64)
    if valid.any():
        boxes_cam = np.concatenate(
            [loc, dims, rots[:, None]], 1)[valid]
        boxes_lidar = box_np_ops.box_camera_to_lidar(
            boxes_cam, calib['R0_rect'], calib['Tr_velo_to_cam'])
        num_pts[valid] = box_np_ops.points_in_rbbox(
            points[:, :3], boxes_lidar).sum(0)
    index = np.cumsum(valid) - 1
    index[~valid] = -1

    ignored = set()
    cam2img = calib['P2']
    for i, obj in enumerate(objs):
        if names[i] in KITTI_CLASSES:
            label = KITTI_CLASSES.index(names[i])
        else:
            label = -1
            ignored.add(names[i])
        # Projected 3D box centre (the camera box origin is its bottom).
        centre = loc[i] + dims[i] * np.array([0., -0.5, 0.])
        uvd = cam2img @ np.append(centre, 1.)
        depth = float(uvd[2])
        center_2d = [float(uvd[0] / depth), float(uvd[1] / depth)]
        info['instances'].append(dict(
            bbox=bbox[i].tolist(),
            bbox_label=label,
            bbox_3d=[*loc[i].tolist(), *dims[i].tolist(), float(rots[i])],
            bbox_label_3d=label,
            depth=depth,
            center_2d=center_2d,
            num_lidar_pts=int(num_pts[i]),
            difficulty=int(difficulty[i]),
            truncated=float(truncated[i]),
            occluded=int(occluded[i]),
            alpha=float(obj['alpha']),
            score=float(obj.get('score', 0.)),
            index=int(index[i]),
            group_id=i))
    return info, ignored


def kitti_infos(root: str,
                split: str = 'train',
                with_labels: bool = True,
                image_shape: Tuple[int, int] = DEFAULT_IMAGE_SHAPE,
                remove_outside: bool = True,
                subdir: str = 'training',
                frame_ids: Optional[Sequence[str]] = None) -> Dict:
    """mmdet3d 1.x ("v2", ``info_version`` 1.1) infos of a KITTI split.

    Mirrors mmdet3d's ``kitti_converter`` + ``update_kitti_infos``: per
    frame ``sample_idx`` (int), ``images`` (``CAM0``-``CAM3`` with
    ``cam2img`` and ``lidar2img``; ``CAM2`` also ``img_path``, ``height``,
    ``width``, ``lidar2cam = R0_rect @ Tr_velo_to_cam``; ``R0_rect``),
    ``lidar_points`` (``num_pts_feats``, ``lidar_path`` ``'<id>.bin'``,
    ``Tr_velo_to_cam``, ``Tr_imu_to_velo``) and ``instances`` (``bbox``,
    ``bbox_label``, ``bbox_3d`` = bottom centre in camera coordinates +
    (l, h, w) + ``rotation_y``, ``bbox_label_3d``, ``depth``,
    ``center_2d``, ``num_lidar_pts``, ``difficulty``, ``truncated``,
    ``occluded``, ``alpha``, ``score``, ``index``, ``group_id``). Labels
    outside the 8 KITTI classes (``DontCare``) are kept with label -1,
    ``num_lidar_pts`` -1 and ``index`` -1, and added to the categories as
    -1, as the converter does.

    Args:
        root (str): KITTI root (with ``ImageSets/`` and ``training/``).
        split (str): Name of the ``ImageSets/{split}.txt`` list.
        with_labels (bool): Read ``label_2``. Defaults to True.
        image_shape (tuple): (height, width) used when ``image_2/<id>.png``
            does not exist. Defaults to KITTI's 375 x 1242.
        remove_outside (bool): Count ``num_lidar_pts`` on the points that
            project into the image, as the converter's reduced cloud.
        subdir (str): ``'training'`` or ``'testing'``.
        frame_ids (Sequence[str], optional): Use these frames instead of
            the ImageSets list.

    Returns:
        dict: ``{'metainfo': {'categories', 'dataset': 'kitti',
        'info_version': '1.1'}, 'data_list': [...]}``.
    """
    if frame_ids is None:
        frame_ids = read_imageset(root, split)
    data_list, ignored = [], set()
    for frame_id in track(frame_ids, desc=f'KITTI {split} infos of '
                          f'{len(frame_ids)} frames'):
        info, ign = kitti_frame_info(root, frame_id, with_labels,
                                     image_shape, remove_outside, subdir)
        data_list.append(info)
        ignored |= ign
    categories = {k: i for i, k in enumerate(KITTI_CLASSES)}
    categories.update({k: -1 for k in sorted(ignored)})
    return dict(
        metainfo=dict(categories=categories, dataset='kitti',
                      info_version='1.1'),
        data_list=data_list)


def make_kitti_split(frame_ids: Sequence[str],
                     labeled_fraction: Optional[float] = None,
                     num_labeled: Optional[int] = None,
                     seed: int = 0) -> Dict:
    """Draw the labeled frames of a KITTI training list.

    Either ``num_labeled`` frames or ``max(1, round(labeled_fraction *
    len(frame_ids)))``, drawn with ``np.random.RandomState(seed)
    .permutation`` like :func:`~mmssl.datasets.make_volume_split`.

    Returns:
        dict: ``{"type": "kitti", "seed", "num_samples", "names" (frame
        ids), "labeled_fraction", "labeled": [...], "unlabeled": [...]}``
        (sorted positions in ``names``); save it with
        :func:`~mmssl.datasets.save_split`.
    """
    names = [str(n) for n in frame_ids]
    if (num_labeled is None) == (labeled_fraction is None):
        raise ValueError('give exactly one of labeled_fraction and '
                         'num_labeled')
    if labeled_fraction is not None:
        if not 0 < labeled_fraction <= 1:
            raise ValueError(f'labeled_fraction must be in (0, 1], got '
                             f'{labeled_fraction}')
        num_labeled = max(1, int(round(labeled_fraction * len(names))))
    if not 0 < num_labeled <= len(names):
        raise ValueError(f'num_labeled must be in 1..{len(names)}, got '
                         f'{num_labeled}')
    order = np.random.RandomState(seed).permutation(len(names))
    labeled = sorted(int(i) for i in order[:num_labeled])
    chosen = set(labeled)
    unlabeled = [i for i in range(len(names)) if i not in chosen]
    return dict(type='kitti', seed=int(seed), num_samples=len(names),
                names=names, labeled_fraction=labeled_fraction,
                labeled=labeled, unlabeled=unlabeled)


def subset_infos(infos: Dict, positions: Sequence[int],
                 drop_labels: bool = False) -> Dict:
    """The infos of the frames at ``positions`` of ``infos['data_list']``;
    with ``drop_labels`` their ``instances`` are emptied (unlabeled
    frames)."""
    data_list = []
    for i in positions:
        info = dict(infos['data_list'][i])
        if drop_labels:
            info['instances'] = []
        data_list.append(info)
    return dict(metainfo=dict(infos['metainfo']), data_list=data_list)


def make_gt_database(root: str,
                     infos: Dict,
                     out_dir: str,
                     db_info_path: Optional[str] = None,
                     classes: Optional[Sequence[str]] = None,
                     remove_outside: bool = True,
                     subdir: str = 'training') -> Dict[str, List[Dict]]:
    """Write an mmdet3d-style GT database of the frames in ``infos``.

    Mirrors ``create_groundtruth_database`` of mmdet3d: per object a
    ``<sample_idx>_<name>_<k>.bin`` of its points (float32 x, y, z,
    intensity, xyz relative to the box's bottom centre) and a db info with
    ``name``, ``path`` (relative to ``root``), ``image_idx``, ``gt_idx``,
    ``box3d_lidar`` (LiDAR box, bottom centre), ``num_points_in_gt``,
    ``difficulty``, ``group_id`` and ``score``. Give it only the labeled
    frames. Objects labelled -1 (``DontCare``) are skipped.

    Args:
        root (str): KITTI root; ``path`` entries are relative to it.
        infos (dict): Infos from :func:`kitti_infos` (e.g. the labeled
            subset).
        out_dir (str): Folder of the per-object ``.bin`` files.
        db_info_path (str, optional): Where to pickle the db infos.
        classes (Sequence[str], optional): Keep these names only; all
            labelled classes by default.
        remove_outside (bool): Use the points that project into the image,
            as the converter's ``velodyne_reduced``.
        subdir (str): Folder of the frames under ``root``.

    Returns:
        dict: ``{name: [db info, ...]}`` as in ``kitti_dbinfos_train.pkl``.
    """
    import mmengine
    from mmdet3d.structures.ops import box_np_ops
    os.makedirs(out_dir, exist_ok=True)
    label2cat = {v: k for k, v in infos['metainfo']['categories'].items()
                 if v >= 0}
    rel_dir = osp.relpath(out_dir, root)
    db_infos: Dict[str, List[Dict]] = {}
    group_counter = 0
    for info in track(infos['data_list'], desc=f'GT database of '
                      f"{len(infos['data_list'])} frames to {out_dir}"):
        insts = [ins for ins in info['instances'] if ins['bbox_label_3d'] >= 0]
        if not insts:
            continue
        lidar_path = osp.join(root, subdir, 'velodyne',
                              info['lidar_points']['lidar_path'])
        points = read_velodyne(lidar_path)
        if remove_outside:
            cam2 = info['images']['CAM2']
            points = box_np_ops.remove_outside_points(
                points, np.array(info['images']['R0_rect']),
                np.array(info['lidar_points']['Tr_velo_to_cam']),
                np.array(cam2['cam2img']), (cam2['height'], cam2['width']))
        boxes = info_lidar_boxes(info, insts)
        inside = box_np_ops.points_in_rbbox(points[:, :3], boxes)
        image_idx = info['sample_idx']
        for k, ins in enumerate(insts):
            name = label2cat[ins['bbox_label_3d']]
            filename = f'{image_idx}_{name}_{k}.bin'
            gt_points = points[inside[:, k]].copy()
            gt_points[:, :3] -= boxes[k, :3]
            gt_points.astype(np.float32).tofile(osp.join(out_dir, filename))
            if classes is not None and name not in classes:
                continue
            db_infos.setdefault(name, []).append(dict(
                name=name,
                path=osp.join(rel_dir, filename),
                image_idx=image_idx,
                gt_idx=k,
                box3d_lidar=boxes[k],
                num_points_in_gt=int(gt_points.shape[0]),
                difficulty=int(ins.get('difficulty', 0)),
                group_id=group_counter,
                score=float(ins.get('score', 0.))))
            group_counter += 1
    if db_info_path is not None:
        mmengine.dump(db_infos, db_info_path, file_format='pkl')
    return db_infos


@TRANSFORMS.register_module()
class LoadKittiPoints(LoadPointsFromFile):
    """mmdet3d's ``LoadPointsFromFile`` that checks the file, so a
    missing, empty or truncated ``.bin``, or one with NaN/Inf values, fails
    with an error naming it.

    Same arguments, with KITTI's defaults ``coord_type='LIDAR'``,
    ``load_dim=4``, ``use_dim=4``.
    """

    def __init__(self,
                 coord_type: str = 'LIDAR',
                 load_dim: int = 4,
                 use_dim: Union[int, List[int]] = 4,
                 **kwargs) -> None:
        super().__init__(coord_type, load_dim=load_dim, use_dim=use_dim,
                         **kwargs)

    def _load_points(self, pts_filename: str) -> np.ndarray:
        if self.backend_args is None or '://' not in str(pts_filename):
            check_velodyne(pts_filename, self.load_dim)
        points = super()._load_points(pts_filename)
        check_points(points.reshape(-1, self.load_dim), pts_filename)
        return points


@TRANSFORMS.register_module()
class GTDatabaseSampler(DataBaseSampler):
    """mmdet3d's ``DataBaseSampler`` (the GT database of ``ObjectSample``)
    that says which class is missing from which database file.

    mmdet3d's sampler fails with a bare ``KeyError: 'Pedestrian'`` when a
    class of ``sample_groups`` (or of ``prepare.filter_by_min_points``) has
    no entry in the database, and with ``need at least one array to stack``
    when its entry is empty after filtering; it cannot skip such a class.
    Here a class of ``filter_by_min_points`` absent from the database is
    left alone (there is nothing to filter), and a class of
    ``sample_groups`` with no object left raises a ValueError naming the
    class and ``info_path``. Same arguments as ``DataBaseSampler``.
    """

    def __init__(self, info_path: str, *args, **kwargs) -> None:
        self._num_before = None
        super().__init__(info_path, *args, **kwargs)
        for name, num in zip(self.sample_classes, self.sample_max_nums):
            if int(num) <= 0 or self.db_infos.get(name):
                continue
            before = (self._num_before or {}).get(name, 0)
            have = ', '.join(f'{k}: {len(v)}' for k, v in
                             sorted(self.db_infos.items())) or 'nothing'
            why = (f'all {before} were removed by the prepare filters '
                   f'{sorted(self.prepare)}' if before else
                   'the labeled frames have none')
            raise ValueError(
                f"GT database {info_path} has no '{name}' objects to sample "
                f'({why}; it has {have}); draw another labeled split '
                '(tools/data/kitti_infos.py --labeled-fraction/--seed) or '
                f"remove '{name}' from db_sampler.sample_groups")

    def filter_by_difficulty(self, db_infos: dict,
                             removed_difficulty: list) -> dict:
        if self._num_before is None:
            self._num_before = {k: len(v) for k, v in db_infos.items()}
        return DataBaseSampler.filter_by_difficulty(db_infos,
                                                    removed_difficulty)

    def filter_by_min_points(self, db_infos: dict,
                             min_gt_points_dict: dict) -> dict:
        if self._num_before is None:
            self._num_before = {k: len(v) for k, v in db_infos.items()}
        return DataBaseSampler.filter_by_min_points(
            db_infos, {k: v for k, v in min_gt_points_dict.items()
                       if k in db_infos})
