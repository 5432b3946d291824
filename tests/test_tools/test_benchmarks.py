# Copyright (c) mmssl contributors. All rights reserved.
"""The benchmark scripts: the leaderboard's collection and tables, and the
step-time comparison against a baseline config (timings not asserted)."""
import json
import os.path as osp

import pytest

from tests.helpers.runner_utils import ROOT, load_script


def _load(name):
    return load_script(f'tools/benchmark/{name}.py', f'bench_{name}')


def test_leaderboard_collects_multi_metric_runs(tmp_path, capsys):
    lb = _load('leaderboard')
    configs = lb.SUITES['digits-openset']
    values = {'supervised': (80.0, 60.0, 50.0), 'fixmatch': (95.0, 70.0,
                                                            60.0),
              'iomatch': (97.0, 75.0, 80.0), 'wad': (90.0, 80.0, 70.0)}
    for config in configs:
        name = osp.splitext(osp.basename(config))[0]
        for seed in (0, 1):
            run = tmp_path / name / f'seed{seed}'
            run.mkdir(parents=True)
            v = values[name.split('_')[0]]
            json.dump(dict(config=config, seed=seed, wall_time_s=10.0,
                           values=dict(zip(lb.OPENSET_METRICS,
                                           (v[0] + seed, v[1], v[2])))),
                      open(run / 'result.json', 'w'))
    lb.main(['--suite', 'digits-openset', '--collect', '--seeds', '0', '1',
             '--work-dir', str(tmp_path)])
    # the progress over the runs (captured: one line per run, with ETA)
    n = 2 * len(configs)
    progress = [line for line in capsys.readouterr().out.splitlines()
                if line.startswith(f'leaderboard: {n} runs: ')]
    assert len(progress) == n and 'ETA' in progress[0]
    assert progress[-1].startswith(f'leaderboard: {n} runs: {n}/{n} (100%)')
    md = (tmp_path / 'leaderboard.md').read_text().splitlines()
    assert 'mean openset/auroc' in md[0]
    rows = {line.split(' | ')[0].strip('| '): line.split(' | ')
            for line in md[2:]}
    assert set(rows) == {'Supervised', 'FixMatch', 'IOMatch', 'WAD'}
    # closed_acc mean/std, auroc mean, balanced mean; no sklearn rows.
    assert rows['IOMatch'][2:5] == ['97.50', '0.50', '75.00']
    assert rows['IOMatch'][6] == '80.00'
    assert rows['FixMatch'][9] == '20'  # wall time of both seeds
    assert (tmp_path / 'leaderboard.csv').is_file()


def test_leaderboard_reads_old_single_metric_results(tmp_path):
    lb = _load('leaderboard')
    config = 'configs/fixmatch/fixmatch_digits-cnn_2k_digits-4.py'
    run = tmp_path / 'fixmatch_digits-cnn_2k_digits-4' / 'seed0'
    run.mkdir(parents=True)
    json.dump(dict(config=config, seed=0, metric='accuracy/top1',
                   value=98.0, wall_time_s=5.0),
              open(run / 'result.json', 'w'))
    lb.main([config, '--collect', '--seeds', '0', '--no-sklearn',
             '--work-dir', str(tmp_path)])
    assert '| FixMatch | 4 | 98.00 | 0.00 |' in (
        tmp_path / 'leaderboard.md').read_text()


def test_leaderboard_wsol_suite_rows(tmp_path):
    """The synthetic-CUB WSOL suite: SAT and TS-CAM rows named from their
    heads, 'all' image labels, the four localization metrics."""
    lb = _load('leaderboard')
    for config, v in zip(lb.SUITES['synthetic-cub-wsol'], (88., 61.)):
        name = osp.splitext(osp.basename(config))[0]
        run = tmp_path / name / 'seed0'
        run.mkdir(parents=True)
        json.dump(dict(config=config, seed=0, wall_time_s=100.0,
                       values=dict(zip(lb.WSOL_METRICS,
                                       (v, v - 1, 97., v + 2)))),
                  open(run / 'result.json', 'w'))
    lb.main(['--suite', 'synthetic-cub-wsol', '--collect', '--seeds', '0',
             '--work-dir', str(tmp_path)])
    md = (tmp_path / 'leaderboard.md').read_text().splitlines()
    assert 'mean wsol/gt_known_loc' in md[0]
    assert md[2].startswith('| SAT | all | 88.00 | 0.00 | 87.00 |')
    assert md[3].startswith('| TS-CAM | all | 61.00 |')
    assert not (tmp_path / 'leaderboard.png').exists()


