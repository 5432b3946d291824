# Copyright (c) mmssl contributors. All rights reserved.
"""MARS stage B: store the frozen per-pixel features of every training
image (float16 ``<name>.npy``, ``(D, h, w)``) for stage C.

    python tools/mars/extract_features.py CONFIG [--checkpoint CKPT] \
        [--out-dir DIR] [--device cpu]

CONFIG defines ``feature_extractor`` (a registered dense extractor:
``SimCLRDenseFeatures`` for the CPU benchmark, ``ViTDenseFeatures`` for
DINO/STEGO weights), ``mars_dataset`` and ``feature_dir``.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='weights of the extractor '
                        '(overrides feature_extractor.checkpoint)')
    parser.add_argument('--out-dir', help='overrides feature_dir')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config values, key=value')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmengine.config import Config

    from mmssl.apis.mars import extract_features
    from mmssl.registry import DATASETS, MODELS
    from mmssl.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    for key in ('feature_extractor', 'mars_dataset', 'feature_dir'):
        if key not in cfg:
            raise KeyError(f'{args.config} has no {key!r}: is it a MARS '
                           'stage B/C config (configs/mars/mars-debias_*)?')
    ext_cfg = cfg.feature_extractor.copy()
    if args.checkpoint:
        ext_cfg['checkpoint'] = args.checkpoint
    extractor = MODELS.build(ext_cfg).to(args.device)
    dataset = DATASETS.build(cfg.mars_dataset)
    out = args.out_dir or cfg.feature_dir
    n = extract_features(extractor, dataset, out)
    print(f'wrote the features of {n} images to {out}')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
