# Copyright (c) mmssl contributors. All rights reserved.
"""UpCycling's vehicle side: run the frozen front end of the stage-1
detector once over the unlabeled scenes and store only their features
(float16, compressed ``.npz``, with the calibration the back end and the
metric need: no points, no labels). Also cuts the F-GT object bank from
the labeled scenes and reports the bytes per scene of features
and of raw points.

    python tools/upcycling/export_features.py CONFIG STAGE1_CHECKPOINT \
        [--out-dir DIR] [--cfg-options ...]

CONFIG is an UpCycling config (configs/upcycling/upcycling_*): its model
says where the detector is cut (``model.split``) and its ``export`` block
names the unlabeled and labeled info files and the output directory
(``export.out_dir``, which the training set and ``fgt.bank_file`` read).
"""
import argparse
import hashlib
import os
import os.path as osp
import sys
import time

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='stage-1 detector checkpoint')
    parser.add_argument('--out-dir', help='default: export.out_dir')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config values, key=value')
    return parser.parse_args(argv)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _batches(dataset, batch_size: int, desc: str):
    """The collated batches of ``dataset``, with their progress."""
    from mmengine.dataset import pseudo_collate

    from mmssl.utils.progress import track
    starts = range(0, len(dataset), batch_size)
    for start in track(starts, desc=f'{desc}: {len(dataset)} scenes, '
                       f'batches of {batch_size}'):
        yield pseudo_collate([dataset[i] for i in range(
            start, min(start + batch_size, len(dataset)))])


def main(argv=None):
    args = parse_args(argv)
    import mmengine
    import numpy as np
    import torch

    from mmssl.datasets.bev_features import (
        FEATURE_INDEX_VERSION,
        save_scene_features,
    )
    from mmssl.datasets.kitti import frame_id_to_sample_idx
    from mmssl.models.utils.upcycling import build_fgt_bank
    from mmssl.registry import DATASETS, MODELS
    from mmssl.utils import register_all_modules
    from mmssl.utils.checkpoint import load_weights
    from mmssl.utils.config import load_config
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    if (not str(cfg.model.get('type')).endswith('UpCycling')
            or 'export' not in cfg):
        raise KeyError(f'{args.config} is not an UpCycling config with an '
                       '"export" block (configs/upcycling/upcycling_*)')
    exp = cfg.export
    out_dir = args.out_dir or exp.out_dir
    os.makedirs(out_dir, exist_ok=True)

    model = MODELS.build(cfg.model).to(args.device).eval()
    # voxelise with the training cap of pillars (max_voxels[0]), as the
    # labeled scenes are in training, not the test cap
    model.data_preprocessor.train()
    # a stage-1 VoxelNet checkpoint has no teacher
    load_weights(model, args.checkpoint, optional=('teacher', ))
    pc_range = model.pc_range

    # 1. unlabeled scenes -> features (all that leaves the vehicle)
    dataset = DATASETS.build(exp.unlabeled_dataset)
    data_list, feat_bytes, raw_bytes = [], 0, 0
    shapes = None
    start = time.time()
    for batch in _batches(dataset, args.batch_size,
                          'exporting unlabeled features'):
        data = model.data_preprocessor(batch, False)
        scenes = model.export_features(data['inputs'])
        for maps, sample in zip(scenes, data['data_samples']):
            meta = sample.metainfo
            # the frame id of the .bin: mmengine's datasets overwrite
            # sample_idx with the position in the info list
            frame = osp.splitext(osp.basename(meta['lidar_path']))[0]
            name = f'{frame}.npz'
            feat_bytes += save_scene_features(
                osp.join(out_dir, name), maps,
                lidar2cam=np.asarray(meta['lidar2cam'], np.float32),
                cam2img=np.asarray(meta['cam2img'], np.float32))
            raw_bytes += osp.getsize(meta['lidar_path'])
            shapes = [list(m.shape) for m in maps]
            data_list.append(dict(sample_idx=frame_id_to_sample_idx(frame),
                                  feature_path=name))
    n = max(len(data_list), 1)
    meta = dict(
        split=model.split, pc_range=pc_range, shapes=shapes,
        dtype='float16', checkpoint=osp.abspath(args.checkpoint),
        checkpoint_sha256=_sha256(args.checkpoint),
        front_sha256=model.front_fingerprint(),
        num_scenes=len(data_list),
        bytes_per_scene_features=feat_bytes / n,
        bytes_per_scene_points=raw_bytes / n)
    mmengine.dump(dict(version=FEATURE_INDEX_VERSION, meta=meta,
                       data_list=data_list), osp.join(out_dir, 'index.pkl'))
    print(f'exported {len(data_list)} unlabeled scenes to {out_dir} in '
          f'{time.time() - start:.1f} s (split after {model.split}, maps '
          f'{shapes}): {feat_bytes / n / 1024:.1f} KiB of features per '
          f'scene vs {raw_bytes / n / 1024:.1f} KiB of raw points')

    # 2. the F-GT bank: labeled objects' feature patches
    if exp.get('labeled_dataset') is not None:
        labeled = DATASETS.build(exp.labeled_dataset)
        bank = []
        for batch in _batches(labeled, args.batch_size, 'F-GT bank'):
            data = model.data_preprocessor(batch, False)
            scenes = model.export_features(data['inputs'])
            for maps, sample in zip(scenes, data['data_samples']):
                gt = sample.gt_instances_3d
                bank += build_fgt_bank(
                    [m.half() for m in maps], gt.bboxes_3d.tensor,
                    gt.labels_3d, pc_range,
                    exp.get('margin_cells', 1))
        counts = np.bincount([e['label'] for e in bank],
                             minlength=len(cfg.get('class_names', [])))
        path = osp.join(out_dir, 'fgt_bank.pth')
        torch.save(dict(bank=bank, classes=list(cfg.get('class_names', [])),
                        checkpoint_sha256=meta['checkpoint_sha256'],
                        front_sha256=meta['front_sha256']), path)
        print(f'F-GT bank: {len(bank)} objects from {len(labeled)} labeled '
              f'scenes (per class {counts.tolist()}) -> {path}')
    return meta


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
