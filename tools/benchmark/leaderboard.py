# Copyright (c) mmssl contributors. All rights reserved.
"""Run (or collect) a benchmark over seeds and write its leaderboard.

Each config is trained with ``tools/train.py CONFIG --seed S`` for every
seed, into ``<work-dir>/<config name>/seed<S>``; the accuracy of the
evaluated (EMA) model at the end of training is read from the run's scalar
log and stored with its wall time in ``result.json`` next to it. Finished
runs are reused, so an interrupted leaderboard continues where it stopped;
``--collect`` only gathers what is there.

The leaderboard (``leaderboard.md``, ``leaderboard.csv``,
``leaderboard.png``: accuracy against labels per class) has one row per
(config, labels per class): method, labels/class, mean and std of the
top-1 accuracy over seeds, the seeds, wall time, config. For the digits
suite it also has scikit-learn reference rows computed live on exactly the
same splits: an RBF SVM on the labeled images alone, and LabelSpreading
(kNN graph over labeled + unlabeled training images, transductive).

Examples::

    python tools/benchmark/leaderboard.py --suite digits
    python tools/benchmark/leaderboard.py configs/fixmatch/x.py --seeds 0 1
    python tools/benchmark/leaderboard.py --suite digits --collect
    python tools/benchmark/leaderboard.py --suite synthetic-cub-wsol
    python tools/benchmark/leaderboard.py --suite cifar10-cpu  # cifar_suite
"""
import argparse
import csv
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
import warnings

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

SUITES = {
    # The digits benchmark: 30% stratified test split of sklearn's digits
    # with random_state=seed, N labels per class drawn from the rest with
    # the same seed, seeds 0, 1, 2; EMA model's test accuracy.
    'digits': [
        'configs/supervised/supervised_digits-cnn_2k_digits-1.py',
        'configs/supervised/supervised_digits-cnn_2k_digits-4.py',
        'configs/supervised/supervised_digits-cnn_2k_digits-10.py',
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-1.py',
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-4.py',
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-10.py',
    ],
    # The headline setting, 4 labels per class (the README's main job).
    'digits-main': [
        'configs/supervised/supervised_digits-cnn_2k_digits-4.py',
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-4.py',
    ],
    # Standard SSL on digits: FixMatch vs. ShrinkMatch at 1 and 4 labels
    # per class (same protocol and splits as 'digits').
    'digits-standard': [
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-1.py',
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-4.py',
        'configs/shrinkmatch/shrinkmatch_digits-cnn_2k_digits-1.py',
        'configs/shrinkmatch/shrinkmatch_digits-cnn_2k_digits-4.py',
    ],
    # Open-set digits: classes 0-5 seen with 4 labels each, 6-9 unseen
    # (unlabeled and test sets only); closed-set accuracy, AUROC and
    # open-set balanced accuracy (OpenSetMetric).
    'digits-openset': [
        'configs/supervised/supervised_digits-cnn_2k_digits-6-24.py',
        'configs/fixmatch/fixmatch_digits-cnn_2k_digits-6-24.py',
        'configs/iomatch/iomatch_digits-cnn_2k_digits-6-24.py',
        'configs/wad/wad_digits-cnn_6x1500_digits-6-24.py',
    ],
    # Weakly supervised localization on the synthetic CUB-layout dataset
    # (written to data/synthetic_cub if absent): SAT vs the TS-CAM-style
    # baseline, both fine-tuned from the same classification-pretrained
    # small ViT (trained once, seed 0, if checkpoints/ lacks it); test-set
    # GT-known / Top-1 Loc at the best of SAT's thresholds, Top-1
    # classification, MaxBoxAccV2.
    'synthetic-cub-wsol': [
        'configs/sat/sat_vit-t-p8_30e_synthetic-cub.py',
        'configs/sat/tscam_vit-t-p8_30e_synthetic-cub.py',
    ],
    # Semi-supervised 3-D segmentation on the MSD-layout phantoms (written
    # to data/phantom_msd if absent): 2 labeled + 8 unlabeled training
    # volumes, 4 test volumes; supervised single view, supervised three
    # views, UMCT; Dice and HD95 (mm) on the labels' own grid.
    'phantom-umct': [
        'configs/umct/supervised-sv_asym-unet3d_750i_phantom-2l.py',
        'configs/umct/supervised-mv_asym-unet3d_750i_phantom-2l.py',
        'configs/umct/umct_asym-unet3d_750i_phantom-2l.py',
    ],
}
# Metrics of a suite (the first one is plotted); default: top-1 accuracy.
OPENSET_METRICS = ['openset/closed_acc', 'openset/auroc',
                   'openset/balanced_acc']
