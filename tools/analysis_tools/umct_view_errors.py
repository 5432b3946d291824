# Copyright (c) mmssl contributors. All rights reserved.
"""How much of one UMCT view's errors the other views share, on a
config's test volumes: the room co-training has.

    python tools/analysis_tools/umct_view_errors.py CONFIG CHECKPOINT \\
        [--cfg-options ...] [--out errors.json]

Each view predicts every test volume alone (sliding windows,
``model.test_cfg.views=[i]``). Per view and error kind (false positive,
false negative voxels of the foreground, any class > 0): how many voxels,
the share that both other views get wrong too (a fused label of the other
two cannot correct them) and the share that neither gets wrong (the
errors co-training can correct). Also the Dice of each view and of the
views' mean (the ensemble) per case, and the views' agreement (the Dice
of one view's foreground against another's, per pair). Views whose
errors are mostly shared have nothing to teach each other, whatever the
fusion weights; views that agree more leave their ensemble less to add.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('config', help='A UMCTSegmentor config.')
    parser.add_argument('checkpoint', help='Its checkpoint.')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='Override config keys (e.g. the data root).')
    parser.add_argument('--out', help='Also write the numbers as JSON.')
    return parser.parse_args(argv)


def error_overlap(preds, truth) -> dict:
    """``preds``: per view a boolean foreground volume; ``truth`` the
    true one. Counts per view of its false positives and negatives, of
    those both other views share and of those no other view makes."""
    out = {}
    for i, pred in enumerate(preds):
        others = [p for j, p in enumerate(preds) if j != i]
        for kind, err, other_err in (
                ('fp', pred & ~truth, [o & ~truth for o in others]),
                ('fn', ~pred & truth, [~o & truth for o in others])):
            all_others = other_err[0].copy()
            any_other = other_err[0].copy()
            for o in other_err[1:]:
                all_others &= o
                any_other |= o
            out[f'view{i}_{kind}'] = int(err.sum())
            out[f'view{i}_{kind}_shared_by_all'] = int((err &
                                                        all_others).sum())
            out[f'view{i}_{kind}_made_by_none'] = int((err &
                                                       ~any_other).sum())
    return out


def summarize(counts: dict, num_views: int) -> dict:
    """Shares (%) from summed counts."""
    out = {}
    for i in range(num_views):
        for kind in ('fp', 'fn'):
            n = counts[f'view{i}_{kind}']
            out[f'view{i}_{kind}'] = n
            for part in ('shared_by_all', 'made_by_none'):
                out[f'view{i}_{kind}_{part}_pct'] = round(
                    100. * counts[f'view{i}_{kind}_{part}'] / n, 1) \
                    if n else None
    return out


def pairwise_agreement(preds) -> dict:
    """The Dice of each pair of views' foregrounds, keyed ``'i-j'``."""
    return {f'{i}-{j}': round(dice(preds[i], preds[j]), 2)
            for i in range(len(preds)) for j in range(i + 1, len(preds))}


def dice(pred, truth) -> float:
    denom = pred.sum() + truth.sum()
    return 100. if denom == 0 else float(200. * (pred & truth).sum() /
                                         denom)


def main(argv=None):
    args = parse_args(argv)
    import numpy as np
    import torch
    from mmengine.runner import Runner, load_checkpoint

    from mmssl.utils.config import load_config
    cfg = load_config(args.config, args.cfg_options)
    if cfg.model.get('type') != 'UMCTSegmentor' or \
            len(cfg.model.get('views', ())) < 2:
        raise SystemExit(f'{args.config} is not a multi-view UMCT config')
    cfg.work_dir = cfg.get('work_dir') or osp.join(
        'work_dirs', 'umct_view_errors')
    cfg.load_from = None
    runner = Runner.from_cfg(cfg)
    model = runner.model
    load_checkpoint(model, args.checkpoint, map_location='cpu')
    model.eval()
    num_views = len(model.views)
    counts, rows = {}, []
    for data in runner.test_dataloader:
        data = model.data_preprocessor(data, False)
        inputs, samples = data['inputs'], data['data_samples']
        preds = []
        for i in range(num_views):
            model.test_cfg['views'] = [i]
            with torch.no_grad():
                out = model.predict(inputs, [s.clone() for s in samples])
            preds.append(out[0].pred_seg.numpy() > 0)
        model.test_cfg['views'] = None
        with torch.no_grad():
            ens = model.predict(inputs, [s.clone() for s in samples])
        truth = np.asarray(samples[0].gt_seg) > 0
        for k, v in error_overlap(preds, truth).items():
            counts[k] = counts.get(k, 0) + v
        rows.append(dict(
            case=osp.basename(samples[0].metainfo.get('img_path', '?')),
            view_dice=[round(dice(p, truth), 2) for p in preds],
            agreement=pairwise_agreement(preds),
            ensemble_dice=round(dice(ens[0].pred_seg.numpy() > 0, truth),
                                2)))
    agreement = {pair: round(float(np.mean(
        [r['agreement'][pair] for r in rows])), 2)
        for pair in rows[0]['agreement']} if rows else {}
    result = dict(config=args.config, checkpoint=args.checkpoint,
                  errors=summarize(counts, num_views), agreement=agreement,
                  cases=rows)
    for r in rows:
        print(f"{r['case']}: views {r['view_dice']}, ensemble "
              f"{r['ensemble_dice']}, agreement {r['agreement']}")
    print(f'mean agreement (Dice between views): {agreement}')
    for i in range(num_views):
        e = result['errors']
        print(f'view {i}: ' + ', '.join(
            f"{kind.upper()} {e[f'view{i}_{kind}']} voxels, "
            f"{e[f'view{i}_{kind}_shared_by_all_pct']} % shared by every "
            f"other view, {e[f'view{i}_{kind}_made_by_none_pct']} % by "
            'none' for kind in ('fp', 'fn')))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    run_cli(main)
