# Copyright (c) mmssl contributors. All rights reserved.
"""Classify or segment one image (or a folder of images) with a trained
checkpoint.

    python demo/image_demo.py IMAGE CONFIG CHECKPOINT [--topk 5] \
        [--show-dir DIR] [--cfg-options KEY=VALUE ...]

CONFIG may be ``-``: the config stored in the checkpoint is then used.
``--cfg-options`` changes that config before the model is built, as in
tools/test.py.
With an open-set model (IOMatch) it prints the seen classes' scores and
"unknown" when the model's open-set rule rejects the image. With a
localization model (SAT, TS-CAM) it also prints the predicted box, and
``--show-dir`` writes the image with the localization heatmap and the box.
With a semantic segmentation model (MARS's DeepLabV3+) it prints the
predicted classes with their share of the pixels and writes the image
with the mask's colours blended in (to ``--show-dir``, by default
``work_dirs/demo``). With a lesion detection + diagnosis model (TSDDNet)
it prints the diagnosis (benign/malignant with its probability) and the
lesion boxes scoring at least ``--score-thr`` (at most ``--max-boxes``),
and writes the image with the diagnosis as a caption and those boxes
drawn (any grayscale or colour image).
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('inputs', help='An image file or a folder of '
                        'images.')
    parser.add_argument('config', help='The config file, or "-" to use the '
                        'config stored in the checkpoint.')
    parser.add_argument('checkpoint', help='The checkpoint file.')
    parser.add_argument('--topk', type=int, default=5,
                        help='Classification models: how many classes to '
                        'print.')
    parser.add_argument('--score-thr', type=float, default=0.3,
                        help='Lesion detection models (TSDDNet): draw and '
                        'print only the boxes scoring at least this.')
    parser.add_argument('--max-boxes', type=int, default=3,
                        help='Lesion detection models (TSDDNet): draw and '
                        'print at most this many boxes, highest score '
                        'first.')
    parser.add_argument('--show-dir',
                        help='Write the annotated images to this folder. '
                        'When not given, segmentation and lesion models '
                        'write to work_dirs/demo and classifiers write '
                        'none.')
    parser.add_argument('--device', default=None,
                        help='The device to run on (cpu, cuda, ...). When '
                        'not given, a GPU if there is one.')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='Override config settings, KEY=VALUE, before the model is '
        'built (as in tools/test.py).')
    parser.add_argument('--debug', action='store_true',
                        help='Show full tracebacks on errors.')
    return parser.parse_args(argv)


def is_segmentor(model_cfg) -> bool:
    return 'decode_head' in model_cfg or 'segmentor' in model_cfg


def segment(inputs, args):
    from mmssl.apis import SemanticSegInferencer
    inferencer = SemanticSegInferencer(
        model=args.cfg,
        weights=args.checkpoint, device=args.device)
    show_dir = args.show_dir or osp.join('work_dirs', 'demo')
    results = inferencer(inputs, show_dir=show_dir)
    for path, result, vis in zip(inputs, results['predictions'],
                                 results['visualization']):
        shares = ', '.join(f'{name} {share:.1f}%' for name, share in
                           sorted(result['share'].items(),
                                  key=lambda kv: -kv[1]))
        print(f'{path}: {shares}')
        print(f'    overlay: {vis}')
    return results


def diagnose(inputs, args):
    from mmssl.apis import LesionDiagnosisInferencer
    inferencer = LesionDiagnosisInferencer(
        model=args.cfg,
        weights=args.checkpoint, device=args.device)
    show_dir = args.show_dir or osp.join('work_dirs', 'demo')
    results = inferencer(inputs, show_dir=show_dir,
                         score_thr=args.score_thr, max_boxes=args.max_boxes)
    for path, result, vis in zip(inputs, results['predictions'],
                                 results['visualization']):
        probs = ', '.join(f'{k} {v:.4f}' for k, v in result['probs'].items())
        print(f"{path}: {result['diagnosis']} "
              f"{result['diagnosis_score']:.4f} ({probs})")
        if result['det_score'] is None:
            print('    no lesion detected: the whole image was diagnosed')
        elif not result['boxes']:
            print(f"    no lesion box scores >= {args.score_thr} (top "
                  f"detection {result['det_score']:.3f}, the ROI diagnosed)")
        for box in result['boxes']:
            xyxy = ', '.join(f'{v:.1f}' for v in box['bbox'])
            print(f"    lesion box (x0, y0, x1, y1): {xyxy}; "
                  f"score {box['score']:.3f}")
        print(f'    drawn: {vis}')
    return results


def main(argv=None):
    args = parse_args(argv)
    from mmssl.apis import ImageClassificationInferencer
    if osp.isdir(args.inputs):
        inputs = sorted(
            osp.join(args.inputs, f) for f in os.listdir(args.inputs)
            if f.lower().endswith(('.png', '.jpg', '.jpeg', '.bmp')))
    elif osp.isfile(args.inputs):
        inputs = [args.inputs]
    else:
        raise FileNotFoundError(f'input not found: {args.inputs}')
    from mmssl.utils.config import load_demo_config
    args.cfg = load_demo_config(args.config, args.checkpoint,
                                args.cfg_options)
    model_cfg = args.cfg.model
    if model_cfg.get('type') == 'CAMSegmentor':
        raise ValueError('a CAM (stage A) checkpoint makes seeds from an '
                         "image's tags, which a demo image has none of: use "
                         'a segmentation (stage D) checkpoint')
    if is_segmentor(model_cfg):
        return segment(inputs, args)
    if model_cfg.get('type') == 'TSDDNet':
        return diagnose(inputs, args)
    if model_cfg.get('type') in ('FasterRCNN', 'LesionClassifier'):
        raise ValueError(
            f"a {model_cfg['type']} checkpoint is one TSDDNet stage-1 "
            'network: the demo needs a TSDDNet (stage 2) checkpoint, e.g. '
            'from configs/tsddnet/tsddnet_*')
    inferencer = ImageClassificationInferencer(
        model=args.cfg,
        weights=args.checkpoint, device=args.device)
    results = inferencer(inputs, topk=args.topk, show_dir=args.show_dir)
    for path, result in zip(inputs, results['predictions']):
        if result.get('unknown'):
            # Open-set model (e.g. IOMatch): its rule rejected the image.
            print(f'{path}: unknown (outlier score '
                  f'{result["ood_score"]:.4f}; closest seen class '
                  f'{result["pred_class"]} {result["pred_score"]:.4f})')
        elif 'ood_score' in result:
            print(f'{path}: {result["pred_class"]} '
                  f'({result["pred_score"]:.4f}; outlier score '
                  f'{result["ood_score"]:.4f})')
        else:
            print(f'{path}: {result["pred_class"]} '
                  f'({result["pred_score"]:.4f})')
        if 'bbox' in result:
            print('    box (x0, y0, x1, y1): ' + ', '.join(
                f'{v:.1f}' for v in result['bbox']))
        for name, score in result['topk']:
            print(f'    {name:>12s}  {score:.4f}')
    return results


if __name__ == '__main__':
    run_cli(main)