WSOL_METRICS = ['wsol/gt_known_loc', 'wsol/top1_loc', 'wsol/top1_cls',
                'wsol/maxboxacc_v2']
VOLUME_METRICS = ['seg3d/mDice', 'seg3d/dice/organ', 'seg3d/dice/lesion',
                  'seg3d/hd95/organ', 'seg3d/hd95/lesion']
SUITE_METRICS = {'digits-openset': OPENSET_METRICS,
                 'synthetic-cub-wsol': WSOL_METRICS,
                 'phantom-umct': VOLUME_METRICS}
# Header of the labels column, by suite (default: labels per class).
LABELS_HEADER = {'phantom-umct': 'labeled volumes'}
HEAD_NAMES = {'FixMatchHead': 'FixMatch', 'SupervisedHead': 'Supervised',
              'LinearClsHead': 'Supervised', 'IOMatchHead': 'IOMatch',
              'ShrinkMatchHead': 'ShrinkMatch', 'WADHead': 'WAD',
              'SATHead': 'SAT'}
LOC_MAP_NAMES = {'tscam': 'TS-CAM', 'cam': 'CAM'}


WSOL_PRETRAIN = 'configs/sat/vit-t-p8_60e_synthetic-cub-pretrain.py'
WSOL_PRETRAIN_CKPT = 'checkpoints/vit-t-p8_synthetic-cub-pretrain.pth'


def train_run(config: str, seed: int, run_dir: str,
              extra_args=()) -> float:
    """``tools/train.py CONFIG --seed S --work-dir RUN_DIR``, logged to
    ``RUN_DIR/train.log``; returns the wall time, raises on failure.

    An interrupted run (its ``last_checkpoint`` is there) is resumed with
    ``--resume``; its wall time is the sum over the attempts, kept up to
    date in ``RUN_DIR/elapsed.json`` while it trains. ``elapsed.json`` also
    keeps the run's CPU time (user + system of the training process, which
    other jobs on the machine barely change) and the machine's mean 1-minute
    load average during it: a load well above the run's thread count means
    other jobs shared the cores and the wall time is an upper bound."""
    os.makedirs(run_dir, exist_ok=True)
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), config,
           '--seed', str(seed), '--work-dir', run_dir]
    elapsed_file = osp.join(run_dir, 'elapsed.json')
    before = dict(wall_time_s=0.0, cpu_time_s=0.0, load_sum=0.0,
                  load_samples=0)
    resume = osp.isfile(osp.join(run_dir, 'last_checkpoint'))
    if resume:
        cmd.append('--resume')
        if osp.isfile(elapsed_file):
            with open(elapsed_file) as f:
                saved = json.load(f)
            before.update({k: saved[k] for k in before if k in saved})
    cmd += list(extra_args)
    print(f'[leaderboard] {" ".join(cmd)}'
          + (f' (resuming; {before["wall_time_s"]:.0f} s before)'
             if resume else ''), flush=True)
    load = dict(sum=0.0, samples=0)

    def note_elapsed(cpu=0.0):
        load['sum'] += os.getloadavg()[0]
        load['samples'] += 1
        samples = before['load_samples'] + load['samples']
        total = before['load_sum'] + load['sum']
        with open(elapsed_file, 'w') as f:
            json.dump(dict(wall_time_s=before['wall_time_s'] + time.time()
                           - start,
                           cpu_time_s=before['cpu_time_s'] + cpu,
                           load_sum=total, load_samples=samples,
                           load_avg_mean=total / samples), f)

    start, cpu_start = time.time(), _children_cpu()
    with open(osp.join(run_dir, 'train.log'), 'a' if resume else 'w') as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                cwd=ROOT)
        while True:
            try:
                proc.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                note_elapsed()
    # proc.wait() reaped the child: os.wait4 is no longer possible, so the
    # CPU time comes from the children's rusage of this process (the
    # training is its only child at a time).
    note_elapsed(cpu=_children_cpu() - cpu_start)
    if proc.returncode != 0:
        raise RuntimeError(f'training failed ({config}, seed {seed}); see '
                           f'{osp.join(run_dir, "train.log")}')
    return before['wall_time_s'] + time.time() - start


