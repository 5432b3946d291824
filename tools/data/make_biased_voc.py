# Copyright (c) mmssl contributors. All rights reserved.
"""Write MARS's synthetic biased-background benchmark in the PASCAL VOC
layout (JPEGImages/, SegmentationClass/, BiasedRegion/,
ImageSets/Segmentation/{train,val}.txt, cls_labels.json).

    python tools/data/make_biased_voc.py data/biased_voc [--mode biased]
    python tools/data/make_biased_voc.py data/biased_voc_control \
        --mode control

A train-like object stands on a rail-like stripe (3+ cells of a stride-8
feature map tall) in most of its training images; in 'biased' mode the
stripe also lies alone, as a band of a quarter to a third of the image,
in other images' backgrounds, in 'control' mode (the negative control)
never. A two-tone person-like object is the unbiased class.
BiasedRegionFar/ holds the stripe pixels more than 8 px from any train.
The validation split is the same in both modes. Synthetic, not
photographs.
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
    parser.add_argument('out_dir', nargs='?', default='data/biased_voc',
                        help='The folder the dataset is written to.')
    parser.add_argument('--mode', choices=('biased', 'control'),
                        default='biased',
                        help="'biased' also lays the rail-like stripe alone "
                        "in other training images' backgrounds; 'control' "
                        '(the negative control) never does.')
    parser.add_argument('--train', type=int, default=400,
                        help='The number of training images.')
    parser.add_argument('--val', type=int, default=100,
                        help='The number of validation images.')
    parser.add_argument('--size', type=int, default=96,
                        help='The side of the square images, in pixels.')
    parser.add_argument('--p-cooccur', type=float, default=0.9,
                        help='The share of the trains standing on the '
                        'stripe.')
    parser.add_argument('--p-alone', type=float, default=0.5,
                        help='The share of the other images whose '
                        "background holds the stripe alone ('biased' mode "
                        'and the validation split).')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the drawing.')
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
