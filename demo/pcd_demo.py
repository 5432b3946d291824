# Copyright (c) mmssl contributors. All rights reserved.
"""Detect objects in one LiDAR scan with a trained 3D detector
(PointPillars stage 1 or UpCycling).

    python demo/pcd_demo.py SCENE.bin CONFIG CHECKPOINT \
        [--calib CALIB.txt] [--out BEV.png] [--score-thr 0.3] \
        [--cfg-options KEY=VALUE ...]

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
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('scene', help='A KITTI velodyne .bin file.')
    parser.add_argument('config', help='The config file.')
    parser.add_argument('checkpoint', help='The checkpoint file.')
    parser.add_argument('--calib', help="The scene's KITTI calib .txt. When "
                        'not given, ../calib/<scene>.txt if it exists.')
    parser.add_argument('--out', help="The bird's-eye view image to write. "
                        'When not given, <scene>_bev.png.')
    parser.add_argument('--score-thr', type=float, default=0.3,
                        help='Draw and print only the boxes scoring at '
                        'least this.')
    parser.add_argument('--device', default='cpu',
                        help='The device to run on (cpu, cuda, ...).')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='Override config settings, KEY=VALUE, before the model is '
        'built (as in tools/test.py).')
    return parser.parse_args(argv)


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
    from mmssl.visualization.bev import draw_bev
    register_all_modules()
    points = read_velodyne(args.scene)
    calib_path = args.calib or osp.join(
        osp.dirname(osp.dirname(osp.abspath(args.scene))), 'calib',
        osp.splitext(osp.basename(args.scene))[0] + '.txt')
    calib = read_calib(calib_path) if (
        args.calib or osp.isfile(calib_path)) else None
    cfg = load_config(args.config, args.cfg_options)
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
