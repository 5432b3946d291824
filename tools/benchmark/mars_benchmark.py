# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's CPU benchmark: the CAM baseline and MARS on the synthetic
biased-background data and on its negative control, over seeds; writes a
markdown leaderboard with mean and std.

    python tools/benchmark/mars_benchmark.py [--seeds 0 1 2] \
        [--work-dir work_dirs/mars_bench]

The data (written if absent): ``data/biased_voc`` ('biased': the rail
stripe under 90 % of the training trains and alone, as a band of a
quarter to a third of the image, in half of the other training images)
and ``data/biased_voc_control`` (the negative control: the same
co-occurrence, the stripe never alone in training, so nothing tells MARS
it is background). Per seed and data set:

  A. CAM classifier (tools/train.py) -> seeds of the training split
     (tools/test.py with ``test_evaluator.output_dir``);
  B. the colour-statistics stand-in for the USS features
     (tools/mars/extract_features.py; fitted, nothing trained);
  C. debiased labels (tools/mars/debias_labels.py): K_bg = 2 (the paper's
     default) with Eq. 1 as written (mean distance to all background
     centroids) and with the distance to the nearest one (the reading of
     the paper's introduction), and, on the biased data, K_bg = 3;
  D. DeepLabV3+ on the seeds (the CAM baseline) and MARS on the debiased
     labels (tools/train.py), then the complemented labels the final
     teacher gives every training image.

Each stage reads its inputs from the paths this driver passes it (no
stage depends on another's default work dir). Logged, per arm: the
pseudo-label biased FPR (share of the stripe's pixels labelled train) of
the CAM seeds, the debiased labels and the complemented labels; the
purity of the selected train centroids; the validation biased FPR on the
stripe pixels more than 8 px from any train (``biased_far/fpr``) and on
the whole stripe, the train IoU and the mIoU. Finished steps are reused
(delete their directories, or pass --rerun, to run them again); a training
step is finished once its ``done`` marker is written after a successful
run, so an interrupted run is trained again rather than reused
half-trained.
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
    train_once,
    write_outputs,
)

CAM = 'configs/mars/cam_r18-d8_30e_biased-voc.py'
DEBIAS = 'configs/mars/mars-debias_colour-stats_biased-voc.py'
SEG = 'configs/mars/deeplabv3plus_r18-d8_1500i_biased-voc-seeds.py'
MARS = 'configs/mars/mars_deeplabv3plus_r18-d8_1500i_biased-voc.py'
DATA = {'biased': 'data/biased_voc', 'control': 'data/biased_voc_control'}
DATA_VERSION = 2  # make_biased_voc's layout and scene design
SEG_METRICS = ('mIoU', 'IoU.background', 'IoU.train', 'IoU.person',
               'biased/fpr', 'biased_far/fpr')
# arm name -> (data set, K_bg or None for the CAM baseline, Eq. 1's
# reduction: 'mean' as the equation is written, 'min' the distance to the
# nearest background centroid that the paper's introduction argues with)
ARMS = {
    'CAM baseline': ('biased', None, None),
    'MARS': ('biased', 2, 'mean'),
    'MARS, K_bg = 3': ('biased', 3, 'mean'),
    'MARS, min distance': ('biased', 2, 'min'),
    'MARS, min distance, no complementing': ('biased', 2, 'min'),
    'CAM baseline (negative control)': ('control', None, None),
    'MARS (negative control)': ('control', 2, 'mean'),
    'MARS, min distance (negative control)': ('control', 2, 'min'),
}
MARS_NO_COMPLEMENT = \
    'configs/mars/mars_deeplabv3plus_r18-d8_1500i_biased-voc_no-complement.py'
# the stage-D config of an ablation arm and its run-dir suffix: without
# complementing, the pixels MARS removed stay ignored for the whole
# training, which separates the label edit from the teacher's refilling
ARM_CONFIGS = {
    'MARS, min distance, no complementing': (MARS_NO_COMPLEMENT,
                                             '_nocomp'),
}


def _dataset(data: str):
    from mmssl.datasets import BiasedVOCDataset
    return BiasedVOCDataset(data_root=data,
                            ann_file='ImageSets/Segmentation/train.txt',
                            cls_labels='cls_labels.json')


def _label_stats(data: str, labels: str) -> dict:
    from mmssl.apis.mars import label_stats
    return label_stats(_dataset(data), labels,
                       osp.join(data, 'SegmentationClass'),
                       osp.join(data, 'BiasedRegion'), 1, log_interval=0)


def _elapsed(run_dir: str) -> dict:
    """Wall time, CPU time and mean load average of a training run
    (``elapsed.json``); empty when the run has none."""
    path = osp.join(run_dir, 'elapsed.json')
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        e = json.load(f)
    return dict(wall_s=e.get('wall_time_s'), cpu_s=e.get('cpu_time_s'),
                load=e.get('load_avg_mean'))


def stage_a(data: str, seed: int, wd: str, rerun: bool) -> str:
    """CAM training and the seeds of the training split; returns their
    folder."""
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
    return seeds


def stage_b(data: str, wd: str, rerun: bool) -> str:
    feats = osp.join(wd, 'features')
    if not done(osp.join(feats, 'meta.json'), rerun):
        run_tool([osp.join('tools', 'mars', 'extract_features.py'), DEBIAS,
                  '--out-dir', feats, '--cfg-options',
                  f'mars_dataset.data_root={data}'],
                 osp.join(wd, 'logs', 'extract.log'))
    return feats


def _tag(k_bg: int, reduce: str) -> str:
    return f'kbg{k_bg}' + ('' if reduce == 'mean' else f'_{reduce}')


def stage_c(data: str, seeds: str, feats: str, k_bg: int, reduce: str,
            seed: int, wd: str, rerun: bool) -> tuple:
    out = osp.join(wd, f'debiased_{_tag(k_bg, reduce)}')
    if not done(osp.join(out, 'stats.json'), rerun):
        run_tool([osp.join('tools', 'mars', 'debias_labels.py'), DEBIAS,
                  '--seeds', seeds, '--features', feats, '--out-dir', out,
                  '--seed', str(seed), '--cfg-options',
                  f'mars_dataset.data_root={data}', f'debias.k_bg={k_bg}',
                  f'debias.reduce={reduce}'],
                 osp.join(wd, 'logs', f'debias_{_tag(k_bg, reduce)}.log'))
    with open(osp.join(out, 'stats.json')) as f:
        stats = json.load(f)
    purity = {}
    if osp.isfile(osp.join(out, 'purity.json')):
        with open(osp.join(out, 'purity.json')) as f:
            purity = json.load(f).get('train', {})
    return out, stats, purity


def stage_d(config: str, labels: str, data: str, seed: int, run_dir: str,
            rerun: bool) -> dict:
    train_once(config, seed, run_dir, rerun,
               data_opts(data) +
               [f'train_dataloader.dataset.label_dir={labels}'])
    return {m: last_metric(run_dir, m) for m in SEG_METRICS}


def complemented(data: str, debiased: str, run_dir: str,
                 rerun: bool) -> dict:
    """Quality of the labels the final MARS teacher fills in."""
    out = osp.join(run_dir, 'complemented')
    stats_path = osp.join(out, 'stats.json')
    if not done(stats_path, rerun):
        from mmssl.apis.mars import write_complemented_labels
        from mmssl.registry import MODELS
        from mmssl.utils import register_all_modules
        from mmssl.utils.checkpoint import load_checkpoint_strict
        from mmssl.utils.config import load_config
        register_all_modules()
        cfg = load_config(MARS)
        model = MODELS.build(cfg.model)
        load_checkpoint_strict(model, last_ckpt(run_dir))
        write_complemented_labels(model, _dataset(data), debiased, out,
                                  log_interval=0)
        with open(stats_path, 'w') as f:
            json.dump(_label_stats(data, out), f, indent=2)
    with open(stats_path) as f:
        return json.load(f)


def run_seed(seed: int, work_dir: str, rerun: bool,
             stages: str = 'ABCD', collect: bool = False) -> dict:
    """One seed: stages A-C of every arm first (the pseudo labels and their
    diagnostics), then, with ``'D'`` in ``stages``, the segmentation
    training of every arm and the complemented labels. With ``collect``,
    only the stage-D runs that finished are read (nothing is trained)."""
    out = {}
    for mode in ('biased', 'control'):
        data = DATA[mode]
        wd = osp.join(work_dir, f'seed{seed}', mode)
        start = time.time()
        seeds = stage_a(data, seed, wd, rerun)
        seed_stats = _label_stats(data, seeds)
        feats = stage_b(data, wd, rerun)
        arms = [(arm, k_bg, reduce)
                for arm, (arm_mode, k_bg, reduce) in ARMS.items()
                if arm_mode == mode]
        labels = {}
        for arm, k_bg, reduce in arms:
            row = dict(seeds_fpr=seed_stats['biased_fpr'],
                       seeds_mIoU=seed_stats['mIoU'])
            if k_bg is None:
                labels[arm] = (SEG, seeds, osp.join(wd, 'seg_seeds'))
            else:
                debiased, stats, purity = stage_c(data, seeds, feats, k_bg,
                                                  reduce, seed, wd, rerun)
                config, suffix = ARM_CONFIGS.get(arm, (MARS, ''))
                labels[arm] = (config, debiased,
                               osp.join(wd, f'seg_mars_{_tag(k_bg, reduce)}'
                                        f'{suffix}'))
                row.update(
                    debiased_fpr=stats['debiased']['biased_fpr'],
                    debiased_mIoU=stats['debiased']['mIoU'],
                    removed=stats['debiased']['removed'],
                    purity_selected=purity.get('selected_purity'),
                    purity_all=purity.get('all_purity'))
            out[arm] = row
        if 'D' in stages:
            for arm, k_bg, _ in arms:
                config, label_dir, run_dir = labels[arm]
                if collect and not osp.isfile(osp.join(run_dir, 'done')):
                    continue
                out[arm].update(stage_d(config, label_dir, data, seed,
                                        run_dir, rerun))
                e = _elapsed(run_dir)
                out[arm].update(d_wall_s=e.get('wall_s'),
                                d_cpu_s=e.get('cpu_s'), d_load=e.get('load'))
                if k_bg is not None and arm not in ARM_CONFIGS:
                    comp = complemented(data, label_dir, run_dir, rerun)
                    out[arm].update(complemented_fpr=comp['biased_fpr'],
                                    complemented_mIoU=comp['mIoU'])
            out[f'{mode} wall (s)'] = time.time() - start
        out[f'{mode} CAM'] = _elapsed(osp.join(wd, 'cam'))
    return out


COLUMNS = (('seeds_fpr', 'CAM-seed FPR (train)'),
           ('debiased_fpr', 'debiased FPR (train)'),
           ('complemented_fpr', 'complemented FPR (train)'),
           ('purity_selected', 'selected-centroid purity'),
           ('biased_far/fpr', 'val Biased FPR (far)'),
           ('biased/fpr', 'val biased FPR (whole stripe)'),
           ('IoU.train', 'val Train IoU'),
           ('mIoU', 'val mIoU'),
           ('d_wall_s', 'stage-D wall (s)'))


def summarize(results: dict) -> dict:
    """Per arm and metric: mean, std (ddof 0) and the seeds that have it."""
    out = {}
    for arm in ARMS:
        out[arm] = {}
        for key, _ in COLUMNS + (('purity_all', ''), ('removed', ''),
                                 ('d_cpu_s', ''),
                                 ('debiased_mIoU', ''),
                                 ('complemented_mIoU', ''),
                                 ('seeds_mIoU', '')):
            vals = [results[s][arm][key] for s in sorted(results)
                    if arm in results[s]
                    and results[s][arm].get(key) is not None]
            if vals:
                out[arm][key] = dict(mean=float(np.mean(vals)),
                                     std=float(np.std(vals)),
                                     n=len(vals))
    return out


def write_table(results: dict, out_dir: str) -> str:
    summary = summarize(results)
    seeds = sorted(results)
    lines = ['| arm | ' + ' | '.join(c[1] for c in COLUMNS) + ' | seeds |',
             '|---' * (len(COLUMNS) + 2) + '|']
    for arm in ARMS:
        cells = []
        for key, _ in COLUMNS:
            m = summary[arm].get(key)
            if key == 'd_wall_s':
                loads = [results[s][arm].get('d_load') or 0 for s in seeds
                         if arm in results[s]]
                shared = '*' if any(x > 2.5 for x in loads) else ''
                cells.append(f"{m['mean']:.0f}{shared}" if m else 'n/a')
                continue
            cells.append(f"{m['mean']:.2f} ± {m['std']:.2f}" if m else 'n/a')
        n = sum(arm in results[s] for s in seeds)
        n_d = sum(results[s].get(arm, {}).get('mIoU') is not None
                  for s in seeds)
        count = str(n) if n_d == n else f'{n} (stage D: {n_d})'
        lines.append(f'| {arm} | ' + ' | '.join(cells) + f' | {count} |')
    text = '\n'.join(lines) + '\n'
    cams = [results[s][k] for s in seeds for k in results[s]
            if k.endswith(' CAM') and results[s][k].get('wall_s')]
    if cams:
        shared = any((c.get('load') or 0) > 2.5 for c in cams)
        wall = np.mean([c['wall_s'] for c in cams])
        text += (f"\nStage A (CAM, 30 epochs): {wall:.0f}"
                 f"{'*' if shared else ''} s wall per run.\n")
    text += ('\n\\* a run beside other work (mean load average above 2.5 '
             'on the 2 cores): its wall time is an upper bound.\n')
    return write_outputs(out_dir, 'mars', text, results)


PAPER = dict(
    Title='MARS: Model-agnostic Biased Object Removal without Additional '
    'Supervision for Weakly-Supervised Semantic Segmentation',
    URL='https://arxiv.org/abs/2304.09913', Venue='ICCV 2023')
COLLECTIONS = {
    'MARS': 'MARS (Jo et al., ICCV 2023) on CAM seeds',
    'CAM baseline': 'DeepLabV3+ trained on the CAM seeds',
    'MARS (negative control)': 'MARS where the stripe never lies alone',
    'CAM baseline (negative control)': 'the CAM baseline on the negative '
    'control',
}
# arm -> (model name, collection, config, how its labels are made)
MODELS_OF = {
    'CAM baseline': ('deeplabv3plus_r18-d8_1500i_biased-voc-seeds',
                     'CAM baseline', SEG, f'CAM seeds of {CAM}'),
    'MARS': ('mars_deeplabv3plus_r18-d8_1500i_biased-voc', 'MARS', MARS,
             f'{DEBIAS} (K_bg = 2) on the CAM seeds'),
    'MARS, K_bg = 3': ('mars_deeplabv3plus_r18-d8_1500i_biased-voc_kbg3',
                       'MARS', MARS,
                       f'{DEBIAS} --cfg-options debias.k_bg=3'),
    'MARS, min distance': (
        'mars_deeplabv3plus_r18-d8_1500i_biased-voc_min', 'MARS', MARS,
        f'{DEBIAS} --cfg-options debias.reduce=min'),
    'MARS, min distance, no complementing': (
        'mars_deeplabv3plus_r18-d8_1500i_biased-voc_min_no-complement',
        'MARS', MARS_NO_COMPLEMENT,
        f'{DEBIAS} --cfg-options debias.reduce=min'),
    'CAM baseline (negative control)': (
        'deeplabv3plus_r18-d8_1500i_biased-voc-seeds_negative-control',
        'CAM baseline (negative control)', SEG,
        f'CAM seeds of {CAM} on the negative control'),
    'MARS (negative control)': (
        'mars_deeplabv3plus_r18-d8_1500i_biased-voc_negative-control',
        'MARS (negative control)', MARS,
        f'{DEBIAS} (K_bg = 2) on the negative control'),
    'MARS, min distance (negative control)': (
        'mars_deeplabv3plus_r18-d8_1500i_biased-voc_min_negative-control',
        'MARS (negative control)', MARS,
        f'{DEBIAS} --cfg-options debias.reduce=min on the negative control'),
}
DATASET = {
    'biased': 'biased synthetic VOC-style (96 px; background / train / '
    'person; rail stripe under 90 % of trains and alone in half of the '
    'other training images)',
    'control': 'biased synthetic VOC-style, negative control (96 px; the '
    'stripe under 90 % of trains, never alone in training)',
}


def write_metafile(results: dict, path: str, command: str) -> dict:
    """``configs/mars/metafile.yml`` from the results: every arm a model
    with its own ``In Collection``; validation ``Biased FPR`` (the stripe
    far from trains), ``Train IoU`` and ``mIoU``, and the pseudo-label
    biased FPR of each stage, means over seeds with ``... std`` keys."""
    import yaml
    summary = summarize(results)

    def metrics(arm, keys):
        out = {}
        for key, name in keys:
            m = summary[arm].get(key)
            if m:
                out[name] = round(m['mean'], 2)
                out[f'{name} std'] = round(m['std'], 2)
        return out

    models = []
    for arm, (name, coll, config, labels) in MODELS_OF.items():
        if not summary[arm]:
            continue
        data = DATASET[ARMS[arm][0]]
        wall = summary[arm].get('d_wall_s')
        models.append({
            'Name': name, 'In Collection': coll, 'Config': config,
            'Metadata': {
                'Arm': arm,
                'Seeds (pseudo labels)': ' '.join(
                    str(x) for x in sorted(results) if arm in results[x]),
                'Seeds (segmentation)': ' '.join(
                    str(x) for x in sorted(results)
                    if results[x].get(arm, {}).get('mIoU') is not None),
                'Pseudo labels': labels,
                'Features': 'ColourStatsDenseFeatures (a fixed stand-in '
                'for STEGO; nothing learned)',
                'Training Resources': '2 CPU cores',
                'Stage-D wall time per run (s)':
                round(wall['mean']) if wall else None,
                'Command': command},
            'Results': [
                {'Task': 'Semantic Segmentation',
                 'Dataset': data + ', 100 validation images',
                 'Metrics': metrics(arm, (('biased_far/fpr', 'Biased FPR'),
                                          ('IoU.train', 'Train IoU'),
                                          ('mIoU', 'mIoU'),
                                          ('biased/fpr',
                                           'Biased FPR (whole stripe)')))},
                {'Task': 'Semantic Segmentation (pseudo labels)',
                 'Dataset': data + ', the 400 training images',
                 'Metrics': metrics(arm, (
                     ('seeds_fpr', 'CAM-seed Biased FPR'),
                     ('debiased_fpr', 'Debiased Biased FPR'),
                     ('complemented_fpr', 'Complemented Biased FPR'),
                     ('purity_selected', 'Selected-centroid purity')))},
            ]})
    collections = [{'Name': 'MARS', 'Metadata': {
        'Training Data': 'image-level tags only (no masks)'},
        'Paper': PAPER, 'Code': {'URL': 'https://github.com/shjo-april/MARS'},
        'README': 'configs/mars/README.md'}]
    collections += [{'Name': name, 'Metadata': {
        'Training Data': 'image-level tags only (no masks)',
        'Description': what}, 'README': 'configs/mars/README.md'}
        for name, what in COLLECTIONS.items() if name != 'MARS']
    data = {'Collections': collections, 'Models': models}
    with open(path, 'w') as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True,
                       width=79)
    return data


def ensure_data() -> None:
    from mmssl.datasets.synthetic import make_biased_voc
    for mode, root in DATA.items():
        meta = osp.join(ROOT, root, 'meta.json')
        version = None
        if osp.isfile(meta):
            with open(meta) as f:
                version = json.load(f).get('version')
        if version != DATA_VERSION:
            print(f'[mars] writing the {mode} benchmark data to {root}')
            if osp.isdir(osp.join(ROOT, root)):
                import shutil
                shutil.rmtree(osp.join(ROOT, root))
            make_biased_voc(osp.join(ROOT, root), mode=mode)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='The training seeds to run.')
    parser.add_argument('--work-dir', default='work_dirs/mars_bench',
                        help='Where every stage of every seed writes.')
    parser.add_argument('--rerun', action='store_true',
                        help='Run finished steps again.')
    parser.add_argument('--stages', default='ABCD',
                        choices=('ABC', 'ABCD'),
                        help='ABC: only the pseudo labels of every arm (CAM '
                        'seeds, features, debiased labels and their '
                        'diagnostics); ABCD: also train stage D.')
    parser.add_argument('--collect', action='store_true',
                        help='Train nothing in stage D: tabulate the runs '
                        'that finished (stages A-C still run if missing).')
    parser.add_argument('--metafile', action='store_true',
                        help='Also write configs/mars/metafile.yml from the '
                        'results.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    ensure_data()
    from mmssl.utils.progress import track
    results = {}
    text = ''
    for seed in track(args.seeds, desc=f'[mars] {len(args.seeds)} seeds',
                      lines=len(args.seeds)):
        results[seed] = run_seed(seed, args.work_dir, args.rerun,
                                 args.stages, args.collect)
        text = write_table(results, args.work_dir)
    print(text)
    if args.metafile and results:
        seeds = ' '.join(str(s) for s in args.seeds)
        write_metafile(results, osp.join(ROOT, 'configs', 'mars',
                                         'metafile.yml'),
                       'python tools/benchmark/mars_benchmark.py --seeds '
                       f'{seeds} --work-dir {args.work_dir} --metafile')
    return results


if __name__ == '__main__':
    sys.path.insert(0, ROOT)
    from mmssl.utils.errors import run_cli
    run_cli(main)
