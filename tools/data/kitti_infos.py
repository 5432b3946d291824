# Copyright (c) mmssl contributors. All rights reserved.
"""Write mmdet3d 1.x KITTI infos, and with --labeled-fraction a
labeled/unlabeled split of the training frames with their infos and a GT
database of the labeled frames only.

    python tools/data/kitti_infos.py data/kitti \
        [--labeled-fraction 0.05] [--seed 0] [--out-dir data/kitti]

Writes kitti_infos_{train,val}.pkl and, with --labeled-fraction F:
splits/split_lF_sS.json, kitti_infos_train_labeled_lF_sS.pkl,
kitti_infos_train_unlabeled_lF_sS.pkl (instances emptied),
gt_database_lF_sS/ and kitti_dbinfos_train_labeled_lF_sS.pkl.

Without ImageSets/ the train frames are the sorted stems of
training/velodyne/*.bin (with a printed note) and no val infos are
written. Bad input gives a one-line error (--debug or MMSSL_DEBUG=1 for
the traceback).
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('root', help='The KITTI root folder (ImageSets/, '
                        'training/).')
    parser.add_argument('--labeled-fraction', type=float, default=None,
                        help='Also write a labeled/unlabeled split keeping '
                        'this fraction of the training frames labeled, with '
                        'its infos and GT database. When not given, only '
                        'the train/val infos are written.')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the labeled/unlabeled draw.')
    parser.add_argument('--out-dir', default=None,
                        help='The folder to write to. When not given, ROOT.')
    parser.add_argument('--debug', action='store_true',
                        help='Show full tracebacks on errors.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import mmengine

    from mmssl.datasets.kitti import (
        kitti_infos,
        make_gt_database,
        make_kitti_split,
        subset_infos,
        velodyne_frame_ids,
    )
    from mmssl.datasets.semi import save_split
    out_dir = args.out_dir or args.root
    os.makedirs(out_dir, exist_ok=True)
    written = []
    infos = {}
    splits = dict(train=None, val=None)
    if not osp.isdir(args.root):
        raise FileNotFoundError(f'KITTI root not found: {args.root}')
    if not osp.isdir(osp.join(args.root, 'ImageSets')):
        splits = dict(train=velodyne_frame_ids(args.root))
        print(f'note: no {osp.join(args.root, "ImageSets")}/; using the '
              f'{len(splits["train"])} frames of '
              f'{osp.join(args.root, "training", "velodyne")}/ (sorted) as '
              'the train split and writing no val infos')
    for split, frame_ids in splits.items():
        infos[split] = kitti_infos(args.root, split, frame_ids=frame_ids)
        path = osp.join(out_dir, f'kitti_infos_{split}.pkl')
        mmengine.dump(infos[split], path)
        written.append(f'{path} ({len(infos[split]["data_list"])} frames)')
    if args.labeled_fraction is not None:
        tag = f'l{args.labeled_fraction}_s{args.seed}'
        train = infos['train']
        ids = [osp.splitext(d['lidar_points']['lidar_path'])[0]
               for d in train['data_list']]
        split = make_kitti_split(ids, labeled_fraction=args.labeled_fraction,
                                 seed=args.seed)
        path = save_split(split, osp.join(out_dir, 'splits',
                                          f'split_{tag}.json'))
        written.append(f'{path} ({len(split["labeled"])} labeled, '
                       f'{len(split["unlabeled"])} unlabeled)')
        labeled = subset_infos(train, split['labeled'])
        path = osp.join(out_dir, f'kitti_infos_train_labeled_{tag}.pkl')
        mmengine.dump(labeled, path)
        written.append(path)
        path = osp.join(out_dir, f'kitti_infos_train_unlabeled_{tag}.pkl')
        mmengine.dump(
            subset_infos(train, split['unlabeled'], drop_labels=True), path)
        written.append(f'{path} (instances emptied)')
        db_dir = osp.join(out_dir, f'gt_database_{tag}')
        db_path = osp.join(out_dir, f'kitti_dbinfos_train_labeled_{tag}.pkl')
        db = make_gt_database(args.root, labeled, db_dir, db_path)
        counts = ', '.join(f'{k}: {len(v)}' for k, v in sorted(db.items()))
        written.append(f'{db_dir}/ and {db_path} ({counts})')
    for line in written:
        print(f'wrote {line}')
    return written


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
