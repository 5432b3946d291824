# Copyright (c) mmssl contributors. All rights reserved.
"""Write TSDDNet's synthetic breast-ultrasound benchmark as COCO json
(images/{train,val,test}/, annotations/{train,val,test}.json with the
diagnosis in each image entry, plus train_exact.json and train_roi.json
for analysis).

    python tools/data/make_synthetic_bus.py data/synthetic_bus

Benign lesions are smooth wider-than-tall ovals with posterior
enhancement, malignant ones spiculated, taller-than-wide, with posterior
shadowing; the training boxes are coarse (a noisy and a systematically
tight simulated annotator). Synthetic, not ultrasound scans.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out_dir', nargs='?', default='data/synthetic_bus',
                        help='The folder the dataset is written to.')
    parser.add_argument('--train', type=int, default=600,
                        help='The number of training images.')
    parser.add_argument('--val', type=int, default=150,
                        help='The number of validation images.')
    parser.add_argument('--test', type=int, default=300,
                        help='The number of test images.')
    parser.add_argument('--size', type=int, default=128,
                        help='The side of the square images, in pixels.')
    parser.add_argument('--p-malignant', type=float, default=0.4,
                        help='The share of malignant lesions.')
    parser.add_argument('--p-tight', type=float, default=0.5,
                        help='The share of training boxes drawn by the '
                        'systematically tight annotator.')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the drawing.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.synthetic import make_ultrasound_dataset
    counts = make_ultrasound_dataset(
        args.out_dir, num_train=args.train, num_val=args.val,
        num_test=args.test, size=args.size, p_malignant=args.p_malignant,
        p_tight=args.p_tight, seed=args.seed)
    print(f'wrote {counts} synthetic ultrasound images (COCO json) to '
          f'{args.out_dir}')
    return args.out_dir


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
