# Copyright (c) mmssl contributors. All rights reserved.
"""Write synthetic CT-like phantoms in the Medical Segmentation Decathlon
layout (dataset.json, imagesTr/, labelsTr/, imagesTs/), for the tests and
the CPU benchmark of the volumetric methods.

    python tools/data/make_phantom_msd.py data/phantom_msd \
        [--training 14] [--test 2] [--seed 0]
    python tools/data/make_phantom_msd.py data/phantom_msd_v2 --version 2

configs/_base_/datasets/phantom_msd.py trains on training cases 0-9 and
tests on 10-13, so fewer than 14 training cases is refused unless
--allow-fewer is given (for other configs). Version 2 (UMCT's
co-training benchmark, configs/_base_/datasets/phantom_msd_v2.py) trains
on cases 0-17 and tests on 18-23: 24 training cases by default and at
least that many without --allow-fewer.

Each case is an organ-like blob (label 1) with a lesion (label 2) and an
unlabeled distractor in a body, in Hounsfield-like units with noise, with
its own spacing and orientation. Version 2: the organ alone (label 1),
every case at 1 x 1 x 2.5 mm (thick slices) with its own tissue density,
organ and distractor contrast (brighter or darker than the tissue) and
noise; revision 3 (the default) draws the organ's and the distractor's
appearance per case from four kinds (--revision 2: the earlier design).
Synthetic, not patient data.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

# cases 0-9 train and 10-13 test in configs/_base_/datasets/phantom_msd.py;
# version 2: cases 0-17 train and 18-23 test (phantom_msd_v2.py)
MIN_TRAINING = {1: 14, 2: 24}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out_dir', nargs='?', default='data/phantom_msd',
                        help='The folder the dataset is written to.')
    parser.add_argument('--training', type=int, default=None,
                        help='The number of labelled training cases. When '
                        'not given, 14 (version 1) or 24 (version 2).')
    parser.add_argument('--test', type=int, default=2,
                        help='The number of unlabelled test cases.')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the phantoms.')
    parser.add_argument('--version', type=int, choices=[1, 2], default=1,
                        help='The phantom design: 1 is organ + lesion with '
                        'spacing per case (the original phantoms), 2 is organ '
                        'only at 1 x 1 x 2.5 mm with per-case contrast '
                        "(UMCT's co-training benchmark).")
    parser.add_argument('--revision', type=int, choices=[2, 3], default=3,
                        help='Version 2 only: the design revision (3: '
                        'appearances drawn per object; 2: the earlier '
                        'texture-cue phantoms, to reproduce older '
                        'results).')
    parser.add_argument('--allow-fewer', action='store_true',
                        help='Allow fewer training cases than the phantom '
                        'configs need (14, or 24 for version 2).')
    parser.add_argument('--debug', action='store_true',
                        help='Show full tracebacks on errors.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    minimum = MIN_TRAINING[args.version]
    if args.training is None:
        args.training = minimum
    if args.training < 1 or args.test < 0:
        raise ValueError(f'--training must be >= 1 and --test >= 0, got '
                         f'--training {args.training} --test {args.test}')
    if args.training < minimum and not args.allow_fewer:
        where = ('configs/_base_/datasets/phantom_msd.py trains on cases '
                 '0-9 and tests on cases 10-13' if args.version == 1 else
                 'configs/_base_/datasets/phantom_msd_v2.py trains on cases '
                 '0-17 and tests on cases 18-23')
        raise ValueError(
            f'--training {args.training} is below {minimum}: {where}; give '
            f'--training {minimum} or more, or --allow-fewer for a config '
            'that reads fewer cases')
    from mmssl.datasets.synthetic import make_phantom_msd
    out = make_phantom_msd(args.out_dir, num_training=args.training,
                           num_test=args.test, seed=args.seed,
                           version=args.version, revision=args.revision)
    rev = f', revision {args.revision}' if args.version == 2 else ''
    print(f'wrote {args.training} labeled and {args.test} test phantoms '
          f'(version {args.version}{rev}) in '
          f'the MSD layout to {out}')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