def _children_cpu() -> float:
    """User + system CPU seconds of this process's reaped children."""
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_stats(run_dir: str) -> dict:
    """CPU time and mean load average of a run (``elapsed.json``), rounded;
    empty for runs that predate them."""
    path = osp.join(run_dir, 'elapsed.json')
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        saved = json.load(f)
    out = {}
    if saved.get('cpu_time_s'):
        out['cpu_time_s'] = round(saved['cpu_time_s'], 1)
    if 'load_avg_mean' in saved:
        out['load_avg_mean'] = round(saved['load_avg_mean'], 2)
    return out


def train_once(config: str, seed: int, run_dir: str, rerun: bool,
               options=()) -> str:
    """:func:`train_run` unless the run finished before; returns its last
    checkpoint. Finished means a ``done`` marker written after a
    successful run, not ``last_checkpoint`` (an interrupted run has one
    too)."""
    marker = osp.join(run_dir, 'done')
    if not done(marker, rerun):
        train_run(config, seed, run_dir,
                  ['--cfg-options'] + list(options) if options else [])
        open(marker, 'w').close()
    return last_ckpt(run_dir)


def run_tool(args, log_file: str) -> None:
    """Run ``python ARGS...`` from the repository root, logged to
    ``log_file``; raises on failure."""
    cmd = [sys.executable] + args
    print(f'[bench] {" ".join(args)}', flush=True)
    os.makedirs(osp.dirname(log_file), exist_ok=True)
    with open(log_file, 'w') as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT,
                              cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f'{args[0]} failed; see {log_file}')


def data_opts(root: str, keys=('train_dataloader', 'val_dataloader',
                               'test_dataloader')) -> list:
    """``--cfg-options`` pointing the dataloaders at ``root``."""
    return [f'{k}.dataset.data_root={root}' for k in keys]


def last_ckpt(run_dir: str) -> str:
    """The checkpoint a run saved last."""
    with open(osp.join(run_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def test_metrics(run_dir: str) -> dict:
    """The metrics json tools/test.py wrote last in ``run_dir``."""
    files = sorted(glob.glob(osp.join(run_dir, '*', '*.json')))
    files = [f for f in files if not f.endswith('scalars.json')]
    if not files:
        raise FileNotFoundError(f'no test metrics in {run_dir}')
    with open(files[-1]) as f:
        return json.load(f)


def write_outputs(out_dir: str, name: str, text: str,
                  results: dict) -> str:
    """Write a driver's table to ``<out_dir>/<name>_leaderboard.md`` and
    its raw results to ``<name>_results.json``; returns ``text``."""
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, f'{name}_leaderboard.md'), 'w') as f:
        f.write(text)
    with open(osp.join(out_dir, f'{name}_results.json'), 'w') as f:
        json.dump(results, f, indent=2)
    return text


def done(path: str, rerun: bool) -> bool:
    """Whether a step's output exists and need not run again."""
    return osp.exists(path) and not rerun