def test_leaderboard_phantom_suite_rows(tmp_path):
    """The UMCT phantom suite: methods named from the model (views,
    co-training weight), labeled volumes, Dice/HD95 metrics."""
    lb = _load('leaderboard')
    for config, dice in zip(lb.SUITES['phantom-umct'], (60., 65., 70.)):
        name = osp.splitext(osp.basename(config))[0]
        run = tmp_path / name / 'seed0'
        run.mkdir(parents=True)
        json.dump(dict(config=config, seed=0, wall_time_s=60.0,
                       values=dict(zip(lb.VOLUME_METRICS,
                                       (dice, dice + 10, dice - 20, 5., 4.)))),
                  open(run / 'result.json', 'w'))
    lb.main(['--suite', 'phantom-umct', '--collect', '--seeds', '0',
             '--work-dir', str(tmp_path)])
    md = (tmp_path / 'leaderboard.md').read_text().splitlines()
    assert md[0].startswith('| method | labeled volumes | mean seg3d/mDice')
    assert [line.split(' | ')[0].strip('| ') for line in md[2:]] == [
        'UMCT', 'Supervised (3 views)', 'Supervised (1 view)']
    assert md[2].startswith('| UMCT | 2 | 70.00 |')


@pytest.mark.parametrize('method,baseline', [
    ('iomatch/iomatch_digits-cnn_2k_digits-6-24.py',
     'fixmatch/fixmatch_digits-cnn_2k_digits-6-24.py'),
    ('shrinkmatch/shrinkmatch_digits-cnn_2k_digits-4.py',
     'fixmatch/fixmatch_digits-cnn_2k_digits-4.py'),
])
def test_train_speed_against_fixmatch(method, baseline, tmp_path):
    speed = _load('train_speed')
    out = speed.main([
        osp.join(ROOT, 'configs', method), '--baseline',
        osp.join(ROOT, 'configs', baseline), '--iters', '1', '--blocks',
        '2', '--warmup', '1', '--labeled-batch', '2', '--json',
        str(tmp_path / 'speed.json')
    ])
    assert out['images_per_step'] == 2 * (1 + 2 * 7)
    assert {'mmssl', 'bare', 'baseline'} <= set(out)
    assert out['ratio_vs_baseline'] > 0
    assert json.load(open(tmp_path / 'speed.json'))['baseline_config']


def test_train_speed_for_wad(tmp_path):
    speed = _load('train_speed')
    out = speed.main([
        osp.join(ROOT, 'configs', 'wad',
                 'wad_digits-cnn_6x1500_digits-6-24.py'), '--iters', '1',
        '--blocks', '2', '--warmup', '1', '--synthetic', '--image-size', '8'
    ])
    assert out['images_per_step'] == 32 + 32
    assert out['ratio'] > 0


def test_sliding_window_speed_runs(tmp_path):
    """Timings are reported, not asserted; without MONAI there is no
    comparison row."""
    sw = _load('sliding_window_speed')
    out = sw.main(['--shape', '20', '18', '24', '--roi', '16', '--repeats',
                   '1', '--json', str(tmp_path / 'sw.json'), '--no-monai'])
    assert out['mmssl_voxels_per_s'] > 0
    assert 'monai_s' not in out
    assert json.load(open(tmp_path / 'sw.json'))['shape'] == [20, 18, 24]


