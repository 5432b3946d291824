# Copyright (c) mmssl contributors. All rights reserved.
"""FixMatch on CIFAR-10 (JPEG copy) at the paper's batch on one GPU.

Trains ``configs/fixmatch/fixmatch_wrn-28-2_1m_cifar10-jpg-250.py``
(WRN-28-2, 64 labeled + 7 x 64 unlabeled images per step, each unlabeled
image in a weak and a strong view: 960 images a step) through
``tools/train.py`` for a fixed wall-clock budget, evaluates the EMA model
every ``--val-interval`` iterations, and reports iterations/s (with the
share of each step spent waiting for data) and top-1 accuracy against
iterations. It is a GPU check, never part of the tests or CI: the paper's
2^20 iterations take days, so the accuracies are those of the first
minutes of the paper's schedule (the learning rate is still ~0.03).

It runs where mmcv was installed without its compiled ops (``mmcv-lite``,
e.g. a machine whose CUDA mmcv does not build for): mmdet and mmseg import
``mmcv.ops`` when imported, so a ``mmcv._ext`` whose every op raises a
clear error stands in for the missing extension in the training process.
A FixMatch classifier calls no mmcv op; if one were called, the run stops
with that error, it never computes with a stand-in.

Example (on the GPU machine, data linked as data/cifar10-jpg)::

    python tools/benchmark/gpu_fixmatch_cifar10.py --time-limit 360 \\
        --out gpu_fixmatch

It writes ``summary.json``, ``summary.md`` (the table), ``scalars.json``
(mmengine's scalars of the run) and the run's log into ``--out``.
"""
import argparse
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join('configs', 'fixmatch',
                  'fixmatch_wrn-28-2_1m_cifar10-jpg-250.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train FixMatch (WRN-28-2, batch 64 + 7 x 64) on '
        'CIFAR-10 (JPEG copy) on one GPU for a fixed time and report '
        'iterations/s and accuracy against iterations.',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--config', default=CONFIG,
                        help='The FixMatch config to train.')
    parser.add_argument('--data-root', default='data/cifar10-jpg',
                        help='The folder holding train/ and test/.')
    parser.add_argument('--time-limit', type=float, default=360,
                        help='Seconds of training (the data decoding '
                        'included) before the run is stopped.')
    parser.add_argument('--val-interval', type=int, default=200,
                        help='Iterations between two evaluations.')
    parser.add_argument('--workers', type=int, default=None,
                        help='Training dataloader workers; by default the '
                        'number of CPU cores minus 2.')
    parser.add_argument('--precision', choices=['fp32', 'bf16'],
                        default='bf16',
                        help='fp32 (TF32 matmuls) or bfloat16 autocast.')
    parser.add_argument('--seed', type=int, default=0,
                        help='The seed of the run (split and training).')
    parser.add_argument('--out', default='work_dirs/gpu_fixmatch_cifar10',
                        help='Folder for summary.json, summary.md, '
                        'scalars.json and the log.')
    parser.add_argument('--work-dir', default=None,
                        help='The run\'s work dir (checkpoints, logs); by '
                        'default <out>/work_dir.')
    parser.add_argument('--child', action='store_true',
                        help=argparse.SUPPRESS)
    parser.add_argument('train_args', nargs=argparse.REMAINDER,
                        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def allow_mmcv_without_ops():
    """Let mmdet/mmseg import when mmcv has no compiled ``_ext``.

    Returns True when the stand-in was installed. Every attribute of the
    stand-in is a function that raises, so a run that needed an op stops
    with a message instead of computing anything wrong.
    """
    try:
        import mmcv._ext  # noqa: F401
        return False
    except ImportError:
        pass
    import types
    module = types.ModuleType('mmcv._ext')

    def __getattr__(name):
        if name.startswith('__'):
            raise AttributeError(name)

        def missing(*args, **kwargs):
            raise RuntimeError(
                f'mmcv op {name!r} was called, but this mmcv has no '
                'compiled ops (mmcv-lite); gpu_fixmatch_cifar10.py runs '
                'classification only, which needs none')
        return missing

    module.__getattr__ = __getattr__
    sys.modules['mmcv._ext'] = module
    return True


def child(args):
    """The training process: tools/train.py's main with the stand-in."""
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    sys.path.insert(0, ROOT)
    if allow_mmcv_without_ops():
        print('[gpu_fixmatch] mmcv has no compiled ops here: mmdet/mmseg '
              'import with a stand-in mmcv._ext whose ops raise if called',
              flush=True)
    import train as train_tool
    train_tool.main(args.train_args)


def train_argv(args, work_dir):
    workers = args.workers
    if workers is None:
        workers = max(1, (os.cpu_count() or 4) - 2)
    root = args.data_root
    options = [
        f'train_dataloader.dataset.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'train_dataloader.num_workers={workers}',
        'train_dataloader.persistent_workers=True',
        'train_dataloader.pin_memory=True',
        'val_dataloader.num_workers=4',
        'test_dataloader.num_workers=4',
        f'train_cfg.val_interval={args.val_interval}',
        'default_hooks.logger.interval=20',
        # Checkpoints only at the evaluations: the run is stopped by time.
        f'default_hooks.checkpoint.interval={args.val_interval}',
        'default_hooks.checkpoint.max_keep_ckpts=1',
        'env_cfg.cudnn_benchmark=True',
    ]
    if args.precision == 'bf16':
        options += ['optim_wrapper.type=AutocastOptimWrapper',
                    'optim_wrapper.dtype=bfloat16']
    return [args.config, '--work-dir', work_dir, '--seed', str(args.seed),
            '--cfg-options'] + options


def run_training(args, work_dir, log_path):
    argv = [sys.executable, osp.abspath(__file__), '--child', '--'] + \
        train_argv(args, work_dir)
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    start = time.time()
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=args.time_limit)
            stopped = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            rc, stopped = None, True
    return rc, stopped, time.time() - start


