# Copyright (c) mmssl contributors. All rights reserved.
"""UMCT's co-training benchmark on the version-2 phantoms: one shared
stage 1 per seed, then equal-length stage-2 arms from its checkpoint;
writes a markdown table with mean ± std over seeds and over test cases.

    python tools/benchmark/umct_benchmark.py [--seeds 0 1 2] \\
        [--work-dir work_dirs/umct_bench] [--arms ...]

The data (written if absent): ``data/phantom_msd_v2``
(``make_phantom_msd(version=2)``, revision 3: organ only, 1 x 1 x 2.5 mm,
appearances drawn per case; training cases 0-17, 2 of them labeled,
test cases 18-23).
Per seed:

  1. stage 1 (``umct-stage1_*``): the 3 view networks, supervised on the 2
     labeled volumes (the split drawn with the seed, saved as
     ``split.json``); evaluated on the test cases as the "stage 1" row;
  2. every arm from the stage-1 checkpoint (``load_from``) with the same
     split (``split_file``) and the same number of iterations: supervised
     1 view and 3 views, UMCT, UMCT with equal-weight fusion; the fully
     supervised gate
     labels every training volume in both stages: its own stage 1
     ("stage1-full", the same schedule) and its stage 2 from there.

Reported per arm: the test Dice (%) and HD95 (mm) of the organ for the
arm's ensemble (the 3 views' mean; 1 view for the single-view arm), mean ±
std (ddof 0) over seeds (of each seed's mean over cases) and over all test
cases of all seeds; for the co-training arms the Dice of the pseudo
labels on the unlabeled training patches (``pl_dice/*``, logged by
``UMCTSegmentor`` against the true labels, which nothing trains on): each
view's MC-mean prediction (mean and best view) against the fused labels
(confidence-weighted and equal-weight), averaged over stage 2; the gate
(the fully supervised arm must beat the 2-label supervised 3-view arm by
at least ``GATE_MARGIN`` Dice points, or the benchmark cannot show a
semi-supervised gain); wall time, CPU time and load average per run.
Finished steps are reused (``done`` markers after a successful run; an
interrupted run resumes), so a stopped benchmark continues where it was.
"""
import argparse
import functools
import glob
import json
import os
import os.path as osp
import sys

import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from leaderboard import (  # noqa: E402
    ROOT,
    done,
    run_stats,
    run_tool,
    train_once,
    write_outputs,
)

CFG = 'configs/umct/'
# 1,800 iterations since revision 3 of the phantoms (600 before: there
# the 2-label stage 1 had not yet overfitted and 18 labels gained little;
# the config's header)
STAGE1 = CFG + 'umct-stage1_asym-unet3d_1800i_phantom-v2-2l.py'
# arm -> (label, config, extra --cfg-options)
ARMS = {
    'sup-1v': ('Supervised, 1 view (axial)',
               CFG + 'supervised-sv_asym-unet3d_ft180i_phantom-v2-2l.py', []),
    'sup-3v': ('Supervised, 3 views',
               CFG + 'supervised-mv_asym-unet3d_ft180i_phantom-v2-2l.py', []),
    'umct': ('UMCT', CFG + 'umct_asym-unet3d_ft180i_phantom-v2-2l.py', []),
    'umct-eqw': ('UMCT, equal-weight fusion',
                 CFG + 'umct-eqw_asym-unet3d_ft180i_phantom-v2-2l.py', []),
    'full': ('Fully supervised, 18 labeled (gate)',
             CFG + 'supervised-mv_asym-unet3d_ft180i_phantom-v2-full.py', []),
}
DEFAULT_ARMS = ['sup-1v', 'sup-3v', 'umct', 'umct-eqw', 'full']
STAGE1_ROW = 'stage1'
STAGE1_LABEL = 'Stage 1 (3 views, start of every arm but the gate)'
# the gate's own stage 1: every training volume labeled, the same schedule
# (a gate started from the 2-label stage 1 and trained on for stage 2's
# 180 steps only measured how far those steps move it: +2.6 Dice where a
# stage 1 on all 18 labels gained +6.5, probe of 2026-12-05)
STAGE1_FULL_ROW = 'stage1-full'
STAGE1_FULL_LABEL = 'Stage 1, 18 labeled (start of the gate)'
BASELINE, GATE = 'sup-3v', 'full'
GATE_MARGIN = 5.0  # Dice points
DATA = 'data/phantom_msd_v2'
CLASS = 'organ'
# pl_dice keys of the table (UMCTSegmentor.pseudo_label_dice)
PL_KEYS = ('view_mean', 'view_best', 'fused_unc_mean', 'fused_eq_mean',
           'fused_gain')