def test_mars_benchmark_table_and_test_metrics(tmp_path):
    """The MARS driver's table: mean and std (ddof 0) per arm over seeds,
    'n/a' for a metric no seed has; tools/test.py's metrics json found."""
    mb = _load('mars_benchmark')
    lb = _load('leaderboard')
    arm = dict(seeds_fpr=60.0, seeds_mIoU=50.0, debiased_fpr=20.0,
               complemented_fpr=15.0, purity_selected=90.0, mIoU=55.0,
               **{'IoU.train': 45.0, 'IoU.person': 25.0,
                  'IoU.background': 90.0, 'biased/fpr': 60.0,
                  'biased_far/fpr': 40.0})
    results = {}
    for seed, shift in ((0, 0.0), (1, 2.0)):
        arms = {name: {k: v + shift for k, v in arm.items()}
                for name in mb.ARMS}
        arms['CAM baseline']['debiased_fpr'] = None
        arms['MARS'].update(d_wall_s=100.0 + seed, d_load=1.5 + 2 * seed)
        arms['CAM baseline'].update(d_wall_s=90.0, d_load=1.0)
        results[seed] = dict(arms, **{'biased wall (s)': 600.0,
                                      'control wall (s)': 300.0,
                                      'biased CAM': dict(wall_s=60.0,
                                                         load=1.0)})
    text = mb.write_table(results, str(tmp_path))
    rows = {line.split(' | ')[0].strip('| '): line
            for line in text.splitlines()[2:] if line.startswith('| ')}
    assert set(rows) == set(mb.ARMS)
    # columns: seeds FPR, debiased FPR, complemented, purity, far FPR, ...
    assert rows['MARS'].startswith('| MARS | 61.00 ± 1.00 | 21.00 ± 1.00 |')
    assert '| 41.00 ± 1.00 |' in rows['MARS']
    assert rows['CAM baseline'].startswith('| CAM baseline | 61.00 ± 1.00 '
                                           '| n/a |')
    assert rows['MARS'].endswith('| 100* | 2 |')  # seed 1 shared cores
    assert rows['CAM baseline'].endswith('| 90 | 2 |')
    assert 'Stage A (CAM, 30 epochs): 60 s wall per run.' in text
    summary = mb.summarize(results)
    assert summary['MARS']['biased_far/fpr'] == dict(mean=41.0, std=1.0, n=2)
    # the OpenMMLab metafile: every arm a model in its own collection
    import yaml
    meta = mb.write_metafile(results, str(tmp_path / 'metafile.yml'), 'cmd')
    assert yaml.safe_load(open(tmp_path / 'metafile.yml')) == meta
    colls = {m['In Collection'] for m in meta['Models']}
    assert {'MARS', 'CAM baseline', 'MARS (negative control)',
            'CAM baseline (negative control)'} <= colls
    mars = next(m for m in meta['Models']
                if m['Metadata']['Arm'] == 'MARS')
    assert 'biased' in mars['Results'][0]['Dataset']
    assert mars['Results'][0]['Metrics']['Biased FPR'] == 41.0
    assert mars['Results'][0]['Metrics']['Biased FPR std'] == 1.0
    assert {'Train IoU', 'mIoU'} <= set(mars['Results'][0]['Metrics'])
    for m in meta['Models']:
        assert osp.isfile(osp.join(ROOT, m['Config']))
    assert osp.isfile(tmp_path / 'mars_leaderboard.md')
    run = tmp_path / 'test' / '20261125_000000'
    run.mkdir(parents=True)
    (run / '20261125_000000.json').write_text(json.dumps({'mIoU': 55.4}))
    assert lb.test_metrics(str(tmp_path / 'test')) == {'mIoU': 55.4}
    with pytest.raises(FileNotFoundError, match='no test metrics'):
        lb.test_metrics(str(tmp_path))


def test_tsddnet_benchmark_table(tmp_path):
    """The TSDDNet driver's table: mean ± std (ddof 0) per arm, AP in
    percent, 'n/a' for metrics an arm lacks (B0 has no boxes), and the
    selection's box statistics."""
    tb = _load('tsddnet_benchmark')
    results = {}
    for seed, shift in ((0, 0.0), (1, 2.0)):
        arms = {arm: {'coco/bbox_mAP': 0.3, 'coco/bbox_mAP_50': 0.8,
                      'diag/auc': 85.0 + shift, 'diag/accuracy': 80.0,
                      'diag/sensitivity': 70.0, 'diag/specificity': 90.0}
                for arm in tb.ARMS}
        arms[tb.ARMS[0]] = {k: v for k, v in arms[tb.ARMS[0]].items()
                            if k.startswith('diag')}
        iou = dict(manual_iou=0.5, pseudo_iou=0.6, pseudo_precision=0.75,
                   manual_count=10, pseudo_count=20)
        arms['selection'] = dict(
            boxes={f'{t}/{r}': iou for t in ('coarse', 'selected', 'plain',
                                              'naive')
                   for r in ('exact', 'roi')},
            select=dict(refined=3, manual=10, pseudo=20, class_only=40),
            select_plain=dict(refined=0, manual=10, pseudo=20,
                              class_only=40))
        results[seed] = arms
    text = tb.write_table(results, str(tmp_path))
    rows = {line.split(' | ')[0].strip('| '): line
            for line in text.splitlines() if line.startswith('| ')}
    full = rows['T3 full (fusion + self-distillation)']
    assert '| 80.00 ± 0.00 | 30.00 ± 0.00 | 86.00 ± 1.00 |' in full
    assert full.endswith('| 2 |')
    assert rows['B0 whole-image classifier'].startswith(
        '| B0 whole-image classifier | n/a | n/a | 86.00 ± 1.00')
    assert '| 60.00 ± 0.00 | 60.00 ± 0.00 | 75.00 ± 0.00 |' in \
        rows['class-guided pseudo']
    assert 'seed 1, plain selection: 0/10 manual boxes refined' in text
    assert osp.isfile(tmp_path / 'tsddnet_leaderboard.md')
    assert json.load(open(tmp_path / 'tsddnet_results.json'))['1'][
        tb.ARMS[1]]['diag/auc'] == 87.0


