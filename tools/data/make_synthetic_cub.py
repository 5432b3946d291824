# Copyright (c) mmssl contributors. All rights reserved.
"""Write the synthetic CUB-layout WSOL dataset (shapes on textured
backgrounds, tight boxes) used by the tests and the CPU benchmark.

    python tools/data/make_synthetic_cub.py data/synthetic_cub \
        [--classes 10] [--train-per-class 30] [--test-per-class 10] [--seed 0]

The files are those of CUB-200-2011 (images/, images.txt,
image_class_labels.txt, train_test_split.txt, bounding_boxes.txt,
classes.txt), so CUBDataset reads them as it reads the real dataset. The
images are synthetic, not birds.
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
    parser.add_argument('out_dir', nargs='?', default='data/synthetic_cub',
                        help='The folder the dataset is written to.')
    parser.add_argument('--classes', type=int, default=10,
                        help='The number of classes.')
    parser.add_argument('--train-per-class', type=int, default=30,
                        help='The number of training images per class.')
    parser.add_argument('--test-per-class', type=int, default=10,
                        help='The number of test images per class.')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the drawing.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.synthetic import make_synthetic_cub
    out = make_synthetic_cub(args.out_dir, num_classes=args.classes,
                             train_per_class=args.train_per_class,
                             test_per_class=args.test_per_class,
                             seed=args.seed)
    n = args.classes * (args.train_per_class + args.test_per_class)
    print(f'wrote {n} images of {args.classes} classes in the CUB-200-2011 '
          f'layout to {out}')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
