# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet's CPU benchmark on the synthetic breast-ultrasound data: the
arms of configs/tsddnet/README.md (our design) over seeds; writes a markdown
leaderboard with mean and std.

    python tools/benchmark/tsddnet_benchmark.py [--seeds 0 1 2] \
        [--work-dir work_dirs/tsddnet_bench]

Per seed (the seed draws which training images keep their coarse box and
seeds the training):
  stage 1: the detector and the classifier on the boxed images
           (tools/train.py), three cross-fitting classifiers (each without
           a third of the boxed images), class-guided candidate selection
           with them, and without them ("plain", for comparison), and
           naive selection (tools/tsddnet/select_candidates.py);
  B0  whole-image classifier trained on every image's diagnosis;
  B1  stage 1's detector + classifier, as they are;
  B2  separate detector + classifier retrained on naive pseudo boxes
      (top-1 detection, no class guidance);
  B3  stage 1 trained on the exact boxes of the same images (oracle);
  T1  separate detector + classifier retrained on the selected boxes;
  T2  T1 + the fusion network (no self-distillation: alpha = beta = 0);
  T3  the full method (fusion + self-distillation).
Every arm is evaluated on the 300 test images (lesion AP against the exact
boxes; diagnosis from the top-1 detection's ROI, B0 from the whole
image). Finished steps are reused (delete their directories, or pass
--rerun, to run them again). Synthetic data, not ultrasound scans.

``--dataset busi`` runs the CPU-scale suite on real BUSI instead (fold 0
of data/busi_coco, written by tools/data/busi_to_coco.py; benign vs
malignant, normal images left out), into work_dirs/tsddnet_busi_bench:

    python tools/benchmark/tsddnet_benchmark.py --dataset busi \
        [--seeds 0 1 2] [--quick]