def _busi_results(tb):
    """Two seeds of made-up BUSI driver results (for the table and
    metafile writers)."""
    results = {}
    for seed, shift in ((0, 0.0), (1, 2.0)):
        arms = {arm: {'coco/bbox_mAP': 0.3, 'coco/bbox_mAP_50': 0.8,
                      'diag/auc': 85.0 + shift, 'diag/accuracy': 80.0,
                      'diag/sensitivity': 70.0, 'diag/specificity': 90.0}
                for arm in tb.BUSI_ARMS}
        iou = dict(manual_iou=1.0, manual_count=104, pseudo_iou=0.6 + shift
                   / 100, pseudo_precision=0.75, pseudo_count=300)
        arms['selection'] = dict(
            boxes={tb.BUSI_ARMS[0]: dict(manual_iou=1.0, manual_count=104),
                   tb.BUSI_ARMS[1]: iou, tb.BUSI_ARMS[2]: iou},
            select=dict(refined=3 + seed, manual=104, pseudo=300,
                        class_only=413),
            select_naive=dict(refined=0, manual=104, pseudo=350 + seed,
                              class_only=413))
        results[seed] = arms
    return results


def test_tsddnet_busi_table_and_options(tmp_path):
    """The BUSI mode of the TSDDNet driver: its table (mean ± std, ddof 0,
    per arm; AP and box IoU in percent; no pseudo boxes for stage 1), its
    options and the box IoU against a multi-box reference json."""
    tb = _load('tsddnet_benchmark')
    results = _busi_results(tb)
    text = tb.write_busi_table(results, str(tmp_path))
    rows = {line.split(' | ')[0].strip('| '): line
            for line in text.splitlines() if line.startswith('| ')}
    assert rows['arm'].startswith('| arm | AUC | ACC | SEN | SPE | lesion '
                                  'AP50 | manual box IoU | pseudo box IoU')
    assert rows['TSDDNet'] == (
        '| TSDDNet | 86.00 ± 1.00 | 80.00 ± 0.00 | 70.00 ± 0.00 | '
        '90.00 ± 0.00 | 80.00 ± 0.00 | 100.00 ± 0.00 | 61.00 ± 1.00 | '
        '75.00 ± 0.00 | 300/413, 300/413 | 2 |')
    assert rows['Stage 1'].endswith(
        '| 100.00 ± 0.00 | n/a | n/a | n/a | 2 |')
    assert '| 350/413, 351/413 | 2 |' in rows['Naive pseudo boxes']
    assert 'seed 1: cross-fitted selection refined 4/104 manual boxes' \
        in text
    assert osp.isfile(tmp_path / 'tsddnet_busi_leaderboard.md')
    assert json.load(open(tmp_path / 'tsddnet_busi_results.json'))['1'][
        'TSDDNet']['diag/auc'] == 87.0
    # options: synthetic stays the default; busi has its own work dir
    args = tb.parse_args([])
    assert (args.dataset, args.work_dir, args.quick) == (
        'synthetic', 'work_dirs/tsddnet_bench', False)
    args = tb.parse_args(['--dataset', 'busi', '--seeds', '1', '--quick'])
    assert (args.work_dir, args.seeds, args.quick) == (
        'work_dirs/tsddnet_busi_bench_quick', [1], True)
    assert tb.parse_args(['--dataset', 'busi']).work_dir == \
        'work_dirs/tsddnet_busi_bench'
    with pytest.raises(SystemExit):
        tb.parse_args(['--quick'])
    assert tb.busi_split(2).endswith(
        osp.join('data', 'busi_coco', 'fold0_train_box20_seed2.json'))
    # IoU to the mask boxes: an image with two lesions counts its box
    # against the one it overlaps most
    from mmssl.apis.tsddnet import box_iou_to_reference

    def coco(path, boxes, kinds=None):
        images = [dict(id=i + 1, file_name=f'{i}.png', height=100, width=100)
                  for i in range(len(boxes))]
        for im, kind in zip(images, kinds or []):
            im['selection'] = dict(kind=kind)
        anns = [dict(id=10 * i + j + 1, image_id=i + 1, bbox=b,
                     category_id=1)
                for i, img in enumerate(boxes) for j, b in enumerate(img)]
        json.dump(dict(images=images, annotations=anns,
                       categories=[dict(id=1, name='lesion')]),
                  open(path, 'w'))
        return str(path)

    ref = coco(tmp_path / 'ref.json', [[[0, 0, 10, 10], [50, 50, 20, 20]],
                                       [[0, 0, 10, 10]]])
    sel = coco(tmp_path / 'sel.json', [[[50, 50, 20, 10]], [[0, 0, 10, 10]]],
               ['class_only', 'manual'])
    out = box_iou_to_reference(sel, ref)
    assert out['manual_iou'] == 1.0 and out['manual_count'] == 1
    assert out['pseudo_iou'] == pytest.approx(0.5)
    assert out['pseudo_precision'] == 1.0


