# Copyright (c) mmssl contributors. All rights reserved.
"""UpCycling's CPU benchmark on synthetic KITTI-layout LiDAR scenes
(our design, configs/upcycling/README.md): the arms
over seeds, KITTI AP40 (BEV and 3D, moderate) per class; writes a markdown
leaderboard with mean and std.

    python tools/benchmark/upcycling_benchmark.py [--seeds 0 1 2] \
        [--work-dir work_dirs/upcycling_bench] [--frot] [--ablation] \
        [--arms D S ...]

Data: data/synthetic_kitti (800 train + 200 val scenes, written on first
use; synthetic, not KITTI recordings). Per seed (the seed draws the
labeled 5 % of train and seeds the training):
  A    supervised only: PointPillars on the labeled scenes (= stage 1);
  B    mean teacher on the raw unlabeled points (the raw-data reference;
       reads the unlabeled .bin files);
  B2   B + GT sampling of labeled objects' points into the unlabeled
       scenes with their boxes added to the pseudo labels (the raw-point
       analogue of F-GT and hybrid labels);
  C    naive feature-level consistency: mean teacher on the stored
       features with the raw-point augmentations applied to the features;
  D    UpCycling: stored features, F-GT, hybrid pseudo labels;
  E    D + F-RoT (with --frot);
  S    the control: D's schedule and frozen front end on the labeled
       scenes only (unlabeled_input=None), so that D - S is what the
       unlabeled scenes add;
  D1-D3, S3 (with --ablation; written to upcycling_ablation_leaderboard.md):
       D with the negatives the teacher scores >= 0.1 left out of the
       classification loss (D1), without F-GT (D2), and D and S cut after
       the 2D backbone instead of the pillar scatter (D3, S3).
B-E, B2 and S start from A's checkpoint and train 600 iterations; C-E read the
unlabeled scenes only as the features tools/upcycling/export_features.py
stored, once per seed and split (bytes per scene reported). Every arm is
tested on the 200 val scenes. Finished steps are reused (delete their
directories, or pass --rerun, to run them again).
"""
import argparse
import os
import os.path as osp
import sys

import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from leaderboard import (  # noqa: E402
    ROOT,
    done,
    run_tool,
    test_metrics,
    train_once,
    write_outputs,
)

CFG = 'configs/upcycling/'
STAGE1 = CFG + 'pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1.py'
UPCYCLING = CFG + 'upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py'  # noqa: E501
ARMS = {
    'B': CFG + 'meanteacher-raw_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py',  # noqa: E501
    'B2': CFG + 'meanteacher-raw-gts_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py',  # noqa: E501
    'C': CFG + 'naive-feat_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py',  # noqa: E501
    'D': UPCYCLING,
    # the control: the same schedule on the labeled scenes only
    'S': UPCYCLING,
    'E': CFG + 'upcycling-frot_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py',  # noqa: E501
}
# extra options per arm: the control S, and the ablation of D (run with
# --ablation on the given seeds)
ARM_OPTS = {
    'S': ['model.semi_train_cfg.unlabeled_input=None'],
    'D1': ['model.semi_train_cfg.ignore_score_thr=0.1'],
    'D2': ['model.semi_train_cfg.fgt=None'],
    'D3': ['model.split=backbone'],
    'S3': ['model.split=backbone',
           'model.semi_train_cfg.unlabeled_input=None'],
}
ABLATION = ['D1', 'D2', 'D3', 'S3']
ARMS.update({arm: UPCYCLING for arm in ABLATION})
ARM_NAMES = {
    'A': 'A supervised only (labeled 5 %)',
    'S': 'S control: A + 600 iterations of D\'s schedule, labeled only',
    'B': 'B mean teacher on raw unlabeled points',
    'B2': 'B2 B + GT sampling into the unlabeled scenes (raw F-GT)',
    'C': 'C naive feature-level consistency',
    'D': 'D UpCycling (features, F-GT, hybrid labels)',
    'E': 'E UpCycling + F-RoT',
    'D1': 'D1 D + no loss on negatives the teacher scores >= 0.1',
    'D2': 'D2 D without F-GT (teacher pseudo labels only)',
    'D3': 'D3 D cut after the 2D backbone (its 3 stage maps stored)',
    'S3': 'S3 S cut after the 2D backbone',
}
DATA = 'data/synthetic_kitti'
FRACTION = 0.05
CLASSES = ('Car', 'Pedestrian', 'Cyclist')
PSEUDO_THR = 0.4  # the configs' score_thr
PREFIX = 'Kitti metric/pred_instances_3d/KITTI/'


