# Copyright (c) mmssl contributors. All rights reserved.
"""Precision and recall of a detector's pseudo labels on stored unlabeled
features, against ground truth the scenes have elsewhere (a benchmark's
"unlabeled" split of a labeled set: synthetic scenes, or KITTI train).
A diagnosis tool: UpCycling's training never reads those labels.

    python tools/upcycling/pseudo_label_quality.py CONFIG CHECKPOINT \
        --feature-dir DIR --ann-file kitti_infos_train.pkl \
        [--score-thrs 0.1 0.2 0.3 0.4 0.5] [--teacher] [--out FILE.json]

CONFIG is an UpCycling config (the split must match the features');
CHECKPOINT a stage-1 or UpCycling checkpoint (``--teacher``: use the EMA
teacher's back end of an UpCycling checkpoint). The features are matched
to the infos by ``sample_idx`` (KITTI frame id).
"""
import argparse
import json
import os.path as osp
import sys

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--feature-dir', required=True,
                        help='exported features (index.pkl + .npz)')
    parser.add_argument('--ann-file', required=True,
                        help='v2 info file with the scenes\' labels')
    parser.add_argument('--score-thrs', type=float, nargs='+',
                        default=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    parser.add_argument('--iou-thrs', type=float, nargs='+',
                        help='per class (default: KITTI, 0.7 for Car, '
                        '0.5 otherwise)')
    parser.add_argument('--teacher', action='store_true',
                        help="use the checkpoint's EMA teacher")
    parser.add_argument('--out', help='write the numbers as json')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config values, key=value')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import mmengine
    import torch

    from mmssl.datasets.bev_features import BEVFeatureDataset
    from mmssl.datasets.kitti import info_lidar_boxes
    from mmssl.evaluation.functional import pseudo_label_quality
    from mmssl.registry import MODELS
    from mmssl.utils import register_all_modules
    from mmssl.utils.checkpoint import load_weights
    from mmssl.utils.config import load_config
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    if not str(cfg.model.get('type')).endswith('UpCycling'):
        raise KeyError(f'{args.config} is not an UpCycling config '
                       '(configs/upcycling/upcycling_*)')
    cfg.model.semi_train_cfg.fgt = None
    model = MODELS.build(cfg.model).eval()
    load_weights(model, args.checkpoint, optional=('teacher', ))
    classes = list(cfg.class_names)
    iou_thrs = args.iou_thrs or [0.7 if c == 'Car' else 0.5
                                 for c in classes]
    if len(iou_thrs) != len(classes):
        raise ValueError(f'--iou-thrs needs one value per class {classes}')

    infos = mmengine.load(args.ann_file)
    cats = infos['metainfo']['categories']
    label2name = {v: n for n, v in cats.items()}
    by_id = {d['sample_idx']: d for d in infos['data_list']}
    features = BEVFeatureDataset(args.feature_dir)
    pc = model.pc_range
    preds, gts = [], []
    for k in range(len(features)):
        item = features[k]
        sample = item['data_samples']
        info = by_id.get(sample.sample_idx)
        if info is None:
            raise KeyError(f'scene {sample.sample_idx!r} of '
                           f'{args.feature_dir} is not in {args.ann_file}')
        maps = [m.float()[None] for m in item['inputs']['features']]
        with torch.no_grad():
            x = model.back(maps, teacher=args.teacher)
            head = (model.teacher['bbox_head'] if args.teacher
                    else model.bbox_head)
            pred = head.predict(x, [sample])[0]
        preds.append((pred.bboxes_3d.tensor, pred.scores_3d,
                      pred.labels_3d))
        # ground truth of the model's classes inside the BEV range (as
        # training's ObjectRangeFilter)
        insts = [i for i in info['instances']
                 if label2name.get(i['bbox_label_3d']) in classes]
        boxes = torch.from_numpy(info_lidar_boxes(info, insts))
        labels = torch.tensor([classes.index(label2name[i['bbox_label_3d']])
                               for i in insts], dtype=torch.long)
        inside = ((boxes[:, 0] >= pc[0]) & (boxes[:, 0] < pc[3]) &
                  (boxes[:, 1] >= pc[1]) & (boxes[:, 1] < pc[4]))
        gts.append((boxes[inside], labels[inside]))
    rows = pseudo_label_quality(preds, gts, args.score_thrs, iou_thrs)
    n = len(preds)
    print(f'{n} scenes; ground truth per scene: ' + ', '.join(
        f'{c} {rows[0][i]["num_gt"] / max(n, 1):.2f}'
        for i, c in enumerate(classes)) + '; IoU ' + ', '.join(
            f'{c} {t}' for c, t in zip(classes, iou_thrs)))
    print('| score >= | ' + ' | '.join(
        f'{c} P / R / per scene' for c in classes) + ' |')
    print('| --- |' + ' --- |' * len(classes))
    for row in rows:
        print(f"| {row['thr']:.2f} | " + ' | '.join(
            f"{row[i]['precision']:.2f} / {row[i]['recall']:.2f} / "
            f"{row[i]['per_scene']:.2f}" for i in range(len(classes))) +
            ' |')
    result = dict(classes=classes, iou_thrs=iou_thrs, num_scenes=n,
                  rows=[{str(k): v for k, v in r.items()} for r in rows])
    if args.out:
        mmengine.mkdir_or_exist(osp.dirname(osp.abspath(args.out)))
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