def test_upcycling_benchmark_table_and_options(tmp_path):
    """The UpCycling driver's table (AP40 per class and arm, mean ± std
    over seeds, bytes per scene) and the options that point a config at a
    split."""
    ub = _load('upcycling_benchmark')
    results = {}
    for seed, shift in ((0, 0.0), (1, 2.0)):
        arm = {f'{c} {k}': 50.0 + shift for c in ub.CLASSES
               for k in ('BEV', '3D')}
        results[seed] = dict(A=arm, D={k: v + 10 for k, v in arm.items()},
                             bytes=dict(features=2048., points=4096.))
    text = ub.write_table(results, str(tmp_path), ['D'])
    rows = {line.split(' | ')[0].strip('| '): line
            for line in text.splitlines() if line.startswith('| ')}
    assert rows[ub.ARM_NAMES['A']].count('51.00 ± 1.00') == 6
    assert rows[ub.ARM_NAMES['D']].count('61.00 ± 1.00') == 6
    assert ub.ARM_NAMES['B'] not in rows
    assert '2.0 KiB of float16 features (compressed) vs 4.0 KiB' in text
    # stage 1's pseudo-label quality at the threshold, mean over seeds
    for seed, p in ((0, 0.6), (1, 0.8)):
        cls = {str(i): dict(precision=p, recall=p / 2, per_scene=2.)
               for i in range(3)}
        results[seed]['pseudo'] = dict(
            classes=['Pedestrian', 'Cyclist', 'Car'],
            iou_thrs=[0.5, 0.5, 0.7],
            rows=[dict(thr=0.1, **cls), dict(thr=0.4, **cls)])
    text = ub.write_table(results, str(tmp_path), ['D'])
    assert 'Car precision 0.70, recall 0.35, 2.00 per scene' in text
    assert 'Car 0.7' in text
    assert osp.isfile(tmp_path / 'upcycling_leaderboard.md')
    # the ablation arms go to their own table
    results[0]['D1'] = results[1]['D1'] = results[0]['D']
    text = ub.write_table(results, str(tmp_path), ['D'] + ub.ABLATION)
    assert ub.ARM_NAMES['D1'] in text and ub.ARM_NAMES['D2'] not in text
    assert osp.isfile(tmp_path / 'upcycling_ablation_leaderboard.md')
    assert ub.ARM_OPTS['D1'] == ['model.semi_train_cfg.ignore_score_thr=0.1']
    # each arm's features are exported at its own split
    assert ub.default_split() == 'scatter'
    assert ub.arm_split('D') == ub.arm_split('S') == 'scatter'
    assert ub.arm_split('D3') == ub.arm_split('S3') == 'backbone'
    tag = ub.split_tag(0.05, 1)
    assert tag == 'l0.05_s1'
    opts = ub.kitti_opts('features', '/d', tag, '/f')
    assert ('train_dataloader.dataset.labeled.ann_file='
            'kitti_infos_train_labeled_l0.05_s1.pkl') in opts
    assert 'export.unlabeled_dataset.ann_file=' \
        'kitti_infos_train_unlabeled_l0.05_s1.pkl' in opts
    assert 'train_dataloader.dataset.unlabeled.feature_dir=/f' in opts
    raw = ub.kitti_opts('points', '/d', tag)
    assert 'train_dataloader.dataset.unlabeled.data_root=/d/' in raw
    assert not any('feature_dir' in o for o in raw)