def prepare_suite_data(suite: str, work_dir: str) -> None:
    """Write the generated data and the pretrained weights a suite needs
    when they are not there."""
    if suite == 'phantom-umct':
        root = osp.join(ROOT, 'data', 'phantom_msd')
        if not osp.isfile(osp.join(root, 'dataset.json')):
            from mmssl.datasets.synthetic import make_phantom_msd
            print(f'[leaderboard] writing the phantoms to {root}')
            make_phantom_msd(root)
        return
    if suite != 'synthetic-cub-wsol':
        return
    root = osp.join(ROOT, 'data', 'synthetic_cub')
    if not osp.isfile(osp.join(root, 'images.txt')):
        from mmssl.datasets.synthetic import make_synthetic_cub
        print(f'[leaderboard] writing the synthetic CUB data to {root}')
        make_synthetic_cub(root)
    ckpt = osp.join(ROOT, WSOL_PRETRAIN_CKPT)
    if osp.isfile(ckpt):
        return
    name = osp.splitext(osp.basename(WSOL_PRETRAIN))[0]
    run_dir = osp.join(work_dir, name, 'seed0')
    print('[leaderboard] pretraining the backbone', flush=True)
    wall = train_run(WSOL_PRETRAIN, 0, run_dir)
    import torch

    from mmssl.utils.checkpoint import safe_torch_load
    with open(osp.join(run_dir, 'last_checkpoint')) as f:
        last = f.read().strip()
    state = safe_torch_load(last, map_location='cpu')['state_dict']
    os.makedirs(osp.dirname(ckpt), exist_ok=True)
    torch.save({'state_dict': state}, ckpt)
    print(f'[leaderboard] pretrained backbone ({wall:.0f} s) saved to {ckpt}',
          flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('configs', nargs='*',
                        help='The config files to train and report.')
    parser.add_argument('--suite', choices=sorted(SUITES) + ['cifar10-cpu'],
                        help='A named list of configs to run instead of '
                        'CONFIGS; cifar10-cpu is the CIFAR-10 (JPEG copy) '
                        'suite of cifar_suite.py.')
    parser.add_argument('--settings', nargs='+', default=None,
                        choices=['standard', 'standard-40',
                                 'standard-15k', 'openset', 'mismatch',
                                 'mismatch-50'],
                        help='With --suite cifar10-cpu: the settings to '
                        'run. When not given, all of them.')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='The seeds to run each config with.')
    parser.add_argument('--work-dir', default='work_dirs/leaderboard',
                        help='The runs go to WORK_DIR/<config>/seed<S>.')
    parser.add_argument('--out-dir', default=None,
                        help='The folder the leaderboard files go to. When '
                        'not given, WORK_DIR.')
    parser.add_argument('--collect', action='store_true',
                        help='Do not train; collect the finished runs.')
    parser.add_argument('--rerun', action='store_true',
                        help='Train again even if a run has finished.')
    parser.add_argument('--no-sklearn', action='store_true',
                        help='Leave out the scikit-learn reference rows.')
    parser.add_argument('--metrics', nargs='+', default=None,
                        help='The logged metrics to report. When not given, '
                        "the suite's, else accuracy/top1.")
    parser.add_argument('--metafiles', action='store_true',
                        help='With --suite cifar10-cpu: also write the '
                        'results into configs/<method>/metafile.yml and '
                        'model-index.yml.')
    parser.add_argument('--records', default=None,
                        help='With --suite cifar10-cpu: the folder of run '
                        'records that decide what is finished. When not '
                        'given, the committed '
                        'tools/benchmark/records/cifar10-cpu.')
    parser.add_argument('--train-args', nargs=argparse.REMAINDER,
                        default=[], help='Everything after this flag is '
                        'passed on to tools/train.py.')
    args = parser.parse_args(argv)
    if args.suite == 'cifar10-cpu':
        return args
    if args.suite:
        args.configs = SUITES[args.suite] + list(args.configs)
    if args.metrics is None:
        args.metrics = SUITE_METRICS.get(args.suite, ['accuracy/top1'])
    if not args.configs:
        parser.error('give config files or --suite')
    return args


def describe(config: str) -> dict:
    """Method name, labels per class and dataset of a config."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config) if not osp.isfile(config)
                          else config)
    dataset = cfg.train_dataloader.dataset
    base = dataset.get('dataset', dataset)
    if cfg.model.type == 'UMCTSegmentor':
        views = len(cfg.model.get('views', (0, 1, 2)))
        method = 'UMCT' if cfg.model.get('lambda_cot', 0.2) > 0 else \
            f'Supervised ({views} view{"s" if views > 1 else ""})'
        return dict(method=method, labels_per_class=dataset.get(
            'num_labeled'), dataset=base.get('type', '?'), openset=False)
    head = cfg.model.head.type.split('.')[-1]
    labels = dataset.get('num_labels_per_class')
    method = HEAD_NAMES.get(head, head.replace('Head', ''))
    if head == 'WSOLConvHead':
        method = LOC_MAP_NAMES.get(cfg.model.head.get('loc_map'), method)
    return dict(
        method=method,
        labels_per_class=labels,
        dataset=base.get('type', '?'),
        openset=dataset.get('seen_classes') is not None)


def last_metric(run_dir: str, metric: str):
    """The last logged value of ``metric`` in a run's scalars.json."""
    found = None
    for sub in sorted(os.listdir(run_dir)):
        path = osp.join(run_dir, sub, 'vis_data', 'scalars.json')
        if not osp.isfile(path):
            continue
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if metric in record:
                    found = (record['step'], record[metric])
    return None if found is None else found[1]


