# Copyright (c) mmssl contributors. All rights reserved.
"""Convert BUSI (Al-Dhabyani et al. 2020: benign/, malignant/, normal/
with ``<name>_mask*.png`` beside each image) into COCO json with k-fold
train/test splits, for TSDDNet's paper-scale configs.

    python tools/data/busi_to_coco.py data/BUSI [--folds 5] [--seed 0] \
        [--diagnoses benign malignant]

Writes ``<BUSI>/annotations/fold<k>_{train,test}.json`` (one lesion box
per mask file, the diagnosis in each image entry; ``file_name`` relative
to the BUSI folder). The folds are stratified by diagnosis and drawn per
image: BUSI has no patient ids, so a patient-level split (the spec's
default) is not possible with it.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('busi_root')
    parser.add_argument('--out-dir', help='default: BUSI_ROOT/annotations')
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--diagnoses', nargs='+',
                        default=['benign', 'malignant'],
                        help="classes to keep, in label order (add 'normal' "
                        'for three-way diagnosis)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import numpy as np

    from mmssl.datasets import BUSIDataset, write_bus_coco
    if args.folds < 2:
        raise ValueError(f'--folds must be at least 2, got {args.folds}')
    ds = BUSIDataset(data_root=args.busi_root, diagnoses=args.diagnoses,
                     pipeline=[], test_mode=True)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    rng = np.random.RandomState(args.seed)
    fold_of = np.zeros(len(infos), np.int64)
    for diagnosis in args.diagnoses:
        idx = [i for i, d in enumerate(infos) if d['diagnosis'] == diagnosis]
        idx = rng.permutation(idx)
        fold_of[idx] = np.arange(len(idx)) % args.folds
    out_dir = args.out_dir or osp.join(args.busi_root, 'annotations')
    for k in range(args.folds):
        for part, keep in (('train', fold_of != k), ('test', fold_of == k)):
            chosen = [d for d, m in zip(infos, keep) if m]
            write_bus_coco(chosen, osp.join(out_dir,
                                            f'fold{k}_{part}.json'))
    print(f'wrote {args.folds} folds of {len(infos)} BUSI images '
          f'({", ".join(args.diagnoses)}) to {out_dir}')
    return out_dir


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
