# Copyright (c) mmssl contributors. All rights reserved.
"""How good is a WAD run's teacher, and with which features?

WAD's knowledge is the nearest labeled anchor of each class in the SimCLR
teacher's representation (``wad_scores``); the cifar10-cpu suite logs its
accuracy on the seen unlabeled images in round 1 and asks that it beat the
same rule on raw pixels. This tool reloads a finished (or running) WAD
run's split and stage-1 teacher and measures the rule, and the weights'
unseen share, for several features of the same teacher:

- ``head, random view``: the projection head on one random
  ``feature_augment`` view (the official code and WADLoop; the same
  generator as round 1, so it reproduces the logged round-1 number);
- ``head, plain image``: the projection head without augmentation;
- ``encoder, plain image``: the pooled encoder features (before the
  projection head) without augmentation;
- ``raw pixels``: centred pixels, the baseline.

True labels are read for these diagnostics only. Example::

    python tools/analysis_tools/wad_teacher_features.py \\
        work_dirs/cifar10_cpu/wad_cifar-cnn_6x500_cifar10-jpg-2-50-m0.8/seed2
"""
import argparse
import glob
import json
import os.path as osp
import sys

import torch


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('run_dir', help='A WAD run folder (its dumped '
                        'config, split.json and teacher/).')
    parser.add_argument('--config', default=None,
                        help='The WAD config; when not given, the one '
                        'dumped in RUN_DIR.')
    parser.add_argument('--teacher', default=None,
                        help='The teacher checkpoint; when not given, the '
                        "one RUN_DIR/teacher/teacher_done.txt names.")
    parser.add_argument('--out', default=None,
                        help='Write the rows as JSON here too.')
    return parser.parse_args(argv)


def _wad_config(args) -> str:
    if args.config:
        return args.config
    dumped = glob.glob(osp.join(args.run_dir, '*.py'))
    if len(dumped) != 1:
        sys.exit(f'error: expected one dumped config in {args.run_dir} '
                 f'(found {len(dumped)}); pass --config')
    return dumped[0]


def _teacher_checkpoint(args) -> str:
    if args.teacher:
        path = args.teacher
    else:
        done = osp.join(args.run_dir, 'teacher', 'teacher_done.txt')
        if not osp.isfile(done):
            sys.exit(f'error: {done} not found: the run has no finished '
                     'teacher; pass --teacher')
        with open(done) as f:
            path = f.read().strip()
    if not osp.isfile(path):
        sys.exit(f'error: teacher checkpoint {path} not found')
    return path


def rule_stats(feats, labeled, unlabeled, labels, seen, num_classes):
    """Accuracy of WAD's nearest-anchor pseudo labels on the seen
    unlabeled images (%) and the unseen images' share of the total weight
    (against their share of the images)."""
    from mmssl.models.losses import wad_pseudo_labels_and_weights, wad_scores
    scores = wad_scores(feats[unlabeled], feats[labeled], labels[labeled],
                        num_classes)
    pseudo, weights = wad_pseudo_labels_and_weights(scores)
    true = labels.new_tensor(seen)
    is_seen = true.ge(0)
    weights = weights.float()
    return dict(
        anchor_acc=float(pseudo[is_seen].eq(true[is_seen]).float().mean()
                         * 100),
        unseen_weight_share=float(weights[~is_seen].sum() / weights.sum()),
        unseen_fraction=float((~is_seen).float().mean()))


@torch.no_grad()
def teacher_features(teacher, images, mode, generator=None,
                     batch: int = 100):
    feats = []
    for start in range(0, len(images), batch):
        data = teacher.data_preprocessor(
            dict(inputs=list(images[start:start + batch])), False)
        x = data['inputs']
        if mode == 'head_view':
            f = teacher.extract_projection(x, generator=generator)
        elif mode == 'head_plain':
            f = teacher.project(x)
        else:
            f = teacher.extract_feat(x)[-1]
        feats.append(f.float().cpu())
    return torch.cat(feats)


def main(argv=None):
    args = parse_args(argv)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import load_checkpoint

    from mmssl.engine.runner.wad_loop import (
        load_split_images,
        raw_pixel_features,
    )
    from mmssl.registry import DATASETS, MODELS
    init_default_scope('mmssl')
    cfg = Config.fromfile(_wad_config(args))
    ckpt = _teacher_checkpoint(args)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    split_file = osp.join(args.run_dir, 'split.json')
    if osp.isfile(split_file):
        with open(split_file) as f:
            saved = json.load(f)
        if saved.get('labeled') is not None and \
                list(saved['labeled']) != list(dataset.labeled.indices):
            sys.exit(f'error: the config draws another split than the '
                     f'run saved in {split_file}')
    images, labels, true, label_map, num_labeled = load_split_images(
        dataset)
    labeled = list(range(num_labeled))
    unlabeled = list(range(num_labeled, len(images)))
    seen = [label_map.get(int(c), -1) for c in true[unlabeled].tolist()]
    teacher_cfg = Config.fromfile(cfg.train_cfg.teacher['config'])
    teacher = MODELS.build(teacher_cfg.model)
    load_checkpoint(teacher, ckpt, map_location='cpu', strict=True)
    teacher.eval()
    # WADLoop's round-1 generator (seed * 1000 + round), drawn for the
    # labeled images first, then the unlabeled ones, as the loop does.
    seed = cfg.get('randomness', {}).get('seed')
    if seed is None:
        print('note: the config has no randomness.seed, so the random '
              'views are drawn with seed 0, not the run\'s')
    seed = int(seed or 0)
    g = torch.Generator().manual_seed(seed * 1000 + 1)
    batch = cfg.train_cfg.get('feature_batch_size', 100)
    view = torch.cat([
        teacher_features(teacher, images[labeled], 'head_view', g, batch),
        teacher_features(teacher, images[unlabeled], 'head_view', g, batch)
    ])
    rows = {
        'head, random view (official)': view,
        'head, plain image': teacher_features(teacher, images, 'head_plain'),
        'encoder, plain image': teacher_features(teacher, images,
                                                 'encoder_plain'),
        'raw pixels': raw_pixel_features(images),
    }
    out = {name: rule_stats(feats, labeled, unlabeled, labels, seen,
                            len(label_map))
           for name, feats in rows.items()}
    print(f'teacher {ckpt}; {len(labeled)} anchors, '
          f'{len(unlabeled)} unlabeled images')
    print('| features | nearest-anchor acc on seen (%) | unseen weight share '
          '| unseen fraction |')
    print('| --- | --- | --- | --- |')
    for name, r in out.items():
        print(f'| {name} | {r["anchor_acc"]:.2f} | '
              f'{r["unseen_weight_share"]:.3f} | {r["unseen_fraction"]:.3f} |')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(teacher=ckpt, rows=out), f, indent=1)


if __name__ == '__main__':
    main()
