# Copyright (c) mmssl contributors. All rights reserved.
"""Synthetic LiDAR scenes written in the KITTI object layout.

A 64-beam LiDAR 1.73 m above a flat ground sees boxes (cars, pedestrians,
cyclists, vans, walls, poles); the points are ray-cast in numpy, so far and
occluded objects get few points. The labels, calibration and ImageSets
follow KITTI's formats, so the KITTI readers and mmdet3d's ``KittiDataset``
read them unchanged. Synthetic data, not KITTI recordings; no camera images
are written (the calibration is KITTI's typical one, image 375 x 1242).
"""
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from mmssl.utils.progress import track

# KITTI's typical calibration (drive 2011_09_26), R0_rect = identity and a
# plain axis swap as Tr_velo_to_cam.
KITTI_P = {
    'P0': [[721.5377, 0., 609.5593, 0.], [0., 721.5377, 172.854, 0.],
           [0., 0., 1., 0.]],
    'P1': [[721.5377, 0., 609.5593, -387.5744], [0., 721.5377, 172.854, 0.],
           [0., 0., 1., 0.]],
    'P2': [[721.5377, 0., 609.5593, 44.85728],
           [0., 721.5377, 172.854, 0.2163791], [0., 0., 1., 0.002745884]],
    'P3': [[721.5377, 0., 609.5593, -339.5242],
           [0., 721.5377, 172.854, 2.199936], [0., 0., 1., 0.002729905]],
}
TR_VELO_TO_CAM = [[0., -1., 0., 0.], [0., 0., -1., -0.08],
                  [1., 0., 0., -0.27]]
IMAGE_SHAPE = (375, 1242)  # (height, width) of KITTI's image_2
LIDAR_HEIGHT = 1.73  # the ground is z = -1.73 in LiDAR coordinates

# Sensor model.
NUM_BEAMS = 64
ELEVATION_RANGE = (-24.9, 2.0)  # degrees
AZIMUTH_RANGE = (-45.0, 45.0)  # degrees, covers the camera's field of view
AZIMUTH_STEP = 0.2  # degrees
MAX_RANGE = 70.0
RANGE_NOISE = 0.02
DROPOUT = 0.02
# Labelled boxes are this much looser (per side) than the surface the rays
# hit, as annotators' boxes are, so noisy points still fall inside them.
BOX_MARGIN = 0.05

INTENSITY = dict(ground=0.1, wall=0.2, pole=0.25, person=0.4)

SCENE_PARAMS = dict(
    cars=(3, 10), pedestrians=(0, 4), cyclists=(0, 3), vans=(0, 2),
    walls=(0, 2), poles=(0, 5), label_x_range=(3.0, 48.0), label_fov=40.0)


def _ray_directions() -> np.ndarray:
    """Unit directions (R, 3) of all beams x azimuth steps."""
    el = np.deg2rad(np.linspace(*ELEVATION_RANGE, NUM_BEAMS))
    num_az = int(round((AZIMUTH_RANGE[1] - AZIMUTH_RANGE[0]) /
                       AZIMUTH_STEP)) + 1
    az = np.deg2rad(np.linspace(*AZIMUTH_RANGE, num_az))
    el, az = np.meshgrid(el, az, indexing='ij')
    dirs = np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az),
                     np.sin(el)], -1)
    return dirs.reshape(-1, 3)


def _bev_corners(box: np.ndarray, pad: float = 0.) -> np.ndarray:
    """BEV corners (4, 2) of a LiDAR box [x, y, z, l, w, h, yaw]."""
    x, y, _, length, w, _, yaw = box
    hl, hw = length / 2 + pad, w / 2 + pad
    local = np.array([[hl, hw], [hl, -hw], [-hl, -hw], [-hl, hw]])
    c, s = np.cos(yaw), np.sin(yaw)
    return local @ np.array([[c, s], [-s, c]]) + np.array([x, y])


