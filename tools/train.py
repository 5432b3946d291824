# Copyright (c) mmssl contributors. All rights reserved.
"""Train a model from a config (mmdet-compatible command line)."""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description='Train a model.',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('config', help='The training config file.')
    parser.add_argument(
        '--work-dir',
        help='The folder for logs and checkpoints. When not given, the '
        "config's work_dir, else work_dirs/<config name>.")
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='Resume training. With a checkpoint path, resume from that '
        'checkpoint; without one, resume from the latest checkpoint in the '
        'work folder.')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='Train with automatic mixed precision.')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help="Scale the learning rate to the actual batch size (the "
        "config's auto_scale_lr.base_batch_size).")
    parser.add_argument(
        '--seed',
        type=int,
        default=None,
        help="The seed of the run and of the datasets' splits (train/test "
        'and labeled/unlabeled), i.e. run N of a benchmark protocol. When '
        "not given, the config's randomness.seed.")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='Override settings of the config: key=value pairs (for '
        'example train_cfg.max_epochs=1) are merged into the config.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='The job launcher for distributed training.')
    parser.add_argument(
        '--vis-backend',
        choices=['local', 'tensorboard', 'wandb'],
        help='Also log scalars (losses, metrics, method diagnostics) to '
        'this visualizer backend (tensorboard and wandb are pip extras).')
    parser.add_argument('--debug', action='store_true',
                        help='Show full tracebacks on errors.')
    # When using PyTorch version >= 2.0.0, the `torch.distributed.launch`
    # will pass the `--local-rank` parameter to `tools/train.py` instead
    # of `--local_rank`.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help='The process rank on this machine (set by '
                        'the distributed launcher).')
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv=None):
    args = parse_args(argv)

    from mmengine.runner import Runner

    from mmssl.utils.config import add_vis_backend, load_config, set_seed
    from mmssl.utils.dist import setup_cpu_distributed

    cfg = load_config(args.config, args.cfg_options)
    if args.seed is not None:
        set_seed(cfg, args.seed)
    cfg.launcher = args.launcher
    if args.vis_backend is not None:
        add_vis_backend(cfg, args.vis_backend)

    # work_dir is determined in this priority: CLI > segment in file > name
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        import torch
        optim_wrapper = cfg.optim_wrapper.type
        if optim_wrapper in ('AmpOptimWrapper', 'AutocastOptimWrapper'):
            print('AMP training is already enabled in your config.')
        elif torch.cuda.is_available():
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'
        else:
            # mmengine's AmpOptimWrapper needs a GPU; bf16 autocast does not.
            cfg.optim_wrapper.type = 'AutocastOptimWrapper'
            cfg.optim_wrapper.dtype = 'bfloat16'

    if args.auto_scale_lr:
        if cfg.get('auto_scale_lr', {}).get('base_batch_size') is None:
            raise RuntimeError('--auto-scale-lr needs `auto_scale_lr = '
                               'dict(base_batch_size=N)` in the config')
        cfg.auto_scale_lr.enable = True

    if args.resume == 'auto':
        # The newest intact checkpoint of the work dir: a partial or
        # corrupt newest one (a run killed while saving) is skipped with a
        # warning instead of stopping the resume.
        from mmssl.utils.checkpoint import find_resume_checkpoint
        ckpt = find_resume_checkpoint(cfg.work_dir)
        cfg.resume = ckpt is not None
        cfg.load_from = ckpt
        if ckpt is None:
            print(f'--resume: no intact checkpoint in {cfg.work_dir}; '
                  'training starts from the beginning')
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    setup_cpu_distributed(cfg, args.launcher)

    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        from mmssl.registry import RUNNERS
        runner = RUNNERS.build(cfg)
    runner.train()


if __name__ == '__main__':
    run_cli(main)
