# Copyright (c) mmssl contributors. All rights reserved.
"""Throughput of sliding-window inference on a whole volume.

Times :func:`mmssl.models.utils.sliding_window.sliding_window_inference`
(Gaussian blending, overlap 0.5 by default; ``--mode constant`` for
equal weights) with one view network of a
config (UMCT's ``AsymUNet3D`` by default) on a random volume, best of
``--repeats`` runs, in voxels per second. When MONAI is installed (an
optional extra for this benchmark only: ``pip install monai``), it times
``monai.inferers.sliding_window_inference`` in the same run on the same
network, volume and settings, and reports the ratio and the largest
difference between the two outputs.

Usage::

    python tools/benchmark/sliding_window_speed.py \
        [--config configs/umct/umct_asym-unet3d_750i_phantom-2l.py] \
        [--shape 128 128 96] [--roi 32] [--overlap 0.5] [--sw-batch 4] \
        [--repeats 3] [--device cpu] [--json out.json]
"""
import argparse
import json
import os.path as osp
import platform
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

DEFAULT_CONFIG = 'configs/umct/umct_asym-unet3d_750i_phantom-2l.py'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--shape', type=int, nargs=3, default=[128, 128, 96])
    parser.add_argument('--roi', type=int, default=32)
    parser.add_argument('--overlap', type=float, default=0.5)
    parser.add_argument('--sw-batch', type=int, default=4)
    parser.add_argument('--mode', choices=['gaussian', 'constant'],
                        default='gaussian',
                        help='blending; with "constant" the two outputs '
                        'are equal (same windows), with "gaussian" they '
                        'differ by the weights (MONAI discretises the '
                        'Gaussian with erf, mmssl samples it)')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--no-monai', action='store_true',
                        help='time mmssl only, even if MONAI is installed')
    parser.add_argument('--json', help='write the results here')
    return parser.parse_args(argv)


def _best_time(fn, repeats: int):
    import torch
    out, best = None, float('inf')
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        out = fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return out, best


def main(argv=None):
    args = parse_args(argv)
    import torch
    from mmengine.config import Config

    from mmssl.models.utils.sliding_window import sliding_window_inference
    from mmssl.registry import MODELS
    from mmssl.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(osp.join(ROOT, args.config)
                          if not osp.isfile(args.config) else args.config)
    backbone = dict(cfg.model.backbone, num_classes=cfg.model.num_classes)
    torch.manual_seed(0)
    net = MODELS.build(backbone).to(args.device).eval()
    x = torch.rand(1, 1, *args.shape, device=args.device)
    roi = (args.roi, ) * 3
    voxels = float(x[0, 0].numel())

    def ours():
        return sliding_window_inference(x, roi, net, overlap=args.overlap,
                                        mode=args.mode,
                                        sw_batch_size=args.sw_batch)

    results = dict(config=args.config, shape=args.shape, roi=args.roi,
                   overlap=args.overlap, sw_batch=args.sw_batch,
                   mode=args.mode,
                   device=args.device, torch=torch.__version__,
                   threads=torch.get_num_threads(),
                   machine=platform.processor() or platform.machine())
    with torch.no_grad():
        ours()  # warm-up
        out, t = _best_time(ours, args.repeats)
    results['mmssl_s'] = round(t, 4)
    results['mmssl_voxels_per_s'] = round(voxels / t)
    print(f'mmssl sliding window: {t:.3f} s, {voxels / t:,.0f} voxels/s')
    monai = None
    if not args.no_monai:
        try:
            from monai.inferers import sliding_window_inference as monai
        except ImportError:
            print('MONAI is not installed (pip install monai): no '
                  'comparison')
    if monai is not None:
        import monai as monai_pkg

        def theirs():
            return monai(x, roi, args.sw_batch, net, overlap=args.overlap,
                         mode=args.mode)

        with torch.no_grad():
            theirs()
            ref, tm = _best_time(theirs, args.repeats)
        results.update(monai=monai_pkg.__version__,
                       monai_s=round(tm, 4),
                       monai_voxels_per_s=round(voxels / tm),
                       speed_ratio=round(tm / t, 3),
                       max_abs_diff=float((out - ref).abs().max()))
        print(f'MONAI {monai_pkg.__version__} sliding window: {tm:.3f} s, '
              f'{voxels / tm:,.0f} voxels/s; mmssl / MONAI speed '
              f'{tm / t:.2f}x; max |difference| '
              f'{results["max_abs_diff"]:.2e}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