def read_scalars(work_dir):
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')))
    if not files:
        return None, []
    rows = []
    with open(files[-1]) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return files[-1], rows


def summarize(rows, skip_iters=40):
    """Speed from the training rows, accuracy from the evaluation rows."""
    train = [r for r in rows if 'time' in r and 'iter' in r]
    steady = [r for r in train if r['iter'] > skip_iters] or train
    summary = {}
    if steady:
        step = sum(r['time'] for r in steady) / len(steady)
        data = sum(r.get('data_time', 0.0) for r in steady) / len(steady)
        summary.update(
            iters_done=max(r['iter'] for r in train),
            step_time_s=round(step, 4),
            iters_per_s=round(1.0 / step, 3),
            images_per_s=round(960.0 / step, 1),
            data_wait_share=round(data / step, 3))
    evals = []
    for r in rows:
        if 'accuracy/top1' in r:
            row = {'iter': r['step'], 'top1': round(r['accuracy/top1'], 2)}
            # The head's diagnostics logged closest before this evaluation.
            last = [t for t in train if t['iter'] <= r['step']]
            if last:
                for key in ('util_ratio', 'pl_acc', 'loss_u', 'loss_x'):
                    match = [k for k in last[-1] if k.endswith(key)]
                    for k in match:
                        row[k] = round(last[-1][k], 4)
            evals.append(row)
    summary['evaluations'] = evals
    return summary


def device_info():
    import torch
    info = {'torch': torch.__version__, 'python': sys.version.split()[0]}
    if torch.cuda.is_available():
        info['gpu'] = torch.cuda.get_device_name(0)
        info['cuda'] = torch.version.cuda
    info['cpu_cores'] = os.cpu_count()
    return info


def write_markdown(summary, path):
    lines = [
        f"FixMatch, WRN-28-2, CIFAR-10 (JPEG copy), 250 labels, seed "
        f"{summary['seed']}, batch 64 + 7 x 64 ({summary['precision']}), "
        f"on {summary['device'].get('gpu', 'CPU')} with "
        f"{summary['device']['cpu_cores']} CPU cores: "
        f"{summary.get('iters_per_s', 'n/a')} it/s "
        f"({summary.get('images_per_s', 'n/a')} images/s; "
        f"{summary.get('data_wait_share', 'n/a')} of each step waiting for "
        f"data), {summary.get('iters_done', 0)} iterations in "
        f"{summary['wall_s']:.0f} s.",
        '',
        '| iteration | top-1 (EMA) | mask ratio | masked pseudo-label acc |',
        '| ---: | ---: | ---: | ---: |',
    ]
    for e in summary['evaluations']:
        mask = next((v for k, v in e.items() if k.endswith('util_ratio')),
                    '')
        acc = next((v for k, v in e.items() if k.endswith('pl_acc')), '')
        lines.append(f"| {e['iter']} | {e['top1']:.2f} | {mask} | {acc} |")
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        if args.train_args and args.train_args[0] == '--':
            args.train_args = args.train_args[1:]
        return child(args)
    os.makedirs(args.out, exist_ok=True)
    work_dir = args.work_dir or osp.join(args.out, 'work_dir')
    log_path = osp.join(args.out, 'train.log')
    rc, stopped, wall = run_training(args, work_dir, log_path)
    scalars_path, rows = read_scalars(work_dir)
    summary = dict(config=args.config, seed=args.seed,
                   precision=args.precision, time_limit_s=args.time_limit,
                   stopped_by_time_limit=stopped, returncode=rc,
                   wall_s=round(wall, 1), device=device_info())
    summary.update(summarize(rows))
    if scalars_path:
        with open(osp.join(args.out, 'scalars.json'), 'w') as f:
            f.write(open(scalars_path).read())
    with open(osp.join(args.out, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    write_markdown(summary, osp.join(args.out, 'summary.md'))
    print(open(osp.join(args.out, 'summary.md')).read())
    if (not stopped and rc != 0) or not summary['evaluations']:
        print(f'training failed (exit {rc}) or reached no evaluation; the '
              f'end of {log_path}:')
        with open(log_path) as f:
            print(''.join(f.readlines()[-40:]))
        return 1 if rc else 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