def _bev_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two convex BEV polygons overlap (separating axis test)."""
    for poly in (a, b):
        edges = np.roll(poly, -1, 0) - poly
        for nx, ny in np.stack([-edges[:, 1], edges[:, 0]], 1):
            pa = a @ (nx, ny)
            pb = b @ (nx, ny)
            if pa.max() < pb.min() or pb.max() < pa.min():
                return False
    return True


def _sample_scene(rng: np.random.RandomState) -> List[Dict]:
    """Objects of one scene: dicts with name (None if unlabelled), box
    [x, y, z_bottom, l, w, h, yaw] in LiDAR coordinates, material
    intensity."""
    p = SCENE_PARAMS
    objects, corners = [], []

    def place(name, size_fn, intensity, pos_fn, tries=30):
        for _ in range(tries):
            length, w, h = size_fn()
            x, y, yaw = pos_fn()
            box = np.array([x, y, -LIDAR_HEIGHT, length, w, h, yaw])
            cs = _bev_corners(box, pad=0.25)
            if any(_bev_overlap(cs, o) for o in corners):
                continue
            objects.append(dict(name=name, box=box, intensity=intensity))
            corners.append(cs)
            return

    def in_fov():
        x = rng.uniform(*p['label_x_range'])
        ang = np.deg2rad(rng.uniform(-p['label_fov'], p['label_fov']))
        return x, x * np.tan(ang), rng.uniform(-np.pi, np.pi)

    # Walls along the road edges, unlabelled.
    for _ in range(rng.randint(p['walls'][0], p['walls'][1] + 1)):
        side = rng.choice([-1., 1.])
        length = rng.uniform(20., 60.)
        place(None, lambda: (length, 0.3, rng.uniform(1.0, 3.0)),
              INTENSITY['wall'],
              lambda: (rng.uniform(length / 2, 60.),
                       side * rng.uniform(12., 20.), rng.normal(0., 0.03)))
    for _ in range(rng.randint(p['cars'][0], p['cars'][1] + 1)):
        place('Car', lambda: (rng.normal(3.9, 0.2), rng.normal(1.6, 0.08),
                              rng.normal(1.56, 0.08)),
              rng.uniform(0.3, 0.6), in_fov)
    for _ in range(rng.randint(p['vans'][0], p['vans'][1] + 1)):
        place('Van', lambda: (rng.uniform(5., 6.), rng.normal(1.9, 0.08),
                              rng.normal(2.2, 0.08)),
              rng.uniform(0.3, 0.6), in_fov)
    for _ in range(rng.randint(p['pedestrians'][0],
                               p['pedestrians'][1] + 1)):
        place('Pedestrian', lambda: (rng.normal(0.8, 0.05),
                                     rng.normal(0.6, 0.04),
                                     rng.normal(1.73, 0.06)),
              INTENSITY['person'], in_fov)
    for _ in range(rng.randint(p['cyclists'][0], p['cyclists'][1] + 1)):
        place('Cyclist', lambda: (rng.normal(1.76, 0.06),
                                  rng.normal(0.6, 0.04),
                                  rng.normal(1.73, 0.06)),
              INTENSITY['person'], in_fov)
    for _ in range(rng.randint(p['poles'][0], p['poles'][1] + 1)):
        place(None, lambda: (0.2, 0.2, rng.uniform(3., 5.)),
              INTENSITY['pole'],
              lambda: (rng.uniform(3., 60.), rng.uniform(-25., 25.), 0.))
    return objects


def _ray_box_hits(dirs: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Distances (B, R) from the origin along ``dirs`` to each box surface
    (inf where missed); boxes are [x, y, z_bottom, l, w, h, yaw]."""
    if len(boxes) == 0:
        return np.zeros((0, len(dirs)))
    c, s = np.cos(boxes[:, 6]), np.sin(boxes[:, 6])
    centre = boxes[:, :3].copy()
    centre[:, 2] += boxes[:, 5] / 2
    half = boxes[:, 3:6] / 2
    # Rotate the ray into each box's frame: local = R(-yaw) (p - centre).
    o = -centre
    o_local = np.stack([c * o[:, 0] + s * o[:, 1],
                        -s * o[:, 0] + c * o[:, 1], o[:, 2]], -1)  # (B, 3)
    d_local = np.stack([
        c[:, None] * dirs[None, :, 0] + s[:, None] * dirs[None, :, 1],
        -s[:, None] * dirs[None, :, 0] + c[:, None] * dirs[None, :, 1],
        np.broadcast_to(dirs[None, :, 2], (len(boxes), len(dirs)))
    ], -1)  # (B, R, 3)
    d_local = np.where(np.abs(d_local) < 1e-9, 1e-9, d_local)
    inv = 1. / d_local
    t1 = (-half[:, None] - o_local[:, None]) * inv
    t2 = (half[:, None] - o_local[:, None]) * inv
    tmin = np.minimum(t1, t2).max(-1)
    tmax = np.maximum(t1, t2).min(-1)
    hit = (tmax >= tmin) & (tmin > 0)
    return np.where(hit, tmin, np.inf)


