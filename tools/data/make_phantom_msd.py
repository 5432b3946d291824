# Copyright (c) mmssl contributors. All rights reserved.
"""Write synthetic CT-like phantoms in the Medical Segmentation Decathlon
layout (dataset.json, imagesTr/, labelsTr/, imagesTs/), for the tests and
the CPU benchmark of the volumetric methods.

    python tools/data/make_phantom_msd.py data/phantom_msd \
        [--training 14] [--test 2] [--seed 0]

Each case is an organ-like blob (label 1) with a lesion (label 2) and an
unlabeled distractor in a body, in Hounsfield-like units with noise, with
its own spacing and orientation. Synthetic, not patient data.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', nargs='?', default='data/phantom_msd')
    parser.add_argument('--training', type=int, default=14)
    parser.add_argument('--test', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.synthetic import make_phantom_msd
    out = make_phantom_msd(args.out_dir, num_training=args.training,
                           num_test=args.test, seed=args.seed)
    print(f'wrote {args.training} labeled and {args.test} test phantoms in '
          f'the MSD layout to {out}')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