def _values(result: dict) -> dict:
    """Metric -> value of a result.json (also of the one-metric format)."""
    if 'values' in result:
        return result['values']
    return {result['metric']: result['value']}


def run_one(config: str, seed: int, run_dir: str, args) -> dict:
    result_file = osp.join(run_dir, 'result.json')
    if osp.isfile(result_file) and not args.rerun:
        with open(result_file) as f:
            result = json.load(f)
        if all(m in _values(result) for m in args.metrics):
            return result
        if args.collect:
            return None
        # A finished run lacking a metric: read it from its logs.
        values = {m: last_metric(run_dir, m) for m in args.metrics}
        if all(v is not None for v in values.values()):
            result['values'] = {**_values(result), **values}
            return result
    if args.collect:
        return None
    wall = train_run(config, seed, run_dir, args.train_args)
    values = {m: last_metric(run_dir, m) for m in args.metrics}
    missing = [m for m, v in values.items() if v is None]
    if missing:
        raise RuntimeError(f'no {", ".join(missing)} in the logs of '
                           f'{run_dir}: does the config evaluate at the end '
                           'with these metrics?')
    result = dict(config=config, seed=seed, values=values,
                  wall_time_s=round(wall, 1), **run_stats(run_dir))
    with open(result_file, 'w') as f:
        json.dump(result, f)
    shown = ', '.join(f'{v:.2f}' for v in values.values())
    print(f'[leaderboard] {config} seed {seed}: {shown} ({wall:.0f} s)',
          flush=True)
    return result


def sklearn_rows(labels_per_class, seeds) -> list:
    """Reference rows on the digits protocol's exact splits."""
    from sklearn.semi_supervised import LabelSpreading
    from sklearn.svm import SVC

    from mmssl.datasets import digits_split, make_ssl_split
    rows = []
    for n in sorted(labels_per_class):
        scores = dict(svm=[], spreading=[])
        start = time.time()
        for seed in seeds:
            images, labels, train_idx, test_idx = digits_split(seed)
            x = images.reshape(len(images), -1) / 255.0
            split = make_ssl_split(labels[train_idx], n, seed)
            lab = train_idx[split['labeled']]
            svm = SVC(kernel='rbf').fit(x[lab], labels[lab])
            scores['svm'].append(
                (svm.predict(x[test_idx]) == labels[test_idx]).mean() * 100)
            y = np.full(len(train_idx), -1)
            y[split['labeled']] = labels[lab]
            with warnings.catch_warnings():
                # kNN graph components without a label divide by zero.
                warnings.simplefilter('ignore', RuntimeWarning)
                spreading = LabelSpreading(kernel='knn').fit(x[train_idx], y)
                pred = spreading.predict(x[test_idx])
            scores['spreading'].append((pred == labels[test_idx]).mean() *
                                       100)
        wall = (time.time() - start) / 2
        for key, name in (('svm', 'sklearn RBF SVM (labels only)'),
                          ('spreading',
                           'sklearn LabelSpreading (kNN, transductive)')):
            rows.append(dict(
                method=name, labels_per_class=n,
                mean=[float(np.mean(scores[key]))],
                std=[float(np.std(scores[key]))], seeds=list(seeds),
                wall_time_s=round(wall, 1), config='(scikit-learn)'))
    return rows


