# Copyright (c) mmssl contributors. All rights reserved.
"""Test a checkpoint on a config's test set (mmdet-compatible CLI)."""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument(
        '--out',
        type=str,
        help='dump predictions to a pickle file for offline evaluation')
    parser.add_argument(
        '--show-dir',
        help='directory where painted images will be saved. If specified, '
        'it will be automatically saved to the work_dir/timestamp/show_dir')
    parser.add_argument(
        '--seed',
        type=int,
        default=None,
        help='seed of the datasets\' splits, as given to tools/train.py '
        '(the digits test split depends on it)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--debug', action='store_true',
                        help='show full tracebacks on errors')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def check_checkpoint_fits(runner, checkpoint: str) -> None:
    """Raise unless ``checkpoint``'s weights fit ``runner.model`` exactly.

    mmengine's Runner loads ``load_from`` non-strictly: another model's
    checkpoint would only log a warning and be tested with random weights.
    The checkpoint is loaded here once more (weights-only, through the
    same loaders) and checked key by key and shape by shape.
    """
    from mmengine.model import is_model_wrapper
    from mmengine.runner.checkpoint import _load_checkpoint

    from mmssl.utils.checkpoint import check_weights_fit, state_dict_of
    model = runner.model
    if is_model_wrapper(model):
        model = model.module
    state = state_dict_of(_load_checkpoint(checkpoint, map_location='cpu'),
                          checkpoint)
    check_weights_fit(model, state, checkpoint)


def main(argv=None):
    args = parse_args(argv)

    from mmengine.runner import Runner

    from mmssl.utils.checkpoint import CheckpointLoadError
    from mmssl.utils.config import load_config, set_seed
    from mmssl.utils.dist import setup_cpu_distributed

    cfg = load_config(args.config, args.cfg_options)
    if args.seed is not None:
        set_seed(cfg, args.seed)
    cfg.launcher = args.launcher
    if not osp.isfile(args.checkpoint) and '://' not in args.checkpoint:
        raise CheckpointLoadError(f'checkpoint not found: {args.checkpoint}')

    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    cfg.load_from = args.checkpoint

    if args.show_dir:
        vis = cfg.default_hooks.get('visualization')
        if vis is None:
            raise RuntimeError('--show-dir needs a `visualization` hook in '
                               '`default_hooks`')
        if str(vis.get('type', '')).endswith('DetVisualizationHook'):
            # mmdet's hook (detection configs such as TSDDNet's), as
            # mmdet's tools/test.py sets it
            vis.update(draw=True, test_out_dir=args.show_dir)
        else:
            vis['out_dir'] = args.show_dir

    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ValueError('--out must be a .pkl or .pickle file')
        dump = dict(type='DumpResults', out_file_path=args.out)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = [*cfg.test_evaluator, dump]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump]

    setup_cpu_distributed(cfg, args.launcher)

    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        from mmssl.registry import RUNNERS
        runner = RUNNERS.build(cfg)
    check_checkpoint_fits(runner, args.checkpoint)
    metrics = runner.test()
    if runner.rank == 0:
        print('test results: ' + ', '.join(
            f'{k}={v:.2f}' if isinstance(v, float) else f'{k}={v}'
            for k, v in metrics.items()))
    return metrics


if __name__ == '__main__':
    run_cli(main)
