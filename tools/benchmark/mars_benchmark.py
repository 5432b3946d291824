# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's CPU benchmark: the CAM baseline, baseline + MARS and the control
on the synthetic biased-background data, over seeds; writes a markdown
leaderboard with mean and std.

    python tools/benchmark/mars_benchmark.py [--seeds 0 1 2] \
        [--work-dir work_dirs/mars_bench]

Per seed, for the biased data (data/biased_voc, written if absent):
  A. CAM classifier (tools/train.py) -> seeds of the training split
     (tools/test.py with test_evaluator.output_dir; seed mIoU on train);
  B. self-supervised features (tools/train.py, then
     tools/mars/extract_features.py);
  C. debiased labels (tools/mars/debias_labels.py; label statistics);
  D. DeepLabV3+ on the seeds (baseline) and MARS on the debiased labels
     (tools/train.py; validation mIoU, per-class IoU, biased-region FPR).
C and D also run with Eq. 1's distance taken to the nearest background
centroid instead of the mean (the paper's introduction's reading).
The control (data/biased_voc_control: the stripe never lies under a train
in training) runs A and the baseline D. Finished steps are reused
(delete their directories, or pass --rerun, to run them again); a training
step is finished once its ``done`` marker is written after a successful run,
so an interrupted run is trained again rather than reused half-trained.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from leaderboard import (  # noqa: E402
    ROOT,
    data_opts,
    done,
    last_ckpt,
    last_metric,
    run_tool,
    test_metrics,
    train_once,
    write_outputs,
)

CAM = 'configs/mars/cam_r18-d8_30e_biased-voc.py'
USS = 'configs/mars/uss_simclr_r18-d8_1k_biased-voc.py'
DEBIAS = 'configs/mars/mars-debias_simclr-r18-d8_biased-voc.py'
SEG = 'configs/mars/deeplabv3plus_r18-d8_1500i_biased-voc-seeds.py'
MARS = 'configs/mars/mars_deeplabv3plus_r18-d8_1500i_biased-voc.py'
DATA = {'biased': 'data/biased_voc', 'control': 'data/biased_voc_control'}
SEG_METRICS = ('mIoU', 'IoU.background', 'IoU.train', 'IoU.person',
               'biased/fpr')


def stage_a(data: str, seed: int, wd: str, rerun: bool) -> dict:
    cam_dir = osp.join(wd, 'cam')
    train_once(CAM, seed, cam_dir, rerun, data_opts(data))
    seeds = osp.join(wd, 'seeds')
    test_dir = osp.join(wd, 'seeds_test')
    if not done(osp.join(test_dir, 'done'), rerun):
        run_tool([osp.join('tools', 'test.py'), CAM, last_ckpt(cam_dir),
                  '--work-dir', test_dir, '--cfg-options'] +
                 data_opts(data, ('test_dataloader', )) +
                 [f'test_evaluator.output_dir={osp.abspath(seeds)}'],
                 osp.join(test_dir, 'test.log'))
        open(osp.join(test_dir, 'done'), 'w').close()
    return test_metrics(test_dir)


def stage_d(config: str, labels: str, data: str, seed: int, run_dir: str,
            rerun: bool) -> dict:
    train_once(config, seed, run_dir, rerun,
               data_opts(data) +
               [f'train_dataloader.dataset.label_dir={labels}'])
    return {m: last_metric(run_dir, m) for m in SEG_METRICS}


