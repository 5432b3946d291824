# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet between the stages: load the stage-1 detector and classifier
into the stage-2 model, refine the manual boxes and make pseudo boxes for
class-only images by class-label-guided candidate selection, and write
the updated COCO json stage 2 trains on. Also writes ``stage1.pth`` (both
networks in one checkpoint: stage 2's ``load_from``) and
``selection.json`` (per image: old box, new box, scores) to the work dir.

    python tools/tsddnet/select_candidates.py CONFIG \
        --det-checkpoint DET.pth --cls-checkpoint CLS.pth \
        [--split-file STAGE1_WORK_DIR/split.json] [--out ANN.json] \
        [--cls-fold-checkpoints F0.pth F1.pth F2.pth] \
        [--work-dir DIR] [--naive | --merge-only]

CONFIG is a stage-2 config (configs/tsddnet/tsddnet_*): its ``selection``
block gives the thresholds and the overrides of its training dataset that
read the stage-1 images; its training ``ann_file`` is the default
output.
"""
import argparse
import json
import os
import os.path as osp
import sys

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--det-checkpoint', required=True,
                        help='stage-1 detector checkpoint')
    parser.add_argument('--cls-checkpoint', required=True,
                        help='stage-1 lesion classifier checkpoint')
    parser.add_argument('--cls-fold-checkpoints', nargs='+',
                        help='cross-fitting: classifier k trained without '
                        'fold k of the boxed images (train_dataloader.'
                        'dataset.cross_fit=dict(num_folds=K, held_out=k)) '
                        'scores the manual boxes of fold k')
    parser.add_argument('--fold-seed', type=int, default=0,
                        help='seed of the cross-fitting folds')
    parser.add_argument('--split-file',
                        help="the stage-1 run's split.json (which images "
                        'kept their box); default: the config\'s draw')
    parser.add_argument('--seed', type=int,
                        help="seed of the config's box draw (as train.py "
                        '--seed)')
    parser.add_argument('--out', help='updated json (default: the '
                        "config's training ann_file)")
    parser.add_argument('--work-dir', default='work_dirs/tsddnet_select')
    parser.add_argument('--naive', action='store_true',
                        help='baseline: keep manual boxes, top-1 detection '
                        'as pseudo box, no class guidance')
    parser.add_argument('--merge-only', action='store_true',
                        help='only write WORK_DIR/stage1.pth (the two '
                        'stage-1 networks in one checkpoint)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config values, key=value')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import torch
    from mmengine.config import Config

    from mmssl.apis.tsddnet import (
        checkpoint_state_dict,
        load_stage1,
        select_candidates,
    )
    from mmssl.registry import DATASETS, MODELS
    from mmssl.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if 'selection' not in cfg or cfg.model.get('type') != 'TSDDNet':
        raise KeyError(f'{args.config} has no "selection" block or is not '
                       'a TSDDNet model: give a stage-2 config '
                       '(configs/tsddnet/tsddnet_*)')
    sel = cfg.selection
    # the training dataset, with the selection's overrides (the stage-1
    # annotations, every image, the test pipeline)
    ds_cfg = dict(cfg.train_dataloader.dataset)
    ds_cfg.pop('filter_cfg', None)
    ds_cfg.update(sel.get('dataset', {}))
    if args.split_file:
        ds_cfg['split_file'] = args.split_file
    if args.seed is not None:
        ds_cfg['seed'] = args.seed
    folds = args.cls_fold_checkpoints or []
    if len(folds) == 1:
        raise ValueError('--cls-fold-checkpoints needs one checkpoint per '
                         'fold (at least 2)')
    if folds:
        ds_cfg['cross_fit'] = dict(num_folds=len(folds), held_out=None,
                                   seed=args.fold_seed)
    dataset = DATASETS.build(ds_cfg)
    train_ds = cfg.train_dataloader.dataset
    out = args.out or osp.join(train_ds.get('data_root', ''),
                               train_ds.ann_file)
    model = MODELS.build(cfg.model).to(args.device)
    state = load_stage1(model, args.det_checkpoint, args.cls_checkpoint)
    os.makedirs(args.work_dir, exist_ok=True)
    torch.save(dict(state_dict=state,
                    meta=dict(det_checkpoint=args.det_checkpoint,
                              cls_checkpoint=args.cls_checkpoint)),
               osp.join(args.work_dir, 'stage1.pth'))
    if args.merge_only:
        print(f"wrote {osp.join(args.work_dir, 'stage1.pth')}")
        return None
    fold_classifiers = []
    for path in folds:
        classifier = MODELS.build(cfg.model.classifier).to(args.device)
        classifier.load_state_dict(checkpoint_state_dict(path))
        fold_classifiers.append(classifier.eval())
    result = select_candidates(model, dataset, out, naive=args.naive,
                               jitter=sel.get('jitter'),
                               fold_classifiers=fold_classifiers,
                               **sel.get('options', {}))
    with open(osp.join(args.work_dir, 'selection.json'), 'w') as f:
        json.dump(result, f)
    print(f"{'naive' if args.naive else 'class-guided'} selection: "
          f"{result['refined']}/{result['manual']} manual boxes refined, "
          f"{result['pseudo']}/{result['class_only']} class-only images "
          f'got a pseudo box; wrote {out} and '
          f"{osp.join(args.work_dir, 'stage1.pth')}")
    return result


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