def _box_corners_lidar(box: np.ndarray) -> np.ndarray:
    """The 8 corners (8, 3) of a LiDAR box [x, y, z_bottom, l, w, h, yaw]."""
    x, y, z, length, w, h, yaw = box
    xs = np.array([1, 1, -1, -1, 1, 1, -1, -1]) * length / 2
    ys = np.array([1, -1, -1, 1, 1, -1, -1, 1]) * w / 2
    zs = np.array([0, 0, 0, 0, 1, 1, 1, 1]) * h
    c, s = np.cos(yaw), np.sin(yaw)
    return np.stack([x + c * xs - s * ys, y + s * xs + c * ys, z + zs], -1)


def _wrap(angle: float) -> float:
    return float((angle + np.pi) % (2 * np.pi) - np.pi)


def lidar_box_to_kitti_label(name: str, box: np.ndarray,
                             lidar2cam: np.ndarray, P2: np.ndarray,
                             image_shape: Tuple[int, int] = IMAGE_SHAPE,
                             occluded: int = 0) -> Optional[Dict]:
    """KITTI label fields of a LiDAR box [x, y, z_bottom, l, w, h, yaw].

    ``location`` is the bottom centre in camera coordinates,
    ``rotation_y = -yaw - pi/2`` (mmdet3d's LiDAR -> camera rule),
    ``alpha = rotation_y - arctan2(x_cam, z_cam)`` (as mmdet3d's
    ``KittiMetric``), the 2D box is the projection of the 8 corners clipped
    to the image and ``truncated`` is the fraction of the unclipped 2D box
    outside the image. Returns None when the box is behind the camera.
    """
    x, y, z, length, w, h, yaw = box
    loc = lidar2cam @ np.array([x, y, z, 1.])
    corners = _box_corners_lidar(box)
    cam = np.concatenate([corners, np.ones((8, 1))], 1) @ lidar2cam.T
    if (cam[:, 2] < 0.1).any():
        return None
    uvw = cam @ P2.T
    uv = uvw[:, :2] / uvw[:, 2:3]
    x1, y1 = uv.min(0)
    x2, y2 = uv.max(0)
    hgt, wid = image_shape
    cx1, cy1 = np.clip([x1, y1], 0, [wid - 1, hgt - 1])
    cx2, cy2 = np.clip([x2, y2], 0, [wid - 1, hgt - 1])
    area = max(x2 - x1, 1e-6) * max(y2 - y1, 1e-6)
    inside = max(cx2 - cx1, 0) * max(cy2 - cy1, 0)
    if inside <= 0:
        return None
    ry = _wrap(-yaw - np.pi / 2)
    return dict(
        type=name,
        truncated=float(np.clip(1 - inside / area, 0, 1)),
        occluded=int(occluded),
        alpha=_wrap(ry - np.arctan2(loc[0], loc[2])),
        bbox=[float(v) for v in (cx1, cy1, cx2, cy2)],
        dimensions=[float(h), float(w), float(length)],
        location=loc[:3].tolist(),
        rotation_y=ry)


