# Copyright (c) mmssl contributors. All rights reserved.
"""Write synthetic LiDAR scenes in the KITTI object layout
(training/{velodyne,label_2,calib}, ImageSets/{train,val}.txt, meta.json),
for the tests and the CPU benchmark of UpCycling.

    python tools/data/make_synthetic_kitti.py [data/synthetic_kitti] \
        [--num-train 800] [--num-val 200] [--seed 0]

A ray-cast 64-beam LiDAR over a flat ground with cars, pedestrians,
cyclists, vans (labelled) and walls, poles (unlabelled). Synthetic, not
KITTI recordings; no camera images are written.
"""
import argparse
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out_dir', nargs='?', default='data/synthetic_kitti',
                        help='The output folder (the default is the '
                        'data_root of configs/_base_/datasets/'
                        'synthetic_kitti-3class.py).')
    parser.add_argument('--num-train', type=int, default=800,
                        help='The number of training scenes.')
    parser.add_argument('--num-val', type=int, default=200,
                        help='The number of validation scenes.')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the scenes.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.synthetic.lidar import make_synthetic_kitti
    start = time.time()
    out = make_synthetic_kitti(args.out_dir, num_train=args.num_train,
                               num_val=args.num_val, seed=args.seed)
    print(f'wrote {args.num_train} train and {args.num_val} val synthetic '
          f'KITTI frames to {out} in {time.time() - start:.1f} s')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
