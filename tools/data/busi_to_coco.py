# Copyright (c) mmssl contributors. All rights reserved.
"""Convert BUSI (Al-Dhabyani et al. 2020) into TSDDNet's protocol: k-fold
COCO jsons and saved partial-box splits.

    python tools/data/busi_to_coco.py data/busi [--out-dir data/busi_coco] \
        [--folds 5] [--seed 0] [--box-fraction 0.2] [--box-seeds 0 1 2] \
        [--diagnoses benign malignant] [--split SPLIT.json]

``data/busi`` is ``Dataset_BUSI_with_GT`` (``benign/``, ``malignant/``,
``normal/`` with ``<name>_mask*.png`` beside each image) or the folder
holding it. The protocol (our choice, configs/tsddnet/README.md explains;
BUSI has no patient ids, so our patient-level folds are image-level here):

* folds: every image is assigned to one of ``--folds`` folds, stratified
  by diagnosis (benign, malignant and normal each dealt round-robin after
  a permutation drawn with ``--seed``); fold k is the test set of split k,
  the other folds its training set;
* boxes: one per connected region of each mask file (8-connectivity;
  regions under ``--min-region-area`` pixels are annotation specks);
* partial boxes: in each training set, ``--box-fraction`` of the lesion
  images of each diagnosis keep their boxes (drawn per ``--box-seeds``
  seed), the others keep only the diagnosis; test images keep all boxes;
* normal images: the paper's diagnosis is benign vs malignant (
  ``y in {0 benign, 1 malignant}``), so they are in the folds but left out
  of the jsons unless ``--diagnoses`` names ``normal``.

Writes to ``--out-dir``: ``split.json`` (the fold of every image and how
the split was drawn; ``--split`` reuses one), ``fold<k>_{train,test}.json``
(COCO, one ``lesion`` category, the diagnosis in each image entry,
``file_name`` relative to the given BUSI folder) and
``fold<k>_train_box<pct>_seed<s>.json`` (which training images keep their
boxes: a ``BUSDataset`` ``split_file``).
"""
import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

CLASSES = ('benign', 'malignant', 'normal')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('busi_root', help='The Dataset_BUSI_with_GT folder '
                        'or the folder holding it.')
    parser.add_argument('--out-dir', default='data/busi_coco',
                        help='The folder the COCO jsons and the split files '
                        'are written to.')
    parser.add_argument('--folds', type=int, default=5,
                        help='The number of cross-validation folds (our '
                        'default: 5-fold cross-validation).')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the fold draw.')
    parser.add_argument('--box-fraction', type=float, default=0.2,
                        help='The share of the training lesion images of '
                        'each diagnosis that keep their boxes (default: 20 '
                        '%% of the sweep {10, 20, 30, 50, 100} %%).')
    parser.add_argument('--box-seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='The seeds of the partial-box draws, one draw '
                        'per seed.')
    parser.add_argument('--min-region-area', type=int, default=16,
                        help='Mask regions of fewer pixels than this give '
                        'no box.')
    parser.add_argument('--diagnoses', nargs='+',
                        default=['benign', 'malignant'],
                        help="The classes in the jsons, in label order (add "
                        "'normal' for a three-way diagnosis).")
    parser.add_argument('--split', help='Reuse the folds of this split.json '
                        '(from an earlier run) instead of drawing them.')
    return parser.parse_args(argv)


def draw_folds(infos, num_folds, seed):
    """``{file_name: fold}``: per diagnosis (in :data:`CLASSES` order), a
    permutation drawn with ``seed`` dealt round-robin into the folds."""
    import numpy as np
    rng = np.random.RandomState(seed)
    fold_of = {}
    for diagnosis in CLASSES:
        names = [d['file_name'] for d in infos if d['diagnosis'] == diagnosis]
        for rank, j in enumerate(rng.permutation(len(names))):
            fold_of[names[j]] = rank % num_folds
    return fold_of


def read_split(path, infos):
    """The folds of a saved ``split.json``; its images must be these."""
    with open(path) as f:
        split = json.load(f)
    fold_of = {im['file_name']: im['fold'] for im in split['images']}
    names = {d['file_name'] for d in infos}
    if set(fold_of) != names:
        missing = sorted(names - set(fold_of))[:3]
        extra = sorted(set(fold_of) - names)[:3]
        raise ValueError(f'split file {path} lists other images than the '
                         f'BUSI folder (not in the split: {missing}, not '
                         f'in the folder: {extra})')
    return split, fold_of


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.bus import (
        BUSIDataset,
        make_stratified_box_split,
        write_bus_coco,
    )
    from mmssl.datasets.semi.splits import save_split
    if args.folds < 2:
        raise ValueError(f'--folds must be at least 2, got {args.folds}')
    unknown = set(args.diagnoses) - set(CLASSES)
    if unknown:
        raise ValueError(f'--diagnoses: unknown {sorted(unknown)}; BUSI has '
                         f'{", ".join(CLASSES)}')
    ds = BUSIDataset(data_root=args.busi_root, diagnoses=CLASSES,
                     min_region_area=args.min_region_area, pipeline=[],
                     test_mode=True)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    if args.split:
        saved, fold_of = read_split(args.split, infos)
        num_folds = saved['folds']
    else:
        num_folds = args.folds
        fold_of = draw_folds(infos, num_folds, args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    counts = {}
    for k in range(num_folds):
        for part in ('train', 'test'):
            chosen = [d for d in infos if d['diagnosis'] in args.diagnoses
                      and (fold_of[d['file_name']] == k) == (part == 'test')]
            # label order of --diagnoses, then folder order
            chosen.sort(key=lambda d: args.diagnoses.index(d['diagnosis']))
            write_bus_coco(chosen, osp.join(args.out_dir,
                                            f'fold{k}_{part}.json'))
            counts[f'fold{k}_{part}'] = {
                c: [sum(d['diagnosis'] == c for d in chosen),
                    sum(len(d['instances']) for d in chosen
                        if d['diagnosis'] == c)] for c in args.diagnoses}
            if part == 'test':
                continue
            names = [d['file_name'] for d in chosen]
            boxed = [i for i, d in enumerate(chosen) if d['instances']]
            strata = [d['diagnosis'] for d in chosen]
            for s in args.box_seeds:
                split = make_stratified_box_split(
                    names, boxed, strata, args.box_fraction, s)
                pct = int(round(100 * args.box_fraction))
                save_split(split, osp.join(
                    args.out_dir, f'fold{k}_train_box{pct}_seed{s}.json'))
    split = dict(
        type='busi_folds', folds=num_folds,
        seed=saved['seed'] if args.split else args.seed,
        stratified_by='diagnosis', box_fraction=args.box_fraction,
        box_seeds=args.box_seeds, min_region_area=args.min_region_area,
        diagnoses=args.diagnoses,
        counts=counts,  # {fold<k>_<part>: {diagnosis: [images, boxes]}}
        images=[dict(file_name=d['file_name'], diagnosis=d['diagnosis'],
                     fold=fold_of[d['file_name']],
                     masks=d['entry'].get('num_masks', 0),
                     boxes=len(d['instances'])) for d in infos])
    save_split(split, osp.join(args.out_dir, 'split.json'))
    boxes = sum(len(d['instances']) for d in infos)
    lesion = sum(bool(d['instances']) for d in infos)
    print(f'wrote {num_folds} folds of {len(infos)} BUSI images ({lesion} '
          f'with {boxes} lesion boxes; jsons: {", ".join(args.diagnoses)}) '
          f'to {args.out_dir}')
    return args.out_dir


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