def format_kitti_label(obj: Dict) -> str:
    """One label line, with KITTI's 2 decimals."""
    vals = [obj['truncated'], obj['occluded'], obj['alpha'], *obj['bbox'],
            *obj['dimensions'], *obj['location'], obj['rotation_y']]
    txt = [f'{obj["type"]} {vals[0]:.2f} {int(vals[1])}']
    txt += [f'{v:.2f}' for v in vals[2:]]
    return ' '.join(txt)


def format_kitti_calib(P: Optional[Dict] = None,
                       tr_velo_to_cam=TR_VELO_TO_CAM) -> str:
    """A KITTI object calib file (P0-P3, R0_rect, Tr_velo_to_cam,
    Tr_imu_to_velo) in its ``%.12e`` format."""
    P = KITTI_P if P is None else P

    def row(key, mat):
        vals = np.asarray(mat, dtype=np.float64).reshape(-1)
        return key + ': ' + ' '.join(f'{v:.12e}' for v in vals)

    lines = [row(k, P[k]) for k in ('P0', 'P1', 'P2', 'P3')]
    lines.append(row('R0_rect', np.eye(3)))
    lines.append(row('Tr_velo_to_cam', tr_velo_to_cam))
    lines.append(row('Tr_imu_to_velo', np.eye(4)[:3]))
    return '\n'.join(lines) + '\n'


def make_lidar_scene(rng: np.random.RandomState,
                     dirs: Optional[np.ndarray] = None) -> Tuple[
                         np.ndarray, List[Dict]]:
    """Ray-cast one synthetic scene.

    Args:
        rng (np.random.RandomState): The frame's random state.
        dirs (np.ndarray, optional): Ray directions (R, 3); the sensor's
            by default.

    Returns:
        tuple: ``points`` (N, 4) float32 (x, y, z, intensity) in LiDAR
        coordinates and the KITTI label dicts of the labelled objects with
        at least one point. ``occluded`` is 0 / 1 / 2 when < 30 %, < 70 %
        or more of the rays that would hit the object (without the others)
        hit another object first.
    """
    dirs = _ray_directions() if dirs is None else dirs
    objects = _sample_scene(rng)
    boxes = np.array([o['box'] for o in objects]).reshape(-1, 7)
    # The surface the rays hit is BOX_MARGIN inside the labelled box.
    surf = boxes.copy()
    surf[:, 3:5] -= 2 * BOX_MARGIN
    surf[:, 5] -= BOX_MARGIN
    t_box = _ray_box_hits(dirs, surf)  # (B, R)
    with np.errstate(divide='ignore'):
        t_ground = np.where(dirs[:, 2] < -1e-6,
                            -LIDAR_HEIGHT / dirs[:, 2], np.inf)
    t_all = np.concatenate([t_ground[None], t_box], 0)  # (1 + B, R)
    which = t_all.argmin(0)
    t = t_all[which, np.arange(len(dirs))]
    t = np.where(np.isfinite(t), t, 2 * MAX_RANGE)
    keep = (t <= MAX_RANGE) & (rng.rand(len(dirs)) >= DROPOUT)
    t_noisy = t + rng.normal(0., RANGE_NOISE, len(dirs))
    xyz = dirs * t_noisy[:, None]
    mat = np.array([INTENSITY['ground']] +
                   [o['intensity'] for o in objects])
    intensity = np.clip(mat[which] + rng.normal(0., 0.03, len(dirs)), 0, 1)
    points = np.concatenate([xyz, intensity[:, None]], 1)[keep]

    lidar2cam = np.eye(4)
    lidar2cam[:3] = TR_VELO_TO_CAM
    P2 = np.eye(4)
    P2[:3] = KITTI_P['P2']
    labels = []
    for k, obj in enumerate(objects):
        if obj['name'] is None:
            continue
        num_pts = int(((which == k + 1) & keep).sum())
        if num_pts == 0:
            continue
        expected = np.isfinite(t_box[k]) & (t_box[k] <= MAX_RANGE)
        blocked = (expected & (which != k + 1)).sum() / max(
            expected.sum(), 1)
        occ = 0 if blocked < 0.3 else (1 if blocked < 0.7 else 2)
        label = lidar_box_to_kitti_label(obj['name'], obj['box'], lidar2cam,
                                         P2, occluded=occ)
        if label is not None:
            labels.append(label)
    return points.astype(np.float32), labels