def test_cifar10_cpu_suite_tables_gates_and_metafiles(tmp_path):
    """The cifar10-cpu suite collects finished runs (fake ones here),
    writes a table per setting with its gate, the diagnostics read from
    the logs, and OpenMMLab metafiles whose configs exist."""
    import yaml
    lb = _load('leaderboard')
    suite = _load('cifar_suite')
    work = tmp_path / 'runs'
    for setting in suite.SETTINGS:
        for k, (arm, config) in enumerate(setting['arms']):
            for seed in (0, 1):
                run = work / osp.splitext(osp.basename(config))[0] / \
                    f'seed{seed}'
                (run / 'x' / 'vis_data').mkdir(parents=True)
                values = {m: 50.0 + 10 * k + seed for m in
                          setting['metrics']}
                json.dump(dict(config=config, seed=seed, values=values,
                               wall_time_s=100.0 + seed),
                          open(run / 'result.json', 'w'))
                with open(run / 'x' / 'vis_data' / 'scalars.json',
                          'w') as f:
                    for i in range(8):
                        f.write(json.dumps(dict(
                            loss=1.0, util_ratio_seen=i / 10,
                            in_mask_unseen=0.5, step=i)) + '\n')
    out = tmp_path / 'out'
    records = tmp_path / 'records'
    lb.main(['--suite', 'cifar10-cpu', '--collect', '--seeds', '0', '1',
             '--no-sklearn', '--work-dir', str(work), '--out-dir', str(out),
             '--records', str(records)])
    md = (out / 'cifar10_cpu_leaderboard.md').read_text()
    # every collected run left a record with its config digest, and the
    # records alone (a fresh clone: no work dir) give the same tables
    config = suite.SETTINGS[0]['arms'][1][1]
    record = json.load(open(suite.record_file(str(records), config, 1)))
    assert record['config_digest'] == suite.config_digest(config)
    assert record['diagnostics']['util_ratio_seen'] == pytest.approx(0.65)
    lb.main(['--suite', 'cifar10-cpu', '--collect', '--seeds', '0', '1',
             '--no-sklearn', '--work-dir', str(tmp_path / 'empty'),
             '--out-dir', str(tmp_path / 'out2'), '--records', str(records)])
    assert (tmp_path / 'out2' / 'cifar10_cpu_leaderboard.md').read_text() \
        == md
    assert md.count('## ') == len(suite.SETTINGS)
    # the official 800-label mismatch setting is a seed-0 gate record only
    assert ('| FixMatch at mismatch 0 (gate) | ' +
            ' | '.join(['70.00 ± 0.00'] * 4) + ' | 0 | 100 |') in md
    # FixMatch (k=1) vs supervised (k=0): +10 on both seeds
    assert 'Gate: FixMatch - Supervised on top-1: 10.00 ± 0.00 points ' \
        '(2 of 2 seeds above 0)' in md
    assert '| ShrinkMatch | 70.50 ± 0.50 | 0 1 | 100 |' in md
    # the last quarter of the 8 logged steps: 0.6 and 0.7
    assert 'util_ratio_seen 0.650 ± 0.000' in md
    results = json.load(open(out / 'cifar10_cpu_results.json'))
    summary = results['summary']
    models = suite.metafile_models(summary)
    iomatch = models['configs/iomatch'][0]
    assert iomatch['In Collection'] == 'IOMatch'
    res = iomatch['Results'][0]
    assert res['Dataset'].startswith('CIFAR-10 (JPEG copy), open-set 6/4')
    assert set(res['Metrics']) >= {'Top 1 Accuracy', 'AUROC',
                                   'Balanced Accuracy',
                                   'Top 1 Accuracy std'}
    gate = [m for m in models['configs/fixmatch']
            if m['Name'].endswith('inliers')][0]
    assert gate['In Collection'] == 'FixMatch'
    written = suite.write_metafiles(summary, root=str(tmp_path))
    assert 'configs/wad/metafile.yml' in written
    index = yaml.safe_load(open(tmp_path / 'model-index.yml'))
    assert 'configs/wad/metafile.yml' in index['Import']
    for path in written:
        data = yaml.safe_load(open(tmp_path / path))
        for model in data['Models']:
            assert osp.isfile(osp.join(ROOT, model['Config']))
            for metric in model['Results'][0]['Metrics'].values():
                assert isinstance(metric, float)


def test_cifar10_cpu_suite_reads_wad_transfers(tmp_path):
    """The WAD diagnostics add up the transfers of every round from the
    training log (moved instances and how many have the right class)."""
    suite = _load('cifar_suite')
    (tmp_path / 'knowledge').mkdir()
    for rnd, acc in ((1, 65.0), (2, 60.0)):
        json.dump(dict(diagnostics=dict(
            teacher_anchor_acc=acc, unseen_weight_share=0.85,
            mean_weight_by_class={'0': 0.15, '5': 0.25})),
                  open(tmp_path / 'knowledge' / f'round{rnd}.json', 'w'))
    with open(tmp_path / 'train.log', 'w') as f:
        f.write('12/03 16:15:03 - mmengine - INFO - WAD round 1: moved 2944 '
                'of 46001 unlabeled instances (alpha 0.064) to the labeled '
                'set; 1766 of them have the right seen class\n'
                '12/03 16:19:27 - mmengine - INFO - WAD round 2: moved 56 '
                'of 43057 unlabeled instances (alpha 0.036) to the labeled '
                'set; 34 of them have the right seen class\n')
    diag = suite.wad_diagnostics(str(tmp_path))
    assert diag['transferred'] == 3000
    assert diag['transfer_precision'] == pytest.approx(60.0)
    assert diag['teacher_anchor_acc_r1'] == 65.0
    assert diag['teacher_anchor_acc_last'] == 60.0
    assert diag['mean_weight_class5_r1'] == 0.25


