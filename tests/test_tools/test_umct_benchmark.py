# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT's co-training benchmark driver: its configs exist, the table
(mean ± std over seeds and over cases, pseudo-label Dice, the gate), the
log reading and the shortened schedules of a smoke test."""
import json
import os.path as osp

import pytest

from tests.helpers.runner_utils import ROOT, load_script


def _load():
    return load_script('tools/benchmark/umct_benchmark.py', 'bench_umct')


def _run(dices, hd=3.0, pl=None, wall=100.0):
    return dict(cases=[dict(case=f'c{i}', dice=d, hd95=None if d == 0 else
                            hd) for i, d in enumerate(dices)],
                wall_time_s=wall, cpu_time_s=wall * 1.5, load_avg_mean=2.0,
                pl_dice=pl or {})


def _results():
    pl = dict(view_mean=60., view_best=64., fused_unc_mean=66.,
              fused_eq_mean=65., fused_gain=2.)
    return {
        0: {'stage1': dict(_run([50., 60.]), view_dice=[60., 62., 0.]),
            'stage1-full': _run([58., 66.]),
            'sup-3v': _run([60., 70.]),
            'umct': _run([70., 80.], pl=pl, wall=600.),
            'full': _run([80., 90.])},
        1: {'stage1': dict(_run([50., 60.]), view_dice=[64., 60., 50.]),
            'sup-3v': _run([70., 80.]),
            'umct': _run([72., 0.], pl=dict(pl, fused_gain=4.), wall=620.),
            'full': _run([80., 90.])},
    }


def test_configs_of_the_arms_exist():
    bench = _load()
    for _, config, _ in bench.ARMS.values():
        assert osp.isfile(osp.join(ROOT, config))
    assert osp.isfile(osp.join(ROOT, bench.STAGE1))
    assert set(bench.DEFAULT_ARMS) <= set(bench.ARMS)


def test_table_means_over_seeds_and_cases_and_gate(tmp_path):
    bench = _load()
    text = bench.write_table(_results(), str(tmp_path))
    main_table = text.split('\n\n')[0]  # the pseudo-label table follows
    rows = {line.split(' | ')[0].strip('| '): line.split(' | ')
            for line in main_table.splitlines() if line.startswith('| ')}
    # supervised 3 views: seed means 65 and 75 -> 70 ± 5; cases 60..80
    assert rows['Supervised, 3 views'][1] == '70.00 ± 5.00'
    assert rows['Supervised, 3 views'][2] == '70.00 ± 7.07'
    # UMCT seed 1 misses the organ in one case: HD95 leaves it out
    assert rows['UMCT'][4] == '3.00 ± 0.00'
    assert rows['UMCT'][5] == '610'  # wall time per run
    assert rows['UMCT'][6] == '915'  # CPU time per run
    assert rows[bench.STAGE1_LABEL][1].startswith('55.00')
    # the gate's own stage 1 (all training volumes labeled), seed 0 only
    assert rows[bench.STAGE1_FULL_LABEL][1] == '62.00 ± 0.00'
    assert rows[bench.STAGE1_FULL_LABEL][-1].strip(' |') == '0'
    # each view alone: seed 0's view 2 is dead
    views = [line for line in text.splitlines()
             if line.startswith(f'| {bench.STAGE1_LABEL} |') and
             'of 6' in line]
    assert views and '62.00 ± 2.00' in views[0] and '25.00 ± 25.00' in \
        views[0] and views[0].endswith('| 1 of 6 |')
    # pseudo labels: views mean, best view, fused (both), gain
    pl = [line for line in text.splitlines()
          if line.startswith('| UMCT |') and '64.00' in line]
    assert pl and '66.00 ± 0.00' in pl[0] and '3.00 ± 1.00' in pl[0]
    # gate: full 85 - sup-3v 70 = +15 >= 5
    assert 'Gate: Fully supervised, 18 labeled (gate) - Supervised, 3 ' \
        'views = +15.00 Dice points: passed' in text
    saved = json.load(open(tmp_path / 'umct_phantom_results.json'))
    assert saved['gate']['passed'] is True
    assert (tmp_path / 'umct_phantom_leaderboard.md').read_text() == text


def test_gate_fails_and_missing_arms(tmp_path):
    bench = _load()
    results = _results()
    for seed in results:
        results[seed]['full'] = _run([70., 74.])
    text = bench.write_table(results, str(tmp_path))
    assert '+2.00 Dice points: FAILED' in text
    del results[0]['full'], results[1]['full']
    assert 'Gate: not checked' in bench.write_table(results, str(tmp_path))


def test_collect_mode_and_pseudo_label_log(tmp_path, capsys):
    bench = _load()
    for seed, arms in _results().items():
        (tmp_path / f'seed{seed}').mkdir()
        json.dump(arms, open(tmp_path / f'seed{seed}' / 'results.json', 'w'))
    text = bench.main(['--collect', '--seeds', '0', '1', '--work-dir',
                       str(tmp_path)])
    assert 'passed' in text and 'UMCT' in capsys.readouterr().out
    with pytest.raises(SystemExit, match='no finished seed'):
        bench.main(['--collect', '--seeds', '7', '--work-dir',
                    str(tmp_path)])
    # the logged pl_dice records of a run, averaged over stage 2
    vis = tmp_path / 'run' / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    with open(vis / 'scalars.json', 'w') as f:
        f.write(json.dumps(dict(step=1, loss=1.0)) + '\n')
        for step, v in ((10, 40.), (20, 50.)):
            f.write(json.dumps({'step': step, **{
                f'pl_dice/{k}': v for k in bench.PL_KEYS}}) + '\n')
    pl = bench.pseudo_label_dice(str(tmp_path / 'run'))
    assert pl['view_best'] == 45. and pl['records'] == 2
    assert bench.pseudo_label_dice(str(tmp_path)) == {}


def test_smoke_schedules():
    bench = _load()
    s1, s2 = bench.iter_options(4, 3)
    assert 'train_cfg.max_iters=4' in s1 and not any('T_max' in o
                                                     for o in s1)
    assert 'param_scheduler.0.T_max=3' in s2
    assert bench.iter_options() == ([], [])


def test_ensure_data_refuses_an_older_revision(tmp_path):
    """Phantoms written before the current design (revision 1 had no
    ``phantom_revision`` key) are refused with the command that rewrites
    them, rather than silently benchmarked."""
    ub = _load()
    root = tmp_path / 'phantom_msd_v2'
    root.mkdir()
    (root / 'dataset.json').write_text(json.dumps(
        dict(phantom_version=2, numTraining=24)))
    with pytest.raises(ValueError, match='revision 3.*revision 1.*'
                       'make_phantom_msd.py'):
        ub.ensure_data(str(root))
    (root / 'dataset.json').write_text(json.dumps(
        dict(phantom_version=2, numTraining=24, phantom_revision=2)))
    with pytest.raises(ValueError, match='revision 3.*revision 2.*'
                       '--revision 3'):
        ub.ensure_data(str(root))
    # --phantom-revision 2 (the earlier design) takes them
    assert ub.ensure_data(str(root), 2) == str(root)
    (root / 'dataset.json').write_text(json.dumps(
        dict(phantom_version=2, numTraining=24, phantom_revision=3)))
    assert ub.ensure_data(str(root)) == str(root)


def test_learning_curve_table_and_collect(tmp_path, capsys):
    """The labels' learning curve (stage 1 per labeled count): 3-view
    Dice over seeds, each seed's value, the views, and the gate's premise
    (the most labels minus 2 on every seed)."""
    ub = _load()
    curves = {
        0: {1: dict(_run([30., 40.]), view_dice=[30., 35., 40.]),
            2: dict(_run([50., 60.]), view_dice=[50., 55., 60.]),
            18: dict(_run([70., 80.]), view_dice=[70., 75., 80.])},
        1: {2: dict(_run([60., 60.]), view_dice=[60., 60., 60.]),
            18: dict(_run([62., 62.]), view_dice=[62., 62., 62.])}}
    text = ub.write_curve_table(curves, str(tmp_path))
    rows = {line.split(' | ')[0].strip('| '): line.split(' | ')
            for line in text.splitlines() if line.startswith('| ')}
    assert rows['2'][1] == '57.50 ± 2.50' and rows['2'][2] == '55.00, 60.00'
    assert rows['1'][2] == '35.00, -'  # seed 1 has no 1-label run
    assert rows['18'][3] == '66.00 ± 4.00'  # view 0
    assert 'seed 0 +20.00, seed 1 +2.00' in text
    assert 'NOT every seed >= 5' in text
    saved = json.load(open(tmp_path / 'umct_phantom_curve_results.json'))
    assert saved['gains'] == {'0': 20.0, '1': 2.0}
    # --collect reads each seed's curve.json (the counts asked for)
    for seed, curve in curves.items():
        (tmp_path / f'seed{seed}').mkdir()
        json.dump({str(k): v for k, v in curve.items()},
                  open(tmp_path / f'seed{seed}' / 'curve.json', 'w'))
    out = ub.main(['--collect', '--learning-curve', '2', '18', '--seeds',
                   '0', '1', '--work-dir', str(tmp_path)])
    assert '| 1 |' not in out and 'seed 1 +2.00' in out
    with pytest.raises(SystemExit, match='counts must be 1 to 18'):
        ub.main(['--learning-curve', '0', '2', '--work-dir',
                 str(tmp_path)])
    # run_curve: one stage-1 run per count, merged into curve.json (a
    # later call with other counts keeps the earlier ones)
    calls = []

    def fake_run_arm(config, seed, run_dir, options, rerun):
        calls.append((run_dir, options[-1]))
        return _run([float(len(calls))])

    ub.run_arm = fake_run_arm
    ub.run_curve(3, str(tmp_path), '/data', [4], dropout='element')
    curve = ub.run_curve(3, str(tmp_path), '/data', [2])
    assert list(curve) == [2, 4] and curve[4]['cases'][0]['dice'] == 1.
    assert calls[0] == (osp.join(str(tmp_path), 'seed3', 'stage1-l4'),
                        'train_dataloader.dataset.num_labeled=4')
    # the curve's 2- and 18-label runs are the benchmark's stage-1 runs
    assert ub.curve_dir('s', 2) == osp.join('s', 'stage1')
    assert ub.curve_dir('s', 18) == osp.join('s', 'stage1-full')
    assert ub.curve_dir('s', 4) == osp.join('s', 'stage1-l4')


def test_metafile_replaces_phantom_v2_models(tmp_path):
    """Every arm a model with its collection, Dice/HD95 means over seeds
    with std keys and, for co-training, the pseudo-label Dice; models of
    other data sets are kept, and a second write replaces, not appends."""
    import shutil

    import yaml
    ub = _load()
    path = tmp_path / 'metafile.yml'
    shutil.copy(osp.join(ROOT, 'configs', 'umct', 'metafile.yml'), path)
    before = yaml.safe_load(open(path))
    others = [m['Name'] for m in before['Models'] if not any(
        r['Dataset'].startswith('phantom v2') for r in m['Results'])]
    for _ in range(2):
        meta = ub.write_metafile(_results(), str(path), 'CMD')
    models = {m['Name']: m for m in meta['Models']}
    assert [m['Name'] for m in meta['Models']][:len(others)] == others
    umct = models['umct_asym-unet3d_ft180i_phantom-v2-2l']
    assert umct['In Collection'] == 'UMCT'
    metrics = umct['Results'][0]['Metrics']
    # seed means 75 and 36 (seed 1 misses the organ in one case: Dice 0,
    # left out of HD95)
    assert metrics['Dice'] == 55.5 and metrics['Dice std'] == 19.5
    assert metrics['HD95'] == 3.0
    assert umct['Results'][1]['Metrics']['Fused Dice'] == 66.0
    gate = models['supervised-mv_asym-unet3d_ft180i_phantom-v2-full']
    assert gate['In Collection'] == 'Fully supervised'
    assert '18 labeled' in gate['Results'][0]['Dataset']
    assert gate['Results'][0]['Dataset'].startswith(
        'phantom v2, revision 3 (')
    # the earlier design's results name their revision
    old = ub.write_metafile(_results(), str(path), 'CMD', revision=2)
    assert all('revision 2' in r['Dataset'] for m in old['Models']
               for r in m['Results'] if r['Dataset'].startswith(
                   'phantom v2'))
    assert 'num_labeled=18' in gate['Metadata']['Stage 1']
    assert len(gate['Results']) == 1  # no pseudo labels without co-training
    collections = {c['Name'] for c in meta['Collections']}
    assert {m['In Collection'] for m in meta['Models']} <= collections
    assert sum(1 for m in meta['Models']
               if m['Name'] == umct['Name']) == 1