def make_synthetic_kitti(out_dir: str,
                         num_train: int = 800,
                         num_val: int = 200,
                         seed: int = 0) -> str:
    """Write synthetic scenes in the KITTI object layout.

    ``out_dir/training/{velodyne,label_2,calib}/<%06d>.{bin,txt,txt}``,
    ``out_dir/ImageSets/{train,val}.txt`` (train ids first, then val ids,
    all under ``training/`` as in KITTI) and ``out_dir/meta.json`` with the
    generator's parameters. No ``image_2``. Frame ``i`` is drawn with
    ``np.random.RandomState(seed * 100003 + i)``.

    Returns:
        str: ``out_dir``.
    """
    for sub in ('velodyne', 'label_2', 'calib'):
        os.makedirs(osp.join(out_dir, 'training', sub), exist_ok=True)
    os.makedirs(osp.join(out_dir, 'ImageSets'), exist_ok=True)
    dirs = _ray_directions()
    calib = format_kitti_calib()
    ids = [f'{i:06d}' for i in range(num_train + num_val)]
    for i, idx in enumerate(track(ids, desc=f'synthetic KITTI: {len(ids)} '
                                  f'frames to {out_dir}')):
        rng = np.random.RandomState((seed * 100003 + i) % (2**32))
        points, labels = make_lidar_scene(rng, dirs)
        points.tofile(osp.join(out_dir, 'training', 'velodyne',
                               f'{idx}.bin'))
        with open(osp.join(out_dir, 'training', 'label_2', f'{idx}.txt'),
                  'w') as f:
            f.write(''.join(format_kitti_label(o) + '\n' for o in labels))
        with open(osp.join(out_dir, 'training', 'calib', f'{idx}.txt'),
                  'w') as f:
            f.write(calib)
    for name, part in (('train', ids[:num_train]),
                       ('val', ids[num_train:])):
        with open(osp.join(out_dir, 'ImageSets', f'{name}.txt'), 'w') as f:
            f.write(''.join(p + '\n' for p in part))
    meta = dict(
        synthetic=True, num_train=num_train, num_val=num_val, seed=seed,
        frame_seed='seed * 100003 + frame index',
        image_shape=list(IMAGE_SHAPE), lidar_height=LIDAR_HEIGHT,
        num_beams=NUM_BEAMS, elevation_range=list(ELEVATION_RANGE),
        azimuth_range=list(AZIMUTH_RANGE), azimuth_step=AZIMUTH_STEP,
        max_range=MAX_RANGE, range_noise=RANGE_NOISE, dropout=DROPOUT,
        box_margin=BOX_MARGIN, intensity=INTENSITY,
        scene={k: list(v) if isinstance(v, tuple) else v
               for k, v in SCENE_PARAMS.items()},
        calib=dict(KITTI_P, R0_rect=np.eye(3).tolist(),
                   Tr_velo_to_cam=TR_VELO_TO_CAM,
                   Tr_imu_to_velo=np.eye(4)[:3].tolist()))
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return out_dir