def test_cifar10_cpu_suite_skips_recorded_runs_and_retrains_stale(tmp_path):
    """A run with a current record is not trained again; a record whose
    config changed since (other digest) is stale and the run is
    trained."""
    suite = _load('cifar_suite')
    setting = suite.SETTINGS[0]
    config = setting['arms'][0][1]
    records = tmp_path / 'records'
    suite.write_json(suite.record_file(str(records), config, 0), dict(
        config=config, seed=0, values={'accuracy/top1': 41.5},
        wall_time_s=140.0, config_digest=suite.config_digest(config)))
    trained = []

    def run_one(cfg, seed, run, args):
        trained.append(cfg)
        return dict(config=cfg, seed=seed, values={'accuracy/top1': 40.0},
                    wall_time_s=1.0)

    kwargs = dict(work_dir=str(tmp_path / 'w'), out_dir=str(tmp_path / 'o'),
                  settings=['standard'], classical=False, run_one=run_one,
                  records=str(records))
    md = suite.run_suite([0], **kwargs)
    assert config not in trained and len(trained) == 2  # the other arms
    assert '| Supervised | 41.50 ± 0.00 | 0 | 140 |' in md
    # another config digest: stale, trained again, record replaced
    path = suite.record_file(str(records), config, 0)
    stale = json.load(open(path))
    suite.write_json(path, dict(stale, config_digest='0' * 16))
    trained.clear()
    md = suite.run_suite([0], **kwargs)
    assert config in trained
    assert '| Supervised | 40.00 ± 0.00 | 0 | 1 |' in md
    assert json.load(open(path))['config_digest'] == \
        suite.config_digest(config)


def test_leaderboard_resumes_an_interrupted_run(tmp_path, monkeypatch):
    """A run killed after a checkpoint is resumed with --resume, and its
    wall time adds up the attempts."""
    lb = _load('leaderboard')
    fake = tmp_path / 'root' / 'tools' / 'train.py'
    fake.parent.mkdir(parents=True)
    # first attempt: leaves a checkpoint and dies; second: needs --resume
    fake.write_text(
        'import os, sys, time\n'
        'work = sys.argv[sys.argv.index("--work-dir") + 1]\n'
        'marker = os.path.join(work, "last_checkpoint")\n'
        'time.sleep(0.2)\n'
        'if not os.path.exists(marker):\n'
        '    open(marker, "w").write("iter_1.pth")\n'
        '    print("killed"); sys.exit(137)\n'
        'assert "--resume" in sys.argv, sys.argv\n'
        'print("resumed", sys.argv[-1])\n')
    monkeypatch.setattr(lb, 'ROOT', str(tmp_path / 'root'))
    run = tmp_path / 'run'
    with pytest.raises(RuntimeError, match='training failed'):
        lb.train_run('x.py', 0, str(run), ['--cfg-options', 'a=1'])
    first = json.load(open(run / 'elapsed.json'))['wall_time_s']
    assert first >= 0.2
    wall = lb.train_run('x.py', 0, str(run), ['--cfg-options', 'a=1'])
    assert wall >= first + 0.2
    log = (run / 'train.log').read_text()
    assert 'killed' in log and 'resumed a=1' in log


def test_leaderboard_records_cpu_time_and_load(tmp_path, monkeypatch):
    """A run's elapsed.json keeps its CPU time (the training process's own,
    summed over attempts) and the mean load average, and the cifar10-cpu
    tables mark a wall time measured on shared cores."""
    lb = _load('leaderboard')
    suite = _load('cifar_suite')
    fake = tmp_path / 'root' / 'tools' / 'train.py'
    fake.parent.mkdir(parents=True)
    fake.write_text('t = 0\nfor i in range(3_000_000):\n    t += i\n')
    monkeypatch.setattr(lb, 'ROOT', str(tmp_path / 'root'))
    monkeypatch.setattr(lb.os, 'getloadavg', lambda: (3.5, 0.0, 0.0))
    run = tmp_path / 'run'
    lb.train_run('x.py', 0, str(run))
    stats = lb.run_stats(str(run))
    assert 0 < stats['cpu_time_s']
    assert stats['load_avg_mean'] == 3.5
    assert suite.shared_cores(dict(load_avg_mean=3.5))
    assert not suite.shared_cores(dict(load_avg_mean=2.1))
    assert suite.shared_cores(dict(note='shared'))