@functools.lru_cache(maxsize=None)
def num_labeled(config: str) -> int:
    """The labeled training volumes of an arm's config (read once per
    config)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config))
    return int(cfg.train_dataloader.dataset.num_labeled)


def stage1_full_options() -> list:
    """``--cfg-options`` giving stage 1 the gate's labels: the gate
    config's ``num_labeled`` (every training volume), read from it so a
    change of the training cases reaches both stages."""
    return ['train_dataloader.dataset.num_labeled='
            f'{num_labeled(ARMS[GATE][1])}']


def arm_labels() -> dict:
    """Row label of every arm, the two stage-1 rows included."""
    return {STAGE1_ROW: STAGE1_LABEL, STAGE1_FULL_ROW: STAGE1_FULL_LABEL,
            **{k: v[0] for k, v in ARMS.items()}}


def ensure_data(root: str, revision: int = None) -> str:
    """Write the version-2 phantoms of ``revision`` (the current design
    when not given) to ``root`` when it has none; refuse a folder holding
    another version or revision."""
    from mmssl.datasets.synthetic.phantom import PHANTOM_V2_REVISION
    revision = revision or PHANTOM_V2_REVISION
    meta_file = osp.join(root, 'dataset.json')
    if not osp.isfile(meta_file):
        from mmssl.datasets.synthetic import make_phantom_msd
        print(f'[umct] writing the version-2 phantoms (revision '
              f'{revision}) to {root}', flush=True)
        make_phantom_msd(root, num_training=24, num_test=2, version=2,
                         revision=revision)
    with open(meta_file) as f:
        meta = json.load(f)
    if meta.get('phantom_version') != 2 or meta.get('numTraining', 0) < 24 \
            or meta.get('phantom_revision', 1) != revision:
        raise ValueError(
            f'{root} does not hold the version-2 phantoms of revision '
            f'{revision} (24 training cases; it has version '
            f"{meta.get('phantom_version')}, revision "
            f"{meta.get('phantom_revision', 1)}): delete it, or write "
            f'them with tools/data/make_phantom_msd.py {root} --version 2 '
            f'--revision {revision}, or give another --data-root')
    return root


def data_options(root: str) -> list:
    """``--cfg-options`` pointing every run at ``root`` (the training set
    is wrapped by the split datasets: its ``data_root`` is one level
    down)."""
    return [f'train_dataloader.dataset.dataset.data_root={root}',
            f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}']


def iter_options(stage1_iters=None, stage2_iters=None) -> tuple:
    """``--cfg-options`` that shorten stage 1 / stage 2 (the smoke test)."""

    def opts(n, scheduler):
        if n is None:
            return []
        out = [f'train_cfg.max_iters={n}', f'train_cfg.val_interval={n}',
               f'default_hooks.checkpoint.interval={n}']
        if scheduler:
            out += [f'param_scheduler.0.end={n}',
                    f'param_scheduler.0.T_max={n}']
        return out

    return opts(stage1_iters, False), opts(stage2_iters, True)


def pseudo_label_dice(run_dir: str) -> dict:
    """Mean over stage 2 of the logged ``pl_dice/*`` (each record is a
    logger window's mean), plus the first and last logged value of the
    run's own fusion; empty for arms without co-training."""
    records = []
    for path in sorted(glob.glob(osp.join(run_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'pl_dice/view_mean' in record:
                    records.append(record)
    if not records:
        return {}
    out = {k: float(np.mean([r[f'pl_dice/{k}'] for r in records]))
           for k in PL_KEYS}
    out['records'] = len(records)
    return out


def read_per_case(path: str) -> list:
    """``[{"case", "dice", "hd95"}]`` of the organ from a per-case file."""
    with open(path) as f:
        rows = json.load(f)
    return [dict(case=r['case'], dice=r['dice'][CLASS],
                 hd95=r['hd95'][CLASS]) for r in rows]


def evaluate(config: str, ckpt: str, run_dir: str, options: list,
             rerun: bool, view=None) -> list:
    """The per-case test metrics of ``ckpt`` (tools/test.py), unless the
    run's training already wrote them; with ``view``, of that view alone
    (``model.test_cfg.views``)."""
    tag = '' if view is None else f'_view{view}'
    per_case = osp.join(run_dir, f'per_case{tag}.json')
    if not done(per_case, rerun):
        extra = [] if view is None else [f'model.test_cfg.views=[{view}]']
        run_tool([osp.join('tools', 'test.py'), config, ckpt, '--work-dir',
                  osp.join(run_dir, f'test{tag}'), '--cfg-options'] +
                 options + extra +
                 [f'test_evaluator.per_case_file={per_case}'],
                 osp.join(run_dir, f'test{tag}.log'))
    return read_per_case(per_case)


def view_dice(config: str, ckpt: str, run_dir: str, options: list,
              rerun: bool) -> list:
    """Each view's test Dice alone (mean over the cases), for a model with
    several views; ``[]`` for one view. A view that learned nothing
    (Dice 0) drags the ensemble down and, in co-training, turns the
    others' fused pseudo labels to background where it is confident."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config))
    if len(cfg.model.get('views', ())) < 2:
        return []
    return [float(np.mean([c['dice'] for c in evaluate(
        config, ckpt, run_dir, options, rerun, view=i)]))
        for i in range(len(cfg.model.views))]


def run_arm(config: str, seed: int, run_dir: str, options: list,
            rerun: bool) -> dict:
    """Train one run (resumable), then its per-case test metrics, wall
    time and pseudo-label Dice."""
    per_case = osp.join(run_dir, 'per_case.json')
    marker = osp.join(run_dir, 'done')
    if rerun or not osp.exists(marker):
        # the final validation writes the per-case file (a stale one from an
        # earlier attempt must not be taken for it)
        if osp.exists(per_case):
            os.remove(per_case)
    ckpt = train_once(config, seed, run_dir, rerun,
                      options + [f'val_evaluator.per_case_file={per_case}'])
    cases = evaluate(config, ckpt, run_dir, options, False)
    views = view_dice(config, ckpt, run_dir, options, False)
    with open(osp.join(run_dir, 'elapsed.json')) as f:
        wall = json.load(f)['wall_time_s']
    return dict(config=config, seed=seed, checkpoint=ckpt, cases=cases,
                view_dice=views,
                wall_time_s=round(wall, 1), pl_dice=pseudo_label_dice(
                    run_dir), **run_stats(run_dir))


def run_options(data_root: str, dropout=None) -> list:
    """``--cfg-options`` of every run: the data, and the dropout type
    when overridden."""
    options = data_options(data_root)
    if dropout is not None:
        options.append(f'model.backbone.dropout_type={dropout}')
    return options


def report(what: str, r: dict) -> None:
    print(f'[umct] {what}: Dice '
          f'{np.mean([c["dice"] for c in r["cases"]]):.2f} '
          f'({r["wall_time_s"]:.0f} s)', flush=True)


def merge_save(path: str, results: dict) -> dict:
    """``results`` merged into the earlier ones saved at ``path`` (a run
    of some arms or counts keeps the others; keys as strings), saved;
    returns the merged dict."""
    results = {str(k): v for k, v in results.items()}
    os.makedirs(osp.dirname(path), exist_ok=True)
    if osp.isfile(path):
        with open(path) as f:
            results = {**json.load(f), **results}
    with open(path, 'w') as f:
        json.dump(results, f, indent=1)
    return results


def run_seed(seed: int, work_dir: str, data_root: str, arms: list,
             rerun: bool = False, stage1_iters=None,
             stage2_iters=None, dropout=None) -> dict:
    """Stage 1 once, then every arm from its checkpoint; the seed's
    results (also saved as ``<work_dir>/seed<S>/results.json``).
    ``dropout`` ('channel' or 'element') overrides the configs' dropout
    type in every run, stage 1 included."""
    s1_opts, s2_opts = iter_options(stage1_iters, stage2_iters)
    data = run_options(data_root, dropout)
    seed_dir = osp.join(work_dir, f'seed{seed}')
    s1_dir = osp.join(seed_dir, STAGE1_ROW)
    results = {STAGE1_ROW: run_arm(STAGE1, seed, s1_dir, data + s1_opts,
                                   rerun)}
    ckpt = results[STAGE1_ROW]['checkpoint']
    split = osp.join(s1_dir, 'split.json')
    if GATE in arms:
        results[STAGE1_FULL_ROW] = run_arm(
            STAGE1, seed, osp.join(seed_dir, STAGE1_FULL_ROW),
            data + s1_opts + stage1_full_options(), rerun)
    for arm in arms:
        _, config, extra = ARMS[arm]
        if arm == GATE:  # every training volume labeled, in both stages
            start = results[STAGE1_FULL_ROW]['checkpoint']
        else:
            start = ckpt
        options = data + s2_opts + list(extra) + [f'load_from={start}']
        if arm != GATE:
            options.append(f'train_dataloader.dataset.split_file={split}')
        results[arm] = run_arm(config, seed, osp.join(seed_dir, arm),
                               options, rerun)
        report(f'seed {seed} {arm}', results[arm])
    # merged into the seed's earlier results: a run of some arms (e.g.
    # --arms umct) keeps the others
    return merge_save(osp.join(seed_dir, 'results.json'), results)


def curve_dir(seed_dir: str, count: int) -> str:
    """A learning-curve stage 1's run folder: the benchmark's own stage-1
    runs for their label counts (2 and the gate's 18), so the curve and
    the arms share them."""
    if count == num_labeled(STAGE1):
        return osp.join(seed_dir, STAGE1_ROW)
    if count == num_labeled(ARMS[GATE][1]):
        return osp.join(seed_dir, STAGE1_FULL_ROW)
    return osp.join(seed_dir, f'stage1-l{count}')


def run_curve(seed: int, work_dir: str, data_root: str, counts,
              rerun: bool = False, stage1_iters=None,
              dropout=None) -> dict:
    """The labels' learning curve: stage 1 (3 views, the same schedule)
    with each number of labeled volumes in ``counts``, tested as a 3-view
    ensemble and per view; ``{count: result}``, also saved as
    ``<work_dir>/seed<S>/curve.json``. It checks the gate's premise
    before any co-training run: a benchmark where 18 labels do not beat
    2 cannot show what unlabeled volumes add."""
    s1_opts, _ = iter_options(stage1_iters, None)
    data = run_options(data_root, dropout)
    seed_dir = osp.join(work_dir, f'seed{seed}')
    curve = {}
    for count in counts:
        curve[count] = run_arm(
            STAGE1, seed, curve_dir(seed_dir, count),
            data + s1_opts +
            [f'train_dataloader.dataset.num_labeled={count}'], rerun)
        report(f'seed {seed} stage 1, {count} labeled', curve[count])
    curve = merge_save(osp.join(seed_dir, 'curve.json'), curve)
    return {int(k): v for k, v in sorted(curve.items(),
                                         key=lambda kv: int(kv[0]))}


def write_curve_table(curves: dict, out_dir: str) -> str:
    """``curves[seed][count]`` -> the learning-curve table
    (``umct_phantom_curve_leaderboard.md``, ``_results.json``): per
    count the 3-view test Dice (mean ± std over seeds, each seed's
    value), each view's Dice, wall time; then, per seed, the most labels
    minus 2 (the gate's premise: >= ``GATE_MARGIN``)."""
    counts = sorted({c for cv in curves.values() for c in cv})
    seeds = sorted(curves)

    def dice(r):
        return float(np.mean([c['dice'] for c in r['cases']]))

    lines = ['| labeled volumes | organ Dice (%), 3 views | per seed (' +
             ', '.join(str(s) for s in seeds) + ') | view 0 | view 1 | '
             'view 2 | wall time per run (s) |',
             '| --- | --- | --- | --- | --- | --- | --- |']
    for count in counts:
        runs = [curves[s][count] for s in seeds if count in curves[s]]
        per_seed = ', '.join(
            f'{dice(curves[s][count]):.2f}' if count in curves[s] else '-'
            for s in seeds)
        views = [r['view_dice'] for r in runs if r.get('view_dice')]
        view_cells = ' | '.join(_pm([v[i] for v in views])
                                for i in range(3))
        lines.append(f'| {count} | {_pm([dice(r) for r in runs])} | '
                     f'{per_seed} | {view_cells} | '
                     f'{np.mean([r["wall_time_s"] for r in runs]):.0f} |')
    low, high = num_labeled(STAGE1), max(counts)
    gains = {s: dice(curves[s][high]) - dice(curves[s][low])
             for s in seeds if low in curves[s] and high in curves[s]}
    lines.append('')
    if gains and high > low:
        ok = all(g >= GATE_MARGIN for g in gains.values())
        lines.append(
            f'{high} labeled - {low} labeled, stage 1: ' + ', '.join(
                f'seed {s} {g:+.2f}' for s, g in gains.items()) +
            f' Dice points: {"every seed" if ok else "NOT every seed"} '
            f'>= {GATE_MARGIN:.0f} (the premise of the gate).')
    text = '\n'.join(lines) + '\n'
    return write_outputs(out_dir, 'umct_phantom_curve', text,
                         dict(curves={str(s): {str(c): r for c, r in
                                               cv.items()}
                                      for s, cv in curves.items()},
                              gains=gains))


def _pm(values, digits=2) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return 'n/a'
    return f'{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}'


def summarize(results: dict) -> dict:
    """``results[seed][arm]`` -> per arm: the seeds' case means and every
    case's value of Dice and HD95, pseudo-label Dice means, wall time."""
    summary = {}
    for seed, arms in sorted(results.items()):
        for arm, r in arms.items():
            s = summary.setdefault(arm, dict(
                seeds=[], dice_seed=[], hd95_seed=[], dice_case=[],
                hd95_case=[], pl={}, wall=[], cpu=[], load=[],
                views=[]))
            s['seeds'].append(int(seed))
            dice = [c['dice'] for c in r['cases']]
            hd = [c['hd95'] for c in r['cases'] if c['hd95'] is not None]
            s['dice_seed'].append(float(np.mean(dice)))
            s['hd95_seed'].append(float(np.mean(hd)) if hd else None)
            s['dice_case'] += dice
            s['hd95_case'] += hd
            s['wall'].append(r['wall_time_s'])
            if r.get('view_dice'):
                s['views'].append(r['view_dice'])
            if r.get('cpu_time_s') is not None:
                s['cpu'].append(r['cpu_time_s'])
            if r.get('load_avg_mean') is not None:
                s['load'].append(r['load_avg_mean'])
            for k in PL_KEYS:
                if k in r.get('pl_dice', {}):
                    s['pl'].setdefault(k, []).append(r['pl_dice'][k])
    return summary


def gate_check(summary: dict) -> tuple:
    """(passed or None when an arm is missing, the difference)."""
    if GATE not in summary or BASELINE not in summary:
        return None, None
    diff = float(np.mean(summary[GATE]['dice_seed']) -
                 np.mean(summary[BASELINE]['dice_seed']))
    return diff >= GATE_MARGIN, diff


def write_table(results: dict, out_dir: str) -> str:
    """The markdown tables (``umct_phantom_leaderboard.md``) and the raw
    results (``umct_phantom_results.json``); returns the markdown."""
    summary = summarize(results)
    labels = arm_labels()
    order = [STAGE1_ROW] + [a for a in [STAGE1_FULL_ROW] + list(ARMS)
                            if a in summary]
    lines = [
        '| arm | organ Dice (%), seeds | organ Dice (%), cases | '
        'HD95 (mm), seeds | HD95 (mm), cases | wall time per run (s) | '
        'CPU time per run (s) | load avg | seeds |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for arm in order:
        if arm not in summary:
            continue
        s = summary[arm]
        load = f'{np.mean(s["load"]):.1f}' if s['load'] else 'n/a'
        cpu = f'{np.mean(s["cpu"]):.0f}' if s['cpu'] else 'n/a'
        lines.append(
            f'| {labels.get(arm, arm)} | {_pm(s["dice_seed"])} | '
            f'{_pm(s["dice_case"])} | {_pm(s["hd95_seed"])} | '
            f'{_pm(s["hd95_case"])} | {np.mean(s["wall"]):.0f} | {cpu} | '
            f'{load} | '
            f'{" ".join(map(str, s["seeds"]))} |')
    lines += ['', 'mean ± std (ddof 0): "seeds" over the seeds\' means over '
              'the test cases, "cases" over every test case of every seed. '
              'HD95 leaves out cases where the organ is not predicted. '
              'CPU time: user + system of the training process (barely '
              'changed by other jobs); a load average well above the '
              "run's threads means the wall time is an upper bound.", '']
    view_arms = [a for a in order if a in summary and summary[a]['views']]
    if view_arms:
        n = max(len(v) for a in view_arms for v in summary[a]['views'])
        lines += [
            'Each view alone (test organ Dice %, mean ± std over seeds; '
            'view i is the configs\' views[i]); "dead": runs in which a '
            'view predicts no organ in any test case (Dice < 1):', '',
            '| arm | ' + ' | '.join(f'view {i}' for i in range(n)) +
            ' | dead views (runs) |',
            '| --- | ' + ' | '.join('---' for _ in range(n)) + ' | --- |']
        for arm in view_arms:
            runs = summary[arm]['views']
            dead = sum(1 for v in runs for d in v if d < 1)
            lines.append(f'| {labels.get(arm, arm)} | ' + ' | '.join(
                _pm([v[i] for v in runs if i < len(v)])
                for i in range(n)) + f' | {dead} of {len(runs) * n} |')
        lines.append('')
    pl_arms = [a for a in order if a in summary and summary[a]['pl']]
    if pl_arms:
        lines += [
            'Pseudo labels on the unlabeled training patches (foreground '
            'Dice %, mean over stage 2 and the seeds; truth used for this '
            'log only):', '',
            '| arm | views, mean | best view | fused, confidence-weighted | '
            'fused, equal weights | own fusion - best view |',
            '| --- | --- | --- | --- | --- | --- |']
        for arm in pl_arms:
            pl = summary[arm]['pl']
            lines.append(f'| {labels.get(arm, arm)} | ' + ' | '.join(
                _pm(pl.get(k, [])) for k in PL_KEYS) + ' |')
        lines.append('')
    passed, diff = gate_check(summary)
    if passed is None:
        lines.append(f'Gate: not checked ({labels[GATE]} or '
                     f'{labels[BASELINE]} missing).')
    else:
        lines.append(
            f'Gate: {labels[GATE]} - {labels[BASELINE]} = {diff:+.2f} Dice '
            f'points: {"passed" if passed else "FAILED"} (needs >= '
            f'{GATE_MARGIN:.0f}; a failed gate means the 2-label baseline '
            'is near what labels can give, and the benchmark cannot show '
            'a semi-supervised gain).')
    text = '\n'.join(lines) + '\n'
    return write_outputs(out_dir, 'umct_phantom', text,
                         dict(results=results, gate=dict(
                             passed=passed, diff=diff, margin=GATE_MARGIN)))


# arm -> (model name, In Collection) of configs/umct/metafile.yml
MODELS = {
    STAGE1_ROW: ('umct-stage1_asym-unet3d_1800i_phantom-v2-2l',
                 'Supervised (3 views)'),
    'sup-1v': ('supervised-sv_asym-unet3d_ft180i_phantom-v2-2l',
               'Supervised (1 view)'),
    'sup-3v': ('supervised-mv_asym-unet3d_ft180i_phantom-v2-2l',
               'Supervised (3 views)'),
    'umct': ('umct_asym-unet3d_ft180i_phantom-v2-2l', 'UMCT'),
    'umct-eqw': ('umct-eqw_asym-unet3d_ft180i_phantom-v2-2l',
                 'UMCT equal weights'),
    'full': ('supervised-mv_asym-unet3d_ft180i_phantom-v2-full',
             'Fully supervised'),
}
META_DATASET = ('phantom v2, revision {revision} (synthetic CT-like '
                'volumes, MSD layout, 1 x 1 x 2.5 mm, {design}, organ '
                'only): {train} training, 6 test')
META_DESIGN = {2: 'per-case contrast, textured organ',
               3: "organ's and distractor's appearance drawn per case"}
META_COLLECTIONS = {
    'UMCT equal weights': 'labeled and unlabeled volumes (the ablation '
    'of the uncertainty weights: views fused with equal weights)',
    'Fully supervised': 'every training volume labeled (the gate)',
    'Supervised (3 views)': 'the labeled volumes only',
    'Supervised (1 view)': 'the labeled volumes only',
}


def write_metafile(results: dict, path: str, command: str,
                   revision: int = None) -> dict:
    """Replace the phantom-v2 models of ``configs/umct/metafile.yml``
    (``Dataset`` starting with "phantom v2", any revision: the models are
    named by their configs) with the arms of ``results``, run on the
    phantoms' ``revision`` (the current one when not given):
    test ``Dice`` and ``HD95`` (mm) of the organ, means over the seeds'
    case means with ``... std`` keys, and for the co-training arms the
    pseudo-label Dice on the unlabeled training patches. Missing
    collections are added; other models are kept."""
    import yaml

    from mmssl.datasets.synthetic.phantom import PHANTOM_V2_REVISION
    revision = revision or PHANTOM_V2_REVISION
    with open(path) as f:
        meta = yaml.safe_load(f)
    meta['Models'] = [m for m in meta['Models'] if not any(
        r.get('Dataset', '').startswith('phantom v2')
        for r in m.get('Results', []))]
    names = {c['Name'] for c in meta['Collections']}
    for name, data in META_COLLECTIONS.items():
        if name not in names:
            meta['Collections'].append({
                'Name': name, 'Metadata': {'Training Data': data},
                'README': 'configs/umct/README.md'})
    summary = summarize(results)
    labels = arm_labels()
    every = num_labeled(ARMS[GATE][1])
    few = num_labeled(STAGE1)

    def stat(values):
        values = [v for v in values if v is not None]
        return round(float(np.mean(values)), 2), \
            round(float(np.std(values)), 2)

    for arm, (name, coll) in MODELS.items():
        if arm not in summary:
            continue
        s = summary[arm]
        config = STAGE1 if arm == STAGE1_ROW else ARMS[arm][1]
        metrics = {}
        metrics['Dice'], metrics['Dice std'] = stat(s['dice_seed'])
        metrics['HD95'], metrics['HD95 std'] = stat(s['hd95_seed'])
        metrics['Dice (cases) std'] = stat(s['dice_case'])[1]
        train = (f'{every} labeled' if arm == GATE else
                 f'{few} labeled' if arm in (STAGE1_ROW, 'sup-1v', 'sup-3v')
                 else f'{few} labeled + {every - few} unlabeled')
        dataset = META_DATASET.format(
            train=train, revision=revision, design=META_DESIGN[revision])
        results_ = [{'Task': '3D Medical Image Segmentation',
                     'Dataset': dataset,
                     'Metrics': metrics}]
        if s['pl']:
            pl = {}
            for key, label in (('view_mean', 'View Dice'),
                               ('view_best', 'Best view Dice'),
                               ('fused_unc_mean', 'Fused Dice'),
                               ('fused_eq_mean', 'Equal-weight fused Dice')):
                if key in s['pl']:
                    pl[label], pl[f'{label} std'] = stat(s['pl'][key])
            results_.append({
                'Task': 'Pseudo Labels (against the true labels)',
                'Dataset': dataset + ', the unlabeled training patches',
                'Metrics': pl})
        model = {
            'Name': name, 'In Collection': coll, 'Config': config,
            'Metadata': {
                'Arm': labels[arm],
                'Seeds': ' '.join(map(str, s['seeds'])),
                'Training Resources': '2 CPU cores',
                'Wall time per run (s)': round(float(np.mean(s['wall']))),
                'Command': command},
            'Results': results_}
        if arm == GATE:
            model['Metadata']['Stage 1'] = (
                f'{STAGE1} with {" ".join(stage1_full_options())}')
        meta['Models'].append(model)
    with open(path, 'w') as f:
        yaml.safe_dump(meta, f, sort_keys=False, allow_unicode=True,
                       width=79)
    return meta


def collect(work_dir: str, seeds, name: str = 'results.json') -> dict:
    """The finished seeds' ``results.json`` (or ``name``)."""
    results = {}
    for seed in seeds:
        path = osp.join(work_dir, f'seed{seed}', name)
        if osp.isfile(path):
            with open(path) as f:
                results[seed] = json.load(f)
    return results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='The seeds (split draw and training).')
    parser.add_argument('--arms', nargs='+', default=DEFAULT_ARMS,
                        choices=list(ARMS), help='The stage-2 arms.')
    parser.add_argument('--work-dir', default='work_dirs/umct_bench',
                        help='Runs go to WORK_DIR/seed<S>/<arm>.')
    parser.add_argument('--out-dir', default=None,
                        help='The table goes here. When not given, '
                        'WORK_DIR.')
    parser.add_argument('--data-root', default=DATA,
                        help='The version-2 phantoms (written if absent).')
    parser.add_argument('--phantom-revision', type=int, choices=[2, 3],
                        default=None,
                        help='The phantoms\' design revision (default: '
                        'the current one, 3); 2 reproduces the earlier '
                        'results (give it its own --data-root).')
    parser.add_argument('--stage1-iters', type=int, default=None,
                        help="Override stage 1's iterations (smoke tests).")
    parser.add_argument('--stage2-iters', type=int, default=None,
                        help="Override stage 2's iterations (smoke tests).")
    parser.add_argument('--collect', action='store_true',
                        help='Do not train; tabulate the finished seeds.')
    parser.add_argument('--rerun', action='store_true',
                        help='Train again even if a run has finished.')
    parser.add_argument('--dropout', choices=('channel', 'element'),
                        default=None,
                        help="Override the configs' dropout type "
                        '(element-wise) in every run, stage 1 included: '
                        'the measurement of the dropout choice (use its '
                        'own --work-dir).')
    parser.add_argument('--learning-curve', type=int, nargs='+',
                        default=None, metavar='N',
                        help='Instead of the arms: stage 1 with each of '
                        'these numbers of labeled volumes (e.g. 1 2 4 8 '
                        '18), tested, and the learning-curve table '
                        '(umct_phantom_curve_leaderboard.md); with '
                        '--collect, tabulate the finished ones.')
    parser.add_argument('--metafile', action='store_true',
                        help="Also write the phantom-v2 models of "
                        "configs/umct/metafile.yml from the results.")
    return parser.parse_args(argv)


def data_root_of(args) -> str:
    """``--data-root`` (relative to the repository), its phantoms written
    when absent and checked (``ensure_data``)."""
    return ensure_data(args.data_root if osp.isabs(args.data_root)
                       else osp.join(ROOT, args.data_root),
                       args.phantom_revision)


def learning_curve(args, out_dir: str) -> str:
    """``--learning-curve``: run (or with ``--collect`` read) the stage-1
    runs of every count and seed, and write their table."""
    if any(n < 1 or n > num_labeled(ARMS[GATE][1])
           for n in args.learning_curve):
        raise SystemExit('--learning-curve counts must be 1 to '
                         f'{num_labeled(ARMS[GATE][1])} (the training '
                         f'volumes), got {args.learning_curve}')
    if args.collect:
        curves = {seed: {int(k): v for k, v in curve.items()
                         if int(k) in args.learning_curve}
                  for seed, curve in collect(args.work_dir, args.seeds,
                                             'curve.json').items()}
        if not curves:
            raise SystemExit(f'no learning curve in {args.work_dir}')
    else:
        root = data_root_of(args)
        curves = {seed: run_curve(seed, args.work_dir, root,
                                  args.learning_curve, args.rerun,
                                  args.stage1_iters, args.dropout)
                  for seed in args.seeds}
    text = write_curve_table(curves, out_dir)
    print(text)
    return text


def main(argv=None):
    args = parse_args(argv)
    if args.metafile and args.dropout is not None:
        raise SystemExit('--metafile records the configs as they are: '
                         'not with --dropout')
    out_dir = args.out_dir or args.work_dir
    if args.learning_curve:
        if args.metafile:
            raise SystemExit('--metafile takes the arms, not '
                             '--learning-curve')
        return learning_curve(args, out_dir)
    if args.collect:
        results = collect(args.work_dir, args.seeds)
        if not results:
            raise SystemExit(f'no finished seed in {args.work_dir}')
    else:
        root = data_root_of(args)
        results = {seed: run_seed(seed, args.work_dir, root, args.arms,
                                  args.rerun, args.stage1_iters,
                                  args.stage2_iters, args.dropout)
                   for seed in args.seeds}
    text = write_table(results, out_dir)
    if args.metafile:
        seeds = ' '.join(str(s) for s in sorted(results))
        write_metafile(results, osp.join(ROOT, 'configs', 'umct',
                                         'metafile.yml'),
                       'python tools/benchmark/umct_benchmark.py --seeds '
                       f'{seeds} --work-dir {args.work_dir} --metafile' +
                       (f' --phantom-revision {args.phantom_revision} '
                        f'--data-root {args.data_root}'
                        if args.phantom_revision else ''),
                       args.phantom_revision)
    print(text)
    return text


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