def split_tag(fraction: float, seed: int) -> str:
    """The name part tools/data/kitti_infos.py gives a split's files."""
    return f'l{fraction}_s{seed}'


def kitti_opts(config_kind: str, root: str, tag: str,
               feature_dir: str = None) -> list:
    """``--cfg-options`` pointing an UpCycling config at a data root and
    split (``config_kind``: ``'stage1'``, ``'features'`` (UpCycling and the
    feature arms, with the export block), ``'points'`` (raw mean
    teacher))."""
    root = root.rstrip('/') + '/'
    labeled = f'kitti_infos_train_labeled_{tag}.pkl'
    unlabeled = f'kitti_infos_train_unlabeled_{tag}.pkl'
    db = f'{root}kitti_dbinfos_train_labeled_{tag}.pkl'
    prefix = ('train_dataloader.dataset.dataset' if config_kind == 'stage1'
              else 'train_dataloader.dataset.labeled')
    opts = [
        f'{prefix}.data_root={root}', f'{prefix}.ann_file={labeled}',
        f'{prefix}.pipeline.2.db_sampler.data_root={root}',
        f'{prefix}.pipeline.2.db_sampler.info_path={db}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'val_evaluator.ann_file={root}kitti_infos_val.pkl',
        f'test_evaluator.ann_file={root}kitti_infos_val.pkl',
    ]
    if config_kind == 'points':
        opts += [f'train_dataloader.dataset.unlabeled.data_root={root}',
                 f'train_dataloader.dataset.unlabeled.ann_file={unlabeled}']
    elif config_kind == 'features':
        opts += [
            f'train_dataloader.dataset.unlabeled.feature_dir={feature_dir}',
            f'export.out_dir={feature_dir}',
            f'export.unlabeled_dataset.data_root={root}',
            f'export.unlabeled_dataset.ann_file={unlabeled}',
            f'export.labeled_dataset.data_root={root}',
            f'export.labeled_dataset.ann_file={labeled}',
        ]
    return opts


def fgt_opts(config: str, feature_dir: str) -> list:
    """The bank file option, for the configs that use F-GT."""
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    if cfg.model.semi_train_cfg.get('fgt') is None:
        return []
    return [f'model.semi_train_cfg.fgt.bank_file={feature_dir}/fgt_bank.pth']


def default_split() -> str:
    """Where the UpCycling config cuts the detector."""
    from mmengine.config import Config
    return Config.fromfile(osp.join(ROOT, UPCYCLING)).model.split


def arm_split(arm: str) -> str:
    """The split an arm's feature arms use (its ``model.split=`` option,
    else the config's)."""
    for opt in ARM_OPTS.get(arm, []):
        if opt.startswith('model.split='):
            return opt.split('=', 1)[1]
    return default_split()


def point_gts_opts(config: str, root: str, tag: str) -> list:
    """The labeled GT database of the split, for the raw-point configs
    that GT-sample into the unlabeled scenes (``point_gt_sampling``)."""
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    if cfg.model.semi_train_cfg.get('point_gt_sampling') is None:
        return []
    key = 'model.semi_train_cfg.point_gt_sampling.db_sampler'
    root = root.rstrip('/') + '/'
    return [f'{key}.data_root={root}',
            f'{key}.info_path={root}kitti_dbinfos_train_labeled_{tag}.pkl']