Per seed (the seed picks the saved partial-box split
fold0_train_box20_seed<S>.json, 20 % of each diagnosis' training lesion
images keeping their mask boxes, and seeds the training): stage 1 (the
detector and the classifier on the boxed images, three cross-fitting
classifiers, class-guided and naive candidate selection), then the arms
  Stage 1             stage 1's detector + classifier, no fusion;
  Naive pseudo boxes  stage 2 without fusion retrained on the manual
                      boxes + top-1 detections of the class-only images;
  TSDDNet             cross-fitted class-guided selection, fusion network
                      and self-distillation (the synthetic suite's T3);
  Class-guided boxes, no fusion
                      the ablation between them: stage 2 without fusion
                      on the class-guided boxes (the synthetic T1).
Metrics on the test fold (mask boxes): diagnosis AUC / ACC / SEN / SPE
(malignant positive) and lesion AP50, and per arm the IoU of its
training boxes (manual and pseudo) to the mask boxes of the full-box
training json (fold0_train.json). ``--quick`` trains every stage for one
epoch, stage 2 on 48 images only (a smoke test of the plumbing, not a
result; default work dir work_dirs/tsddnet_busi_bench_quick).
"""
import argparse
import json
import os
import os.path as osp
import sys

import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from leaderboard import (  # noqa: E402
    ROOT,
    done,
    run_tool,
    test_metrics,
    train_once,
    write_outputs,
)

DET = 'configs/tsddnet/faster-rcnn_r18_fpn_40e_synthetic-bus-stage1.py'
CLS = 'configs/tsddnet/lesion-cls_r18_50e_synthetic-bus-stage1.py'
STAGE2 = 'configs/tsddnet/tsddnet_r18_fpn_6e_synthetic-bus.py'
DATA = 'data/synthetic_bus'
NUM_FOLDS = 3  # cross-fitting folds of the boxed images
ARMS = ('B0 whole-image classifier', 'B1 stage 1 (coarse boxes)',
        'B2 naive pseudo boxes', 'T1 selection, separate networks',
        'T2 selection + fusion', 'T3 full (fusion + self-distillation)',
        'B3 exact boxes (oracle)')
METRICS = ('coco/bbox_mAP', 'coco/bbox_mAP_50', 'diag/auc',
           'diag/accuracy', 'diag/sensitivity', 'diag/specificity')


def _test(config: str, ckpt: str, test_dir: str, rerun: bool,
          options=()) -> dict:
    if not done(osp.join(test_dir, 'done'), rerun):
        args = [osp.join('tools', 'test.py'), config, ckpt, '--work-dir',
                test_dir]
        if options:
            args += ['--cfg-options'] + list(options)
        run_tool(args, osp.join(test_dir, 'test.log'))
        open(osp.join(test_dir, 'done'), 'w').close()
    return test_metrics(test_dir)


def _select(wd: str, name: str, det: str, cls: str, split: str, out: str,
            rerun: bool, extra=(), config: str = STAGE2) -> str:
    work = osp.join(wd, name)
    marker = osp.join(work, 'stage1.pth' if '--merge-only' in extra
                      else 'selection.json')
    if not done(marker, rerun):
        args = [osp.join('tools', 'tsddnet', 'select_candidates.py'),
                config, '--det-checkpoint', det, '--cls-checkpoint', cls,
                '--split-file', split, '--work-dir', work]
        if out:
            args += ['--out', out]
        run_tool(args + list(extra), osp.join(work, 'select.log'))
    return osp.join(work, 'stage1.pth')


def run_seed(seed: int, work_dir: str, rerun: bool) -> dict:
    from mmssl.apis.tsddnet import box_iou_to_reference
    wd = osp.abspath(osp.join(work_dir, f'seed{seed}'))
    ann = osp.join(ROOT, DATA, 'annotations')
    det = train_once(DET, seed, osp.join(wd, 'det1'), rerun)
    split = osp.join(wd, 'det1', 'split.json')
    split_opt = [f'train_dataloader.dataset.split_file={split}']
    cls = train_once(CLS, seed, osp.join(wd, 'cls1'), rerun, split_opt)
    # cross-fitting: classifier k, trained without fold k of the boxed
    # images, scores fold k's manual boxes (the stage-1 classifier's
    # probabilities on its own training crops are ~1, so no candidate can
    # beat a manual box: the plain selection below)
    folds = [train_once(CLS, seed, osp.join(wd, f'cls_fold{k}'), rerun,
                    split_opt + [
                        f'train_dataloader.dataset.cross_fit.num_folds='
                        f'{NUM_FOLDS}',
                        f'train_dataloader.dataset.cross_fit.held_out={k}'])
             for k in range(NUM_FOLDS)]
    selected = osp.join(wd, 'train_selected.json')
    plain = osp.join(wd, 'train_selected_plain.json')
    naive = osp.join(wd, 'train_naive.json')
    stage1 = _select(wd, 'select', det, cls, split, selected, rerun,
                     ['--cls-fold-checkpoints'] + folds)
    _select(wd, 'select_plain', det, cls, split, plain, rerun)
    _select(wd, 'select_naive', det, cls, split, naive, rerun, ['--naive'])
    # oracle: stage 1 on the exact boxes of the same images
    exact_opt = split_opt + [
        'train_dataloader.dataset.ann_file=annotations/train_exact.json']
    det_x = train_once(DET, seed, osp.join(wd, 'det_exact'), rerun, exact_opt)
    cls_x = train_once(CLS, seed, osp.join(wd, 'cls_exact'), rerun, exact_opt)
    stage1_x = _select(wd, 'merge_exact', det_x, cls_x, split, None, rerun,
                       ['--merge-only'])
    separate = ['model.fusion=False']
    out = {}
    # every image's diagnosis: 20 epochs of 75 batches (stage 1's
    # classifier: 50 of 15)
    b0 = train_once(CLS, seed, osp.join(wd, 'b0'), rerun, split_opt + [
        'model.roi=image', 'train_dataloader.dataset.subset=all',
        'train_cfg.max_epochs=20', 'param_scheduler.0.end=20',
        'param_scheduler.0.T_max=20'])
    out[ARMS[0]] = _test(CLS, b0, osp.join(wd, 'b0_test'), rerun)
    out[ARMS[1]] = _test(STAGE2, stage1, osp.join(wd, 'b1_test'), rerun,
                         separate)
    out[ARMS[6]] = _test(STAGE2, stage1_x, osp.join(wd, 'b3_test'), rerun,
                         separate)
    for arm, ann_file, opts, name in (
            (ARMS[2], naive, separate, 'b2'),
            (ARMS[3], selected, separate, 't1'),
            (ARMS[4], selected, ['model.alpha=0.', 'model.hint_weight=0.'],
             't2'),
            (ARMS[5], selected, [], 't3')):
        ckpt = train_once(STAGE2, seed, osp.join(wd, name), rerun, opts + [
            f'train_dataloader.dataset.ann_file={ann_file}',
            f'load_from={stage1}'])
        out[arm] = _test(STAGE2, ckpt, osp.join(wd, f'{name}_test'), rerun,
                         opts)
    # how the boxes moved: IoU to the exact lesion box and to the
    # diagnostic ROI, before (the coarse json) and after selection
    boxes = {}
    for tag, path in (('coarse', osp.join(ann, 'train.json')),
                      ('selected', selected), ('plain', plain),
                      ('naive', naive)):
        for ref in ('exact', 'roi'):
            boxes[f'{tag}/{ref}'] = box_iou_to_reference(
                path, osp.join(ann, f'train_{ref}.json'))
    out['selection'] = dict(boxes=boxes)
    for name in ('select', 'select_plain'):
        with open(osp.join(wd, name, 'selection.json')) as f:
            sel = json.load(f)
        out['selection'][name] = {k: sel[k] for k in (
            'refined', 'manual', 'pseudo', 'class_only')}
    return out


COLUMNS = (('coco/bbox_mAP_50', 'lesion AP50'), ('coco/bbox_mAP', 'lesion AP'),
           ('diag/auc', 'AUC'), ('diag/accuracy', 'ACC'),
           ('diag/sensitivity', 'SEN'), ('diag/specificity', 'SPE'))


def _cell(vals, scale=1.):
    vals = np.array([v for v in vals if v is not None and v >= 0],
                    dtype=float) * scale
    return f'{vals.mean():.2f} ± {vals.std():.2f}' if len(vals) else 'n/a'


def write_table(results: dict, out_dir: str) -> str:
    """The leaderboard (mean ± std over seeds, ddof 0; AP in percent) and
    the selection's box statistics."""
    seeds = sorted(results)
    lines = ['| arm | ' + ' | '.join(c[1] for c in COLUMNS) + ' | seeds |',
             '|---' * (len(COLUMNS) + 2) + '|']
    for arm in ARMS:
        cells = [_cell([results[s].get(arm, {}).get(key) for s in seeds],
                       100. if key.startswith('coco') else 1.)
                 for key, _ in COLUMNS]
        lines.append(f'| {arm} | ' + ' | '.join(cells) +
                     f' | {len(seeds)} |')
    lines += ['', '| training boxes | IoU to exact box | IoU to '
              'diagnostic ROI | pseudo boxes with IoU >= 0.5 to exact |',
              '|---|---|---|---|']
    for tag, what in (('coarse', 'manual, coarse'),
                      ('selected', 'manual after selection'),
                      ('plain', 'manual after selection, no cross-fitting'),
                      ('naive', 'naive pseudo')):
        kind = 'pseudo' if tag == 'naive' else 'manual'
        row = [_cell([results[s]['selection']['boxes'][f'{tag}/{r}'][
            f'{kind}_iou'] for s in seeds], 100.) for r in ('exact', 'roi')]
        prec = _cell([results[s]['selection']['boxes'][f'{tag}/exact'][
            'pseudo_precision'] for s in seeds], 100.) if kind == 'pseudo' \
            else ''
        lines.append(f'| {what} | {row[0]} | {row[1]} | {prec} |')
    row = [_cell([results[s]['selection']['boxes'][f'selected/{r}'][
        'pseudo_iou'] for s in seeds], 100.) for r in ('exact', 'roi')]
    prec = _cell([results[s]['selection']['boxes']['selected/exact'][
        'pseudo_precision'] for s in seeds], 100.)
    lines.append(f'| class-guided pseudo | {row[0]} | {row[1]} | {prec} |')
    text = '\n'.join(lines) + '\n'
    for s in seeds:
        for name, what in (('select', 'cross-fitted selection'),
                           ('select_plain', 'plain selection')):
            sel = results[s]['selection'][name]
            text += (f"\nseed {s}, {what}: {sel['refined']}/{sel['manual']} "
                     f"manual boxes refined, {sel['pseudo']}/"
                     f"{sel['class_only']} class-only images got a pseudo "
                     'box')
    text += '\n'
    return write_outputs(out_dir, 'tsddnet', text, results)


BUSI_DET = 'configs/tsddnet/faster-rcnn_r18_fpn_12e_busi-cpu-stage1.py'
BUSI_CLS = 'configs/tsddnet/lesion-cls_r18_24e_busi-cpu-stage1.py'
BUSI_STAGE2 = 'configs/tsddnet/tsddnet_r18_fpn_2e_busi-cpu.py'
BUSI_DATA = 'data/busi_coco'
BUSI_FOLD = 0  # the configs' fold
BUSI_ARMS = ('Stage 1', 'Naive pseudo boxes', 'TSDDNet',
             'Class-guided boxes, no fusion')
NO_VAL = ['train_cfg.val_begin=100000']
#: --quick (the plumbing, not a result): one epoch per stage, stage 2 on
#: the first 48 images of its json (6 iterations); the candidate selection
#: and the tests see every image
QUICK = ['train_cfg.max_epochs=1']
QUICK_STAGE2 = QUICK + ['train_dataloader.dataset.indices=48']


def busi_split(seed: int) -> str:
    """The saved partial-box split of ``seed`` (busi_to_coco.py)."""
    return osp.join(ROOT, BUSI_DATA,
                    f'fold{BUSI_FOLD}_train_box20_seed{seed}.json')


def run_busi_seed(seed: int, work_dir: str, rerun: bool,
                  quick: bool = False) -> dict:
    """The BUSI arms of one seed; see the module docstring."""
    from mmssl.apis.tsddnet import box_iou_to_reference
    wd = osp.abspath(osp.join(work_dir, f'seed{seed}'))
    split = busi_split(seed)
    if not osp.isfile(split):
        raise FileNotFoundError(
            f'{split} is missing: run tools/data/busi_to_coco.py data/busi '
            '(it writes the box splits of seeds 0-2)')
    # no validation while training (it would evaluate the test fold,
    # which the test step below does once, on the last checkpoint)
    quick_opt = NO_VAL + (QUICK if quick else [])
    split_opt = [f'train_dataloader.dataset.split_file={split}']
    det = train_once(BUSI_DET, seed, osp.join(wd, 'det1'), rerun,
                     split_opt + quick_opt)
    cls = train_once(BUSI_CLS, seed, osp.join(wd, 'cls1'), rerun,
                     split_opt + quick_opt)
    folds = [train_once(BUSI_CLS, seed, osp.join(wd, f'cls_fold{k}'), rerun,
                        split_opt + quick_opt + [
                            'train_dataloader.dataset.cross_fit.num_folds='
                            f'{NUM_FOLDS}',
                            f'train_dataloader.dataset.cross_fit.held_out={k}'
                        ]) for k in range(NUM_FOLDS)]
    selected = osp.join(wd, 'train_selected.json')
    naive = osp.join(wd, 'train_naive.json')
    stage1 = _select(wd, 'select', det, cls, split, selected, rerun,
                     ['--cls-fold-checkpoints'] + folds, BUSI_STAGE2)
    _select(wd, 'select_naive', det, cls, split, naive, rerun, ['--naive'],
            BUSI_STAGE2)
    separate = ['model.fusion=False']
    out = {BUSI_ARMS[0]: _test(BUSI_STAGE2, stage1,
                               osp.join(wd, 'stage1_test'), rerun, separate)}
    for arm, ann_file, opts, name in (
            (BUSI_ARMS[1], naive, separate, 'naive'),
            (BUSI_ARMS[2], selected, [], 'tsddnet'),
            (BUSI_ARMS[3], selected, separate, 'guided_nofusion')):
        ckpt = train_once(BUSI_STAGE2, seed, osp.join(wd, name), rerun,
                          opts + NO_VAL + (QUICK_STAGE2 if quick else []) + [
                              f'train_dataloader.dataset.ann_file={ann_file}',
                              f'load_from={stage1}'])
        out[arm] = _test(BUSI_STAGE2, ckpt, osp.join(wd, f'{name}_test'),
                         rerun, opts)
    # the training boxes of each arm against the mask boxes (the full-box
    # training json): stage 1 trains on the manual boxes alone (the naive
    # json keeps them as they are), the naive arm adds top-1 detections,
    # TSDDNet the refined manual and class-guided pseudo boxes
    ref = osp.join(ROOT, BUSI_DATA, f'fold{BUSI_FOLD}_train.json')
    boxes = {}
    for arm, path in zip(BUSI_ARMS, (naive, naive, selected, selected)):
        iou = box_iou_to_reference(path, ref)
        if arm == BUSI_ARMS[0]:
            iou = {k: v for k, v in iou.items() if k.startswith('manual')}
        boxes[arm] = iou
    out['selection'] = dict(boxes=boxes)
    # the seed's training wall time (every trained run, summed)
    walls = []
    for name in ['det1', 'cls1', 'naive', 'tsddnet', 'guided_nofusion'] + [
            f'cls_fold{k}' for k in range(NUM_FOLDS)]:
        path = osp.join(wd, name, 'elapsed.json')
        if osp.isfile(path):
            with open(path) as f:
                walls.append(json.load(f).get('wall_time_s') or 0.)
    out['train_wall_s'] = float(sum(walls))
    for name in ('select', 'select_naive'):
        with open(osp.join(wd, name, 'selection.json')) as f:
            sel = json.load(f)
        out['selection'][name] = {k: sel[k] for k in (
            'refined', 'manual', 'pseudo', 'class_only')}
    return out


BUSI_COLUMNS = (('diag/auc', 'AUC'), ('diag/accuracy', 'ACC'),
                ('diag/sensitivity', 'SEN'), ('diag/specificity', 'SPE'),
                ('coco/bbox_mAP_50', 'lesion AP50'))


def write_busi_table(results: dict, out_dir: str) -> str:
    """The BUSI table (mean ± std over seeds, ddof 0; AP and IoU in
    percent): test-fold metrics per arm and the IoU of the arm's training
    boxes to the mask boxes."""
    seeds = sorted(results)
    lines = ['| arm | ' + ' | '.join(c[1] for c in BUSI_COLUMNS) +
             ' | manual box IoU | pseudo box IoU | pseudo boxes IoU >= 0.5'
             ' | pseudo boxes / class-only | seeds |',
             '|---' * (len(BUSI_COLUMNS) + 6) + '|']
    for arm in BUSI_ARMS:
        cells = [_cell([results[s].get(arm, {}).get(key) for s in seeds],
                       100. if key.startswith('coco') else 1.)
                 for key, _ in BUSI_COLUMNS]
        ious = [results[s]['selection']['boxes'].get(arm, {})
                for s in seeds]
        cells += [_cell([b.get(key) for b in ious], 100.) for key in (
            'manual_iou', 'pseudo_iou', 'pseudo_precision')]
        sel = {BUSI_ARMS[1]: 'select_naive', BUSI_ARMS[2]: 'select',
               BUSI_ARMS[3]: 'select'}.get(arm)
        cells.append('n/a' if sel is None else ', '.join(
            f"{results[s]['selection'][sel]['pseudo']}/"
            f"{results[s]['selection'][sel]['class_only']}" for s in seeds))
        lines.append(f'| {arm} | ' + ' | '.join(cells) + f' | {len(seeds)} |')
    text = '\n'.join(lines) + '\n'
    for s in seeds:
        sel = results[s]['selection']['select']
        text += (f"\nseed {s}: cross-fitted selection refined "
                 f"{sel['refined']}/{sel['manual']} manual boxes")
        if results[s].get('train_wall_s'):
            minutes = results[s]['train_wall_s'] / 60
            text += f'; training wall time {minutes:.1f} min'
    text += '\n'
    return write_outputs(out_dir, 'tsddnet_busi', text, results)


BUSI_METRICS = (('diag/auc', 'AUC', 1.), ('diag/accuracy', 'Accuracy', 1.),
                ('diag/sensitivity', 'Sensitivity', 1.),
                ('diag/specificity', 'Specificity', 1.),
                ('coco/bbox_mAP_50', 'AP50', 100.))
BUSI_MODELS = {
    'Stage 1': ('tsddnet_r18_fpn_2e_busi-cpu_stage1', 'Stage 1',
                'model.fusion=False, tested on the merged stage-1 '
                'checkpoint (no stage-2 training)'),
    'Naive pseudo boxes': ('tsddnet_r18_fpn_2e_busi-cpu_naive',
                           'Naive pseudo boxes',
                           'model.fusion=False; stage 2 on the manual boxes '
                           '+ the top-1 detection of each class-only image'),
    'TSDDNet': ('tsddnet_r18_fpn_2e_busi-cpu', 'TSDDNet',
                'cross-fitted class-guided candidates, fusion network and '
                'self-distillation'),
    'Class-guided boxes, no fusion': (
        'tsddnet_r18_fpn_2e_busi-cpu_no-fusion', 'TSDDNet',
        'ablation: the cross-fitted class-guided boxes (refined manual '
        'boxes + pseudo boxes), stage 2 with model.fusion=False (the '
        'naive arm\'s training with the selected boxes)'),
}
BUSI_DATASET = ('BUSI (Al-Dhabyani et al. 2020), benign vs malignant, '
                'fold 0 of 5 (stratified, seeded), 20 % of the training '
                'lesion images with their mask boxes, resized for CPU')


def write_busi_metafile(results: dict, path: str, command: str) -> dict:
    """Replace the BUSI models of ``configs/tsddnet/metafile.yml`` (those
    whose ``Dataset`` names BUSI) with the ones of ``results``: per arm the
    test-fold ``AUC``, ``Accuracy``, ``Sensitivity``, ``Specificity`` and
    ``AP50`` (means over seeds in %, with ``... std`` keys), and the IoU of
    the arm's training boxes to the mask boxes."""
    import yaml
    with open(path) as f:
        meta = yaml.safe_load(f)
    meta['Models'] = [m for m in meta['Models'] if not any(
        'BUSI' in r.get('Dataset', '') for r in m.get('Results', []))]
    seeds = sorted(results)

    def stat(vals, scale):
        vals = np.array([v for v in vals if v is not None and v >= 0],
                        dtype=float) * scale
        return (round(float(vals.mean()), 2), round(float(vals.std()), 2)) \
            if len(vals) else None

    walls = [results[s].get('train_wall_s') for s in seeds]
    wall = stat(walls, 1 / 60.)
    for arm, (name, coll, how) in BUSI_MODELS.items():
        metrics = {}
        for key, label, scale in BUSI_METRICS:
            m = stat([results[s].get(arm, {}).get(key) for s in seeds],
                     scale)
            if m:
                metrics[label], metrics[f'{label} std'] = m
        boxes = {}
        for key, label in (('manual_iou', 'Manual box IoU'),
                           ('pseudo_iou', 'Pseudo box IoU'),
                           ('pseudo_precision', 'Pseudo boxes IoU >= 0.5')):
            m = stat([results[s]['selection']['boxes'].get(arm, {}).get(key)
                      for s in seeds], 100.)
            if m:
                boxes[label], boxes[f'{label} std'] = m
        results_ = [{'Task': 'Lesion Detection and Diagnosis',
                     'Dataset': BUSI_DATASET + ', test fold',
                     'Metrics': metrics}]
        if boxes:
            results_.append({'Task': 'Training Boxes (against the mask '
                             'boxes)', 'Dataset': BUSI_DATASET +
                             ', training fold', 'Metrics': boxes})
        meta['Models'].append({
            'Name': name, 'In Collection': coll, 'Config': BUSI_STAGE2,
            'Metadata': {
                'Arm': arm, 'How': how,
                'Stage-1 configs': f'{BUSI_DET}, {BUSI_CLS}',
                'Seeds': ' '.join(str(s) for s in seeds),
                'Training Resources': '2 CPU cores',
                'Training wall time per seed (min)':
                wall[0] if wall else None,
                'Command': command},
            'Results': results_})
    with open(path, 'w') as f:
        yaml.safe_dump(meta, f, sort_keys=False, allow_unicode=True,
                       width=79)
    return meta


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--dataset', choices=('synthetic', 'busi'),
                        default='synthetic',
                        help='the synthetic benchmark (default) or the '
                        'CPU-scale suite on real BUSI (fold 0)')
    parser.add_argument('--work-dir',
                        help='default: work_dirs/tsddnet_bench '
                        '(synthetic), work_dirs/tsddnet_busi_bench (busi)')
    parser.add_argument('--rerun', action='store_true')
    parser.add_argument('--quick', action='store_true',
                        help='busi: one epoch per stage (smoke test)')
    parser.add_argument('--metafile', action='store_true',
                        help='busi: also write the BUSI models of '
                        'configs/tsddnet/metafile.yml from the results')
    args = parser.parse_args(argv)
    if args.quick and args.dataset != 'busi':
        parser.error('--quick is for --dataset busi')
    if args.metafile and (args.dataset != 'busi' or args.quick):
        parser.error('--metafile is for --dataset busi (not --quick)')
    if args.work_dir is None:
        # a quick run has its own default, so that the suite never reuses
        # its one-epoch steps
        args.work_dir = ('work_dirs/tsddnet_bench' if args.dataset ==
                         'synthetic' else 'work_dirs/tsddnet_busi_bench' +
                         ('_quick' if args.quick else ''))
    return args


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    if args.dataset == 'busi':
        return main_busi(args)
    from mmssl.datasets.synthetic import make_ultrasound_dataset
    if not osp.isfile(osp.join(DATA, 'meta.json')):
        print(f'[tsddnet] writing the benchmark data to {DATA}')
        make_ultrasound_dataset(DATA)
    from mmssl.utils.progress import track
    results = {}
    for seed in track(args.seeds, desc=f'[tsddnet] {len(args.seeds)} seeds',
                      lines=len(args.seeds)):
        results[seed] = run_seed(seed, args.work_dir, args.rerun)
        text = write_table(results, args.work_dir)
    print(text)
    return results


def main_busi(args):
    from mmssl.utils.progress import track
    results = {}
    for seed in track(args.seeds, desc=f'[tsddnet] BUSI, {len(args.seeds)} '
                      'seeds', lines=len(args.seeds)):
        results[seed] = run_busi_seed(seed, args.work_dir, args.rerun,
                                      args.quick)
        text = write_busi_table(results, args.work_dir)
    print(text)
    if args.metafile and results:
        seeds = ' '.join(str(s) for s in args.seeds)
        write_busi_metafile(
            results, osp.join(ROOT, 'configs', 'tsddnet', 'metafile.yml'),
            f'python tools/benchmark/tsddnet_benchmark.py --dataset busi '
            f'--seeds {seeds} --metafile')
    return results


if __name__ == '__main__':
    sys.path.insert(0, ROOT)
    from mmssl.utils.errors import run_cli
    run_cli(main)