def run_seed(seed: int, work_dir: str, rerun: bool) -> dict:
    out = {}
    wd = osp.join(work_dir, f'seed{seed}', 'biased')
    data = DATA['biased']
    start = time.time()
    seed_metrics = stage_a(data, seed, wd, rerun)
    uss_dir = osp.join(wd, 'uss')
    train_once(USS, seed, uss_dir, rerun,
               data_opts(data, ('train_dataloader', )))
    feats = osp.join(wd, 'features')
    if not done(osp.join(feats, 'meta.json'), rerun):
        run_tool([osp.join('tools', 'mars', 'extract_features.py'), DEBIAS,
                  '--checkpoint', last_ckpt(uss_dir), '--out-dir', feats],
                 osp.join(wd, 'logs', 'extract.log'))
    debiased = osp.join(wd, 'debiased')
    if not done(osp.join(debiased, 'stats.json'), rerun):
        run_tool([osp.join('tools', 'mars', 'debias_labels.py'), DEBIAS,
                  '--seeds', osp.join(wd, 'seeds'), '--features', feats,
                  '--out-dir', debiased, '--seed', str(seed)],
                 osp.join(wd, 'logs', 'debias.log'))
    with open(osp.join(debiased, 'stats.json')) as f:
        label_stats = json.load(f)
    # the introduction's reading of Eq. 1: distance to the nearest
    # background centroid
    debiased_min = osp.join(wd, 'debiased_min')
    if not done(osp.join(debiased_min, 'stats.json'), rerun):
        run_tool([osp.join('tools', 'mars', 'debias_labels.py'), DEBIAS,
                  '--seeds', osp.join(wd, 'seeds'), '--features', feats,
                  '--out-dir', debiased_min, '--seed', str(seed),
                  '--cfg-options', 'debias.reduce=min'],
                 osp.join(wd, 'logs', 'debias_min.log'))
    with open(osp.join(debiased_min, 'stats.json')) as f:
        label_stats_min = json.load(f)
    base = stage_d(SEG, osp.join(wd, 'seeds'), data, seed,
                   osp.join(wd, 'seg_seeds'), rerun)
    mars = stage_d(MARS, debiased, data, seed, osp.join(wd, 'seg_mars'),
                   rerun)
    mars_min = stage_d(MARS, debiased_min, data, seed,
                       osp.join(wd, 'seg_mars_min'), rerun)
    out['baseline + MARS, min distance'] = dict(
        mars_min, seed_mIoU=label_stats_min['debiased']['mIoU'],
        seed_fpr=label_stats_min['debiased']['biased_fpr'])
    out['CAM baseline'] = dict(base, seed_mIoU=seed_metrics.get('mIoU'),
                               seed_fpr=label_stats['seeds']['biased_fpr'])
    out['baseline + MARS'] = dict(
        mars, seed_mIoU=label_stats['debiased']['mIoU'],
        seed_fpr=label_stats['debiased']['biased_fpr'])
    out['biased wall (s)'] = time.time() - start
    wd_c = osp.join(work_dir, f'seed{seed}', 'control')
    data_c = DATA['control']
    seed_c = stage_a(data_c, seed, wd_c, rerun)
    ctrl = stage_d(SEG, osp.join(wd_c, 'seeds'), data_c, seed,
                   osp.join(wd_c, 'seg_seeds'), rerun)
    from mmssl.apis.mars import label_stats as stats_fn
    from mmssl.datasets import BiasedVOCDataset
    ds = BiasedVOCDataset(data_root=data_c,
                          ann_file='ImageSets/Segmentation/train.txt',
                          cls_labels='cls_labels.json')
    cs = stats_fn(ds, osp.join(wd_c, 'seeds'),
                  osp.join(data_c, 'SegmentationClass'),
                  osp.join(data_c, 'BiasedRegion'), 1)
    out['control (no co-occurrence)'] = dict(
        ctrl, seed_mIoU=seed_c.get('mIoU'), seed_fpr=cs['biased_fpr'])
    return out


COLUMNS = (('seed_mIoU', 'pseudo-label mIoU (train)'),
           ('seed_fpr', 'pseudo-label biased FPR'),
           ('mIoU', 'val mIoU'), ('IoU.train', 'val IoU train'),
           ('IoU.person', 'val IoU person'),
           ('IoU.background', 'val IoU bg'),
           ('biased/fpr', 'val biased FPR'))


def write_table(results: dict, out_dir: str) -> str:
    arms = ['CAM baseline', 'baseline + MARS',
            'baseline + MARS, min distance', 'control (no co-occurrence)']
    seeds = sorted(results)
    lines = ['| arm | ' + ' | '.join(c[1] for c in COLUMNS) + ' | seeds |',
             '|---' * (len(COLUMNS) + 2) + '|']
    for arm in arms:
        cells = []
        for key, _ in COLUMNS:
            vals = np.array([results[s][arm][key] for s in seeds
                             if results[s][arm].get(key) is not None],
                            dtype=float)
            cells.append(f'{vals.mean():.2f} ± {vals.std():.2f}'
                         if len(vals) else 'n/a')
        lines.append(f'| {arm} | ' + ' | '.join(cells) +
                     f' | {len(seeds)} |')
    text = '\n'.join(lines) + '\n'
    return write_outputs(out_dir, 'mars', text, results)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/mars_bench')
    parser.add_argument('--rerun', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    from mmssl.datasets.synthetic import make_biased_voc
    for mode, root in DATA.items():
        if not osp.isfile(osp.join(root, 'meta.json')):
            print(f'[mars] writing the {mode} benchmark data to {root}')
            make_biased_voc(root, mode=mode)
    from mmssl.utils.progress import track
    results = {}
    for seed in track(args.seeds, desc=f'[mars] {len(args.seeds)} seeds',
                      lines=len(args.seeds)):
        results[seed] = run_seed(seed, args.work_dir, args.rerun)
        text = write_table(results, args.work_dir)
    print(text)
    return results


if __name__ == '__main__':
    sys.path.insert(0, ROOT)
    from mmssl.utils.errors import run_cli
    run_cli(main)
