# Copyright (c) mmssl contributors. All rights reserved.
"""Write MARS's synthetic biased-background benchmark in the PASCAL VOC
layout (JPEGImages/, SegmentationClass/, BiasedRegion/,
ImageSets/Segmentation/{train,val}.txt, cls_labels.json).

    python tools/data/make_biased_voc.py data/biased_voc [--mode biased]
    python tools/data/make_biased_voc.py data/biased_voc_control \
        --mode control

A train-like object stands on a rail-like stripe in most of its training
images ('biased'; never in 'control'), the stripe also lies alone in
other images' backgrounds, and a two-tone person-like object is the
unbiased class. The validation split is the same in both modes.
Synthetic, not photographs.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', nargs='?', default='data/biased_voc')
    parser.add_argument('--mode', choices=('biased', 'control'),
                        default='biased')
    parser.add_argument('--train', type=int, default=400)
    parser.add_argument('--val', type=int, default=100)
    parser.add_argument('--size', type=int, default=96)
    parser.add_argument('--p-cooccur', type=float, default=0.9)
    parser.add_argument('--p-alone', type=float, default=0.5)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.synthetic import make_biased_voc
    out = make_biased_voc(args.out_dir, num_train=args.train,
                          num_val=args.val, mode=args.mode, size=args.size,
                          p_cooccur=args.p_cooccur, p_alone=args.p_alone,
                          seed=args.seed)
    print(f'wrote {args.train} training and {args.val} validation images '
          f'({args.mode}) in the VOC layout to {out}')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