def _test(config: str, ckpt: str, run_dir: str, opts, rerun: bool) -> dict:
    test_dir = run_dir + '_test'
    if not done(osp.join(test_dir, 'done'), rerun):
        run_tool(['tools/test.py', config, ckpt, '--work-dir', test_dir,
                  '--cfg-options'] + list(opts),
                 osp.join(test_dir, 'test.log'))
        open(osp.join(test_dir, 'done'), 'w').close()
    metrics = test_metrics(test_dir)
    out = {}
    for cls in CLASSES:
        for kind in ('BEV', '3D'):
            key = f'{PREFIX}{cls}_{kind}_AP40_moderate_strict'
            out[f'{cls} {kind}'] = float(metrics[key])
    return out


def run_seed(seed: int, work_dir: str, arms, rerun: bool) -> dict:
    wd = osp.join(work_dir, f'seed{seed}')
    tag = split_tag(FRACTION, seed)
    root = osp.join(ROOT, DATA)
    if not done(osp.join(root, f'kitti_infos_train_labeled_{tag}.pkl'),
                rerun):
        run_tool(['tools/data/kitti_infos.py', root, '--labeled-fraction',
                  str(FRACTION), '--seed', str(seed)],
                 osp.join(wd, 'infos.log'))
    results = {}
    s1_opts = kitti_opts('stage1', root, tag)
    stage1 = train_once(STAGE1, seed, osp.join(wd, 'A'), rerun, s1_opts)
    results['A'] = _test(STAGE1, stage1, osp.join(wd, 'A'), s1_opts, rerun)
    import mmengine

    def export(split: str) -> tuple:
        """The stored features of the unlabeled scenes cut at ``split``
        (exported once per seed and split): their directory and options."""
        feature_dir = osp.join(wd, f'features_{split}')
        opts = kitti_opts('features', root, tag, feature_dir) + [
            f'model.split={split}']
        if not done(osp.join(feature_dir, 'fgt_bank.pth'), rerun):
            run_tool(['tools/upcycling/export_features.py', UPCYCLING,
                      stage1, '--cfg-options'] + opts,
                     osp.join(wd, f'export_{split}.log'))
        return feature_dir, opts

    feature_dir, feat_opts = export(default_split())
    index = mmengine.load(osp.join(feature_dir, 'index.pkl'))['meta']
    results['bytes'] = dict(
        features=index['bytes_per_scene_features'],
        points=index['bytes_per_scene_points'])
    # how good are stage 1's pseudo labels? (the unlabeled scenes' labels
    # are read here only, for the table)
    quality = osp.join(wd, 'pseudo_quality_A.json')
    if not done(quality, rerun):
        run_tool(['tools/upcycling/pseudo_label_quality.py', UPCYCLING,
                  stage1, '--feature-dir', feature_dir, '--ann-file',
                  osp.join(root, 'kitti_infos_train.pkl'), '--out', quality,
                  '--cfg-options'] + feat_opts,
                 osp.join(wd, 'pseudo_quality.log'))
    results['pseudo'] = mmengine.load(quality)
    for arm in arms:
        config = ARMS[arm]
        if arm in ('B', 'B2'):
            opts = kitti_opts('points', root, tag) + point_gts_opts(
                config, root, tag)
        else:
            arm_dir, arm_opts = export(arm_split(arm))
            opts = arm_opts + fgt_opts(config, arm_dir)
        opts = opts + [f'load_from={stage1}'] + ARM_OPTS.get(arm, [])
        run_dir = osp.join(wd, arm)
        ckpt = train_once(config, seed, run_dir, rerun, opts)
        results[arm] = _test(config, ckpt, run_dir, opts, rerun)
    return results


