# Copyright (c) mmssl contributors. All rights reserved.
"""Detect objects in one LiDAR scan with a trained 3D detector
(PointPillars stage 1 or UpCycling).

    python demo/pcd_demo.py SCENE.bin CONFIG CHECKPOINT \
        [--calib CALIB.txt] [--out BEV.png] [--score-thr 0.3]

SCENE.bin is a KITTI velodyne file (float32 x, y, z, intensity). Writes a
bird's-eye-view PNG of the points with the predicted boxes (default:
<scene>_bev.png beside the current directory) and prints the boxes in
KITTI label format (type, truncation, occlusion, alpha, 2D box, h w l,
bottom centre x y z in camera coordinates, rotation_y, score). The
camera calibration is the KITTI ``calib/<id>.txt`` beside ``velodyne/``
unless ``--calib`` names one; without either, only LiDAR boxes are
printed.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('scene', help='a KITTI velodyne .bin file')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--calib', help='KITTI calib .txt of the scene')
    parser.add_argument('--out', help='BEV image (default <scene>_bev.png)')
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def draw_bev(points, boxes, labels, scores, classes, pc_range, out: str):
    """Points (gray, by height) and boxes (one colour per class, a line
    from the centre to the front) seen from above, x to the right."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np
    keep = ((points[:, 0] >= pc_range[0]) & (points[:, 0] <= pc_range[3]) &
            (points[:, 1] >= pc_range[1]) & (points[:, 1] <= pc_range[4]))
    pts = points[keep]
    fig, ax = plt.subplots(figsize=(8, 8 * (pc_range[4] - pc_range[1]) /
                                    (pc_range[3] - pc_range[0])))
    ax.scatter(pts[:, 0], pts[:, 1], s=0.2, c=pts[:, 2], cmap='Greys_r',
               vmin=-2.5, vmax=1.0)
    colours = plt.get_cmap('tab10')
    for box, label, score in zip(boxes, labels, scores):
        x, y, _, length, width, _, yaw = box[:7]
        c, s = np.cos(yaw), np.sin(yaw)
        local = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1], [1, 1]]) * [
            length / 2, width / 2]
        corners = local @ np.array([[c, s], [-s, c]]) + [x, y]
        colour = colours(int(label) % 10)
        ax.plot(corners[:, 0], corners[:, 1], color=colour, lw=1.5)
        ax.plot([x, x + c * length / 2], [y, y + s * length / 2],
                color=colour, lw=1.5)
        ax.text(x, y, f'{classes[int(label)]} {score:.2f}', color=colour,
                fontsize=6)
    ax.set_xlim(pc_range[0], pc_range[3])
    ax.set_ylim(pc_range[1], pc_range[4])
    ax.set_aspect('equal')
    ax.set_facecolor('black')
    ax.set_xlabel('x (m, forward)')
    ax.set_ylabel('y (m, left)')
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    import numpy as np
    import torch
    from mmdet3d.structures import Det3DDataSample, LiDARInstance3DBoxes

    from mmssl.datasets.kitti import read_calib, read_velodyne
    from mmssl.datasets.synthetic.lidar import (
        format_kitti_label,
        lidar_box_to_kitti_label,
    )
    from mmssl.registry import MODELS
    from mmssl.utils import register_all_modules
    from mmssl.utils.checkpoint import load_weights
    from mmssl.utils.config import load_config
    register_all_modules()
    points = read_velodyne(args.scene)
    calib_path = args.calib or osp.join(
        osp.dirname(osp.dirname(osp.abspath(args.scene))), 'calib',
        osp.splitext(osp.basename(args.scene))[0] + '.txt')
    calib = read_calib(calib_path) if (
        args.calib or osp.isfile(calib_path)) else None
    cfg = load_config(args.config)
    model = MODELS.build(cfg.model).to(args.device).eval()
    # UpCycling checkpoints carry a teacher, stage-1 ones do not
    load_weights(model, args.checkpoint, optional=('teacher', ))
    sample = Det3DDataSample(metainfo=dict(
        box_type_3d=LiDARInstance3DBoxes, lidar_path=args.scene))
    data = model.data_preprocessor(
        dict(inputs=dict(points=[torch.from_numpy(points)]),
             data_samples=[sample]), False)
    with torch.no_grad():
        pred = model(**data, mode='predict')[0].pred_instances_3d
    keep = pred.scores_3d >= args.score_thr
    boxes = pred.bboxes_3d.tensor[keep].cpu().numpy()
    labels = pred.labels_3d[keep].cpu().numpy()
    scores = pred.scores_3d[keep].cpu().numpy()
    classes = cfg.get('class_names') or cfg.train_dataloader.get(
        'dataset', {}).get('metainfo', {}).get('classes')
    out = args.out or osp.splitext(osp.basename(args.scene))[0] + '_bev.png'
    pc_range = model.data_preprocessor.voxel_layer.point_cloud_range
    draw_bev(points, boxes, labels, scores, classes, pc_range, out)
    lines = []
    for box, label, score in zip(boxes, labels, scores):
        name = classes[int(label)]
        obj = None
        if calib is not None:
            lidar2cam = calib['R0_rect'] @ calib['Tr_velo_to_cam']
            obj = lidar_box_to_kitti_label(name, box.astype(np.float64),
                                           lidar2cam, calib['P2'][:3])
        if obj is not None:
            lines.append(f'{format_kitti_label(obj)} {score:.4f}')
        else:
            lines.append(f'{name} (LiDAR x y z l w h yaw) ' + ' '.join(
                f'{v:.2f}' for v in box[:7]) + f' {score:.4f}')
    print(f'{args.scene}: {len(lines)} objects with score >= '
          f'{args.score_thr}')
    for line in lines:
        print(line)
    print(f'bird\'s-eye view: {out}')
    return dict(lines=lines, out=out, boxes=boxes, labels=labels,
                scores=scores)


if __name__ == '__main__':
    run_cli(main)
