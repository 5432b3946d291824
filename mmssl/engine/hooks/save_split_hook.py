# Copyright (c) mmssl contributors. All rights reserved.
import os.path as osp

from mmengine.hooks import Hook

from mmssl.registry import HOOKS


def _find_split_datasets(dataset):
    if hasattr(dataset, 'split') and hasattr(dataset, 'subset'):
        yield dataset
    for child in getattr(dataset, 'datasets', []) or []:
        yield from _find_split_datasets(child)
    inner = getattr(dataset, 'dataset', None)
    if inner is not None and inner is not dataset:
        yield from _find_split_datasets(inner)


@HOOKS.register_module()
class SaveSplitHook(Hook):
    """Write the labeled/unlabeled split of the training set to
    ``<work_dir>/<filename>`` before training, so that another run (or
    another method) can reuse it with ``split_file=...``.

    Args:
        filename (str): File name in the work dir. Defaults to
            ``'split.json'``.
    """
    priority = 'VERY_HIGH'

    def __init__(self, filename: str = 'split.json'):
        self.filename = filename

    def before_train(self, runner) -> None:
        from mmssl.datasets.semi import save_split
        splits = [d.split for d in _find_split_datasets(
            runner.train_dataloader.dataset)]
        if not splits:
            return
        if any(s['labeled'] != splits[0]['labeled'] for s in splits):
            raise RuntimeError('the training datasets use different '
                               'labeled/unlabeled splits')
        if runner.rank == 0:
            path = save_split(splits[0],
                              osp.join(runner.work_dir, self.filename))
            runner.logger.info(
                f'labeled/unlabeled split ({len(splits[0]["labeled"])} '
                f'labeled, {len(splits[0]["unlabeled"])} unlabeled) saved '
                f'to {path}')