def test_cifar10_cpu_classical_rows_for_every_seed(tmp_path, monkeypatch):
    """The classical rows are computed on the split of every seed in the
    table (a loop variable once shadowed the run folder's name, so only
    the first seed got them)."""
    suite = _load('cifar_suite')
    setting = suite.SETTINGS[0]
    fixmatch = [c for a, c in setting['arms'] if a == 'FixMatch'][0]
    name = osp.splitext(osp.basename(fixmatch))[0]
    for seed in (0, 1):
        run = tmp_path / 'w' / name / f'seed{seed}'
        run.mkdir(parents=True)
        (run / 'split.json').write_text(json.dumps(dict(seed=seed)))
    monkeypatch.setattr(suite, 'load_cifar_jpeg', lambda root: None)
    monkeypatch.setattr(
        suite, 'classical_rows', lambda setting, split, data, seed: {
            '1-NN': {'accuracy/top1': 20.0 + split['seed'],
                     'wall_time_s': 0.1}})
    results = {'standard': {'FixMatch': {'0': {}, '1': {}}}}
    suite.add_classical(results, [setting], str(tmp_path / 'w'),
                        'data', records=str(tmp_path / 'records'))
    rows = results['standard']['1-NN']
    assert sorted(rows) == ['0', '1']
    assert rows['1']['values'] == {'accuracy/top1': 21.0}


def test_tsddnet_busi_metafile(tmp_path):
    """--metafile replaces the BUSI models of the TSDDNet metafile and
    keeps the synthetic ones: every arm its own collection, the metric
    keys in %, means and ddof-0 stds over the seeds."""
    import yaml
    tb = _load('tsddnet_benchmark')
    results = _busi_results(tb)
    results[0]['train_wall_s'], results[1]['train_wall_s'] = 1200., 1320.
    path = tmp_path / 'metafile.yml'
    synthetic = {'Name': 'synthetic-model', 'In Collection': 'TSDDNet',
                 'Results': [{'Task': 't', 'Dataset': 'synthetic ultrasound',
                              'Metrics': {'AUC': 1.0}}]}
    old_busi = {'Name': 'old', 'In Collection': 'TSDDNet',
                'Results': [{'Task': 't', 'Dataset': 'BUSI old',
                             'Metrics': {'AUC': 1.0}}]}
    path.write_text(yaml.safe_dump({'Collections': [{'Name': 'TSDDNet'}],
                                    'Models': [synthetic, old_busi]}))
    tb.write_busi_metafile(results, str(path), 'the command')
    meta = yaml.safe_load(path.read_text())
    names = [m['Name'] for m in meta['Models']]
    assert names[0] == 'synthetic-model' and 'old' not in names
    models = {m['Metadata']['Arm']: m for m in meta['Models'][1:]}
    assert set(models) == set(tb.BUSI_ARMS)
    assert {m['In Collection'] for m in models.values()} == {
        'TSDDNet', 'Stage 1', 'Naive pseudo boxes'}
    metrics = models['TSDDNet']['Results'][0]['Metrics']
    assert 'BUSI' in models['TSDDNet']['Results'][0]['Dataset']
    assert (metrics['AUC'], metrics['AUC std']) == (86.0, 1.0)
    assert (metrics['AP50'], metrics['Accuracy'], metrics['Sensitivity'],
            metrics['Specificity']) == (80.0, 80.0, 70.0, 90.0)
    boxes = models['TSDDNet']['Results'][1]['Metrics']
    assert (boxes['Pseudo box IoU'], boxes['Pseudo box IoU std']) == (
        61.0, 1.0)
    assert models['Stage 1']['Results'][1]['Metrics'] == {
        'Manual box IoU': 100.0, 'Manual box IoU std': 0.0}
    assert models['TSDDNet']['Metadata'][
        'Training wall time per seed (min)'] == 21.0
    assert models['TSDDNet']['Metadata']['Command'] == 'the command'
    with pytest.raises(SystemExit):
        tb.parse_args(['--metafile'])
    assert tb.parse_args(['--dataset', 'busi', '--metafile']).metafile
