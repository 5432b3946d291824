# Copyright (c) mmssl contributors. All rights reserved.
"""Test a checkpoint on a config's test set (mmdet-compatible CLI)."""
import argparse
import numbers
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description="Test a checkpoint on a config's test set and print "
        'the metrics.',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('config', help='The config file to test with.')
    parser.add_argument('checkpoint', help='The checkpoint file to test.')
    parser.add_argument(
        '--work-dir',
        help='The folder for the log and the metrics file. When not '
        "given, the config's work_dir, else work_dirs/<config name>.")
    parser.add_argument(
        '--out',
        type=str,
        help='Also dump the predictions to this pickle file (.pkl) for '
        'offline evaluation.')
    parser.add_argument(
        '--show-dir',
        help='Draw every test sample into this folder. A relative path is '
        'taken inside the run folder, work_dir/TIMESTAMP/SHOW_DIR.')
    parser.add_argument(
        '--seed',
        type=int,
        default=None,
        help="The seed of the datasets' splits, as given to "
        'tools/train.py (the digits test split depends on it). When not '
        "given, the config's.")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='Override settings of the config: key=value pairs (for '
        'example test_dataloader.batch_size=1) are merged into the '
        'config.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='The job launcher for distributed testing.')
    parser.add_argument(
        '--vis-backend',
        choices=['local', 'tensorboard', 'wandb'],
        help='Also log scalars (losses, metrics, method diagnostics) to '
        'this visualizer backend (tensorboard and wandb are pip extras).')
    parser.add_argument('--debug', action='store_true',
                        help='Show full tracebacks on errors.')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help='The process rank on this machine (set by '
                        'the distributed launcher).')
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


def _hook_class(vis: dict):
    from mmssl.registry import HOOKS
    cls = vis.get('type')
    if isinstance(cls, str):
        try:
            cls = HOOKS.get(cls)
        except Exception:  # an unknown scope: the build reports it
            cls = None
    return cls if isinstance(cls, type) else None


def enable_show_dir(cfg, show_dir: str) -> str:
    """Point the config's ``visualization`` hook at ``show_dir``, drawing
    every test sample, the way each hook's own toolbox does; return the
    hook's kind: ``'out_dir'`` (mmssl's hooks), ``'test_out_dir'``
    (mmdet's and mmdet3d's) or ``'visualizer'`` (mmseg's, which draws
    through the visualizer's backends)."""
    from mmssl.utils.config import _init_parameters
    vis = cfg.default_hooks.get('visualization')
    if vis is None:
        raise RuntimeError('--show-dir needs a `visualization` hook in '
                           '`default_hooks`')
    cls = _hook_class(vis)
    params = set((_init_parameters(cls) or ()) if cls else ())
    name = getattr(cls, '__name__', str(vis.get('type')))
    if 'out_dir' in params:
        vis.update(out_dir=show_dir, interval=1)
        return 'out_dir'
    if 'test_out_dir' in params:
        # as mmdet's and mmdet3d's tools/test.py set it
        vis.update(draw=True, test_out_dir=show_dir)
        if 'interval' in params:
            vis['interval'] = 1
        if name == 'Det3DVisualizationHook':
            vis.setdefault('vis_task', 'lidar_det')
        return 'test_out_dir'
    if 'draw' in params:
        # as mmseg's tools/test.py sets it (it keeps mmseg's interval of
        # 50 batches; every sample is drawn here)
        vis.update(draw=True, interval=1)
        visualizer = cfg.get('visualizer') or dict(
            vis_backends=[dict(type='LocalVisBackend')])
        if 'Seg' not in str(visualizer.get('type', '')) and \
                'Seg' in name:
            visualizer['type'] = 'mmseg.SegLocalVisualizer'
        cfg.visualizer = visualizer
        return 'visualizer'
    raise RuntimeError(f'--show-dir: {name} takes none of out_dir, '
                       'test_out_dir or draw')