def write_table(results: dict, out_dir: str, arms) -> str:
    seeds = sorted(results)
    cols = [f'{c} {k}' for c in CLASSES for k in ('BEV', '3D')]
    lines = [
        f'UpCycling synthetic benchmark, seeds {seeds} (KITTI AP40, '
        'moderate, on 200 val scenes; mean ± std over seeds)', '',
        '| arm | ' + ' | '.join(cols) + ' |',
        '|' + '---|' * (len(cols) + 1)
    ]
    for arm in ['A', 'S', 'B', 'B2', 'C', 'D', 'E'] + ABLATION:
        if arm != 'A' and arm not in arms:
            continue
        if not all(arm in results[s] for s in seeds):
            continue
        cells = []
        for col in cols:
            vals = np.array([results[s][arm][col] for s in seeds])
            cells.append(f'{vals.mean():.2f} ± {vals.std():.2f}'
                         if len(vals) > 1 else f'{vals.mean():.2f}')
        lines.append(f'| {ARM_NAMES[arm]} | ' + ' | '.join(cells) + ' |')
    feat = np.mean([results[s]['bytes']['features'] for s in seeds])
    pts = np.mean([results[s]['bytes']['points'] for s in seeds])
    lines += ['', f'Stored per unlabeled scene: {feat / 1024:.1f} KiB of '
              f'float16 features (compressed) vs {pts / 1024:.1f} KiB of '
              'raw points.', '']
    if all('pseudo' in results[s] for s in seeds):
        lines += pseudo_label_lines([results[s]['pseudo'] for s in seeds])
    name = 'upcycling_ablation' if set(arms) & set(ABLATION) else 'upcycling'
    return write_outputs(out_dir, name, '\n'.join(lines), results)


def pseudo_label_lines(qualities, thr: float = PSEUDO_THR) -> list:
    """Stage 1's pseudo labels at the threshold: precision, recall and
    count per scene per class, mean over seeds."""
    classes = qualities[0]['classes']
    rows = [next(r for r in q['rows'] if abs(r['thr'] - thr) < 1e-6)
            for q in qualities]
    cells = []
    for i, c in enumerate(classes):
        vals = {k: np.mean([r[str(i)][k] for r in rows])
                for k in ('precision', 'recall', 'per_scene')}
        cells.append(f"{c} precision {vals['precision']:.2f}, recall "
                     f"{vals['recall']:.2f}, {vals['per_scene']:.2f} per "
                     'scene')
    ious = ', '.join(f'{c} {t}' for c, t in zip(
        classes, qualities[0]['iou_thrs']))
    return [f'Stage 1 pseudo labels on the unlabeled scenes at score >= '
            f'{thr} (tools/upcycling/pseudo_label_quality.py against the '
            f'labels training does not see; match at BEV IoU {ious}; mean '
            'over seeds): ' + '; '.join(cells) + '.', '']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/upcycling_bench')
    parser.add_argument('--frot', action='store_true',
                        help='also run arm E (UpCycling + F-RoT)')
    parser.add_argument('--ablation', action='store_true',
                        help='also run the ablation arms D1-D4 (written '
                        'to upcycling_ablation_leaderboard.md)')
    parser.add_argument('--arms', nargs='+', choices=sorted(ARMS),
                        help='run these arms (after A) instead of the '
                        'default D S C B B2')
    parser.add_argument('--rerun', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    if not osp.isfile(osp.join(DATA, 'kitti_infos_val.pkl')):
        print(f'[upcycling] writing the benchmark data to {DATA}')
        run_tool(['tools/data/make_synthetic_kitti.py', DATA],
                 osp.join(args.work_dir, 'make_data.log'))
        run_tool(['tools/data/kitti_infos.py', DATA],
                 osp.join(args.work_dir, 'infos.log'))
    # UpCycling first: the arm the benchmark is about
    arms = (args.arms or ['D', 'S', 'C', 'B', 'B2']) + (
        ['E'] if args.frot else []) + (ABLATION if args.ablation else [])
    from mmssl.utils.progress import track
    results = {}
    for seed in track(args.seeds, desc=f'[upcycling] {len(args.seeds)} '
                      f'seeds, arms A {" ".join(arms)}',
                      lines=len(args.seeds)):
        results[seed] = run_seed(seed, args.work_dir, arms, args.rerun)
        text = write_table(results, args.work_dir, arms)
    print(text)
    return results


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