def write_leaderboard(rows: list, out_dir: str, metrics: list,
                      labels_header: str = 'labels/class') -> None:
    """Rows hold per-metric lists ``mean`` and ``std`` (in ``metrics``'
    order); the first metric sorts the rows and is plotted."""
    os.makedirs(out_dir, exist_ok=True)
    metric = metrics[0]
    rows = sorted(rows,
                  key=lambda r: (r['labels_per_class'] or 0, -r['mean'][0]))
    header = ['method', labels_header]
    for m in metrics:
        header += [f'mean {m}', 'std (ddof 0)']
    header += ['seeds', 'wall time (s)', 'config']

    def cells(r):
        labels = r['labels_per_class']
        out = [r['method'], 'all' if labels is None else str(labels)]
        for mean, std in zip(r['mean'], r['std']):
            out += [f'{mean:.2f}', f'{std:.2f}']
        return out + [' '.join(map(str, r['seeds'])),
                      f"{r['wall_time_s']:.0f}", r['config']]

    with open(osp.join(out_dir, 'leaderboard.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for r in rows:
            writer.writerow(cells(r))
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '---|' * len(header)]
    for r in rows:
        c = cells(r)
        c[-1] = f'`{c[-1]}`' if r['config'].endswith('.py') else c[-1]
        lines.append('| ' + ' | '.join(c) + ' |')
    md = '\n'.join(lines) + '\n'
    with open(osp.join(out_dir, 'leaderboard.md'), 'w') as f:
        f.write(md)
    print(md)
    if any(r['labels_per_class'] is None for r in rows):
        return  # fully (weakly) labeled suites: no curve over labels
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('[leaderboard] matplotlib not installed: no PNG plot')
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for method in sorted({r['method'] for r in rows}):
        pts = sorted((r['labels_per_class'], r['mean'][0], r['std'][0])
                     for r in rows if r['method'] == method)
        xs, ys, es = zip(*pts)
        ax.errorbar(xs, ys, yerr=es, marker='o', capsize=3, label=method)
    ax.set_xscale('log')
    ticks = sorted({r['labels_per_class'] for r in rows})
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel('labels per class')
    ax.set_ylabel(f'{metric} (%)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(osp.join(out_dir, 'leaderboard.png'), dpi=120)
    print(f'[leaderboard] written to {out_dir}/leaderboard.{{md,csv,png}}')


def main(argv=None):
    args = parse_args(argv)
    out_dir = args.out_dir or args.work_dir
    if args.suite == 'cifar10-cpu':
        sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
        from cifar_suite import run_suite
        print(run_suite(args.seeds, args.work_dir, out_dir,
                        collect=args.collect, rerun=args.rerun,
                        settings=args.settings,
                        classical=not args.no_sklearn, run_one=run_one,
                        metafiles=args.metafiles,
                        **({'records': args.records} if args.records
                           else {})))
        return
    if args.suite and not args.collect:
        prepare_suite_data(args.suite, args.work_dir)
    from mmssl.utils.progress import track
    rows, digits_labels = [], set()
    infos = [describe(config) for config in args.configs]
    # every run (config x seed) first, with one progress over them all
    runs = [(c, config, seed) for c, config in enumerate(args.configs)
            for seed in args.seeds]
    finished = [[] for _ in args.configs]
    for c, config, seed in track(
            runs, desc=f'leaderboard: {len(runs)} runs', lines=len(runs)):
        name = osp.splitext(osp.basename(config))[0]
        run_dir = osp.join(args.work_dir, name, f'seed{seed}')
        result = run_one(config, seed, run_dir, args)
        if result is not None:
            finished[c].append(result)
    for config, info, results in zip(args.configs, infos, finished):
        if not results:
            print(f'[leaderboard] no finished run of {config}')
            continue
        values = np.array([[_values(r)[m] for m in args.metrics]
                           for r in results], dtype=float)
        rows.append(dict(
            method=info['method'], labels_per_class=info['labels_per_class'],
            mean=values.mean(0).tolist(), std=values.std(0).tolist(),
            seeds=[r['seed'] for r in results],
            wall_time_s=sum(r['wall_time_s'] for r in results),
            config=config))
        if info['dataset'] == 'DigitsDataset' and not info['openset'] \
                and info['labels_per_class'] is not None \
                and args.metrics == ['accuracy/top1']:
            digits_labels.add(info['labels_per_class'])
    if digits_labels and not args.no_sklearn:
        rows += sklearn_rows(digits_labels, args.seeds)
    if not rows:
        raise SystemExit('nothing to write: no finished runs')
    write_leaderboard(rows, out_dir, args.metrics,
                      LABELS_HEADER.get(args.suite, 'labels/class'))


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