def prepare_show_dir(runner, show_dir: str, kind: str) -> None:
    """After the runner is built: put a relative ``show_dir`` inside the
    run's log folder (``work_dir/TIMESTAMP``) for every hook kind, give
    mmseg's visualizer the test set's classes, and make the
    visualization hook log (not raise) a sample it fails to draw, so
    that the metrics are printed and returned whatever happens to the
    pictures."""
    import functools

    from mmengine.visualization import LocalVisBackend

    from mmssl.engine.hooks.visualization_hook import TestImageHook
    target = show_dir if osp.isabs(show_dir) else osp.join(
        runner.log_dir, show_dir)
    hooks = [h for h in runner.hooks
             if 'Visualization' in type(h).__name__]
    if kind == 'test_out_dir':
        for hook in hooks:
            # the hooks join work_dir/timestamp to it at each iteration
            hook.test_out_dir = osp.abspath(target)
    elif kind == 'visualizer':
        vis = runner.visualizer
        backends = vis._vis_backends
        for key, backend in list(backends.items()):
            if isinstance(backend, LocalVisBackend):
                backends[key] = LocalVisBackend(save_dir=target)
        if not backends:
            backends['LocalVisBackend'] = LocalVisBackend(save_dir=target)
        name = type(hooks[0]).__name__ if hooks else 'the hook'
        runner.logger.info(f'--show-dir: {name} draws every test sample '
                           f"into {osp.join(target, 'vis_image')}")
    for hook in hooks:
        if isinstance(hook, TestImageHook):
            continue  # logs and skips failed samples itself
        draw = hook.after_test_iter
        state = dict(failed=0, first=True)

        @functools.wraps(draw)
        def guarded(runner, *args, _draw=draw, _hook=hook, _state=state,
                    **kwargs):
            if _state['first'] and kind == 'visualizer':
                _state['first'] = False
                _set_seg_meta(runner, _hook)
            try:
                _draw(runner, *args, **kwargs)
            except Exception as e:  # keep the metrics
                _state['failed'] += 1
                if _state['failed'] == 1:
                    runner.logger.warning(
                        f'{type(_hook).__name__} could not draw a test '
                        f'batch ({type(e).__name__}: {e}); the metrics are '
                        'still computed, failed batches are skipped')

        hook.after_test_iter = guarded


def _set_seg_meta(runner, hook) -> None:
    """mmseg's visualizer names and colours the classes of its
    ``dataset_meta`` (Cityscapes' unless told); give it the test set's."""
    vis = getattr(hook, '_visualizer', runner.visualizer)
    meta = dict(runner.test_dataloader.dataset.metainfo)
    classes = meta.get('classes')
    if not classes:
        return
    palette = meta.get('palette')
    if not palette or len(palette) != len(classes):
        from mmssl.apis.seg_inferencer import _default_palette
        palette = _default_palette(len(classes))
    vis.dataset_meta = dict(classes=classes, palette=palette)


def main(argv=None):
    args = parse_args(argv)

    from mmengine.runner import Runner

    from mmssl.utils.checkpoint import CheckpointLoadError
    from mmssl.utils.config import add_vis_backend, load_config, set_seed
    from mmssl.utils.dist import setup_cpu_distributed

    cfg = load_config(args.config, args.cfg_options)
    if args.seed is not None:
        set_seed(cfg, args.seed)
    cfg.launcher = args.launcher
    if args.vis_backend is not None:
        add_vis_backend(cfg, args.vis_backend)
    if not osp.isfile(args.checkpoint) and '://' not in args.checkpoint:
        raise CheckpointLoadError(f'checkpoint not found: {args.checkpoint}')

    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    cfg.load_from = args.checkpoint

    if args.show_dir:
        show_kind = enable_show_dir(cfg, args.show_dir)

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
    if args.show_dir:
        prepare_show_dir(runner, args.show_dir, show_kind)
    metrics = runner.test()
    if runner.rank == 0:
        # Two decimals for every real number: mmseg's metrics are numpy
        # float32, which formats as 70.16000366210938 when left alone.
        print('test results: ' + ', '.join(
            f'{k}={v:.2f}' if isinstance(v, numbers.Real)
            and not isinstance(v, (bool, numbers.Integral)) else f'{k}={v}'
            for k, v in metrics.items()))
    return metrics


if __name__ == '__main__':
    run_cli(main)
