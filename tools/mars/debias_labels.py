# Copyright (c) mmssl contributors. All rights reserved.
"""MARS stage C: select one debiased centroid per class from per-image
K-means of the seed regions (Eqs. 1-3), score every pixel (Eq. 4) and
remove the biased foreground pixels of the seeds (Eq. 5). Writes
``<out>/<name>.png`` (254 = removed), ``centroids.npy``,
``selection.json`` and, when ground truth is available, ``stats.json``
(pseudo-label mIoU, per-class IoU, biased-region false positives of the
seeds and of the debiased labels).

    python tools/mars/debias_labels.py CONFIG [--seeds DIR] \
        [--features DIR] [--out-dir DIR]
"""
import argparse
import json
import os.path as osp
import sys

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--seeds', help='overrides seed_dir')
    parser.add_argument('--features', help='overrides feature_dir')
    parser.add_argument('--out-dir', help='overrides debiased_dir')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the K-means initialisations')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config values, key=value')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmengine.config import Config

    from mmssl.apis.mars import debias_dataset, label_stats
    from mmssl.registry import DATASETS
    from mmssl.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    for key in ('mars_dataset', 'debias', 'seed_dir', 'feature_dir',
                'debiased_dir'):
        if key not in cfg:
            raise KeyError(f'{args.config} has no {key!r}: is it a MARS '
                           'stage B/C config (configs/mars/mars-debias_*)?')
    seeds = args.seeds or cfg.seed_dir
    features = args.features or cfg.feature_dir
    out = args.out_dir or cfg.debiased_dir
    dataset = DATASETS.build(cfg.mars_dataset)
    stats_cfg = cfg.get('label_stats')
    gt_dir = None
    if stats_cfg:
        gt_dir = osp.join(cfg.mars_dataset['data_root'], stats_cfg['gt_dir'])
        gt_dir = gt_dir if osp.isdir(gt_dir) else None
    result = debias_dataset(dataset, features, seeds, out, seed=args.seed,
                            purity_gt_dir=gt_dir, **cfg.debias)
    print(f"removed {result['removed'] * 100:.2f}% of the seed foreground "
          f'pixels; debiased labels in {out}')
    for cls, p in result.get('purity', {}).items():
        print(f"{cls}: selected centroids {p['selected_purity']:.1f}% pure "
              f"({p['selected_pure_share']:.1f}% more than half), all "
              f"centroids {p['all_purity']:.1f}%")
    if stats_cfg:
        root = cfg.mars_dataset['data_root']
        gt_dir = osp.join(root, stats_cfg['gt_dir'])
        region = stats_cfg.get('region_dir')
        region = osp.join(root, region) if region else None
        if osp.isdir(gt_dir):
            stats = {}
            for key, labels in (('seeds', seeds), ('debiased', out)):
                stats[key] = label_stats(
                    dataset, labels, gt_dir, region,
                    stats_cfg.get('biased_class'), cfg.debias.removed_index)
                print(f'{key}: ' + ', '.join(
                    f'{k} {v:.2f}' for k, v in stats[key].items()))
            with open(osp.join(out, 'stats.json'), 'w') as f:
                json.dump(stats, f, indent=2)
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
