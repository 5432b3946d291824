# Copyright (c) mmssl contributors. All rights reserved.
"""Segment a NIfTI volume with a trained volumetric model (UMCT).

    python demo/volume_demo.py VOLUME.nii.gz CONFIG CHECKPOINT \
        --out-dir DIR [--device cpu] [--modality CT|MRI] \
        [--cfg-options infer_spacing=input ...]

Writes DIR/<name>_pred.nii.gz (labels on the input's grid, with its affine
and header) and DIR/<name>_montage.png (axial slices with the labels
blended in, and a colour legend), and prints the voxel count and volume
(ml) of each class. It logs the shape the volume is resampled to, the
number of sliding windows and their progress. CONFIG may be ``-`` to use
the config stored in the checkpoint. The config keys ``infer_spacing``
(None: the test pipeline's spacing; ``input``: the volume's own; or mm)
and ``modality`` (CT or MRI: the montage's intensity window) are
described in mmssl.apis.VolumeSegInferencer.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmssl.utils.errors import run_cli  # noqa: E402


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('volume', help='A .nii or .nii.gz volume.')
    parser.add_argument('config', help='The config file, or "-" to use the '
                        'config stored in the checkpoint.')
    parser.add_argument('checkpoint', help='The checkpoint file.')
    parser.add_argument('--out-dir', required=True,
                        help='The folder the label volume and the montage '
                        'are written to.')
    parser.add_argument('--device', default=None,
                        help='The device to run on (cpu, cuda, ...). When '
                        'not given, a GPU if there is one.')
    parser.add_argument(
        '--modality', help='"CT" or "MRI": the montage\'s intensity '
        'window. It overrides the config key modality; when neither is set, '
        'CT when the intensities go below -500, else MRI.')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='Override config settings, KEY=VALUE, before the model is '
        'built (as in tools/test.py), e.g. infer_spacing=2 (mm) or '
        'infer_spacing=input.')
    parser.add_argument('--debug', action='store_true',
                        help='Show full tracebacks on errors.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import time

    import nibabel as nib
    import numpy as np

    from mmssl.apis import VolumeSegInferencer
    from mmssl.utils.config import load_demo_config
    start = time.monotonic()
    if not osp.isfile(args.volume):
        raise FileNotFoundError(f'volume not found: {args.volume}')
    cfg = load_demo_config(args.config, args.checkpoint, args.cfg_options)
    inferencer = VolumeSegInferencer(cfg, args.checkpoint,
                                     device=args.device,
                                     modality=args.modality)
    result = inferencer(args.volume, out_dir=args.out_dir)
    voxel_ml = float(np.prod(nib.load(args.volume).header.get_zooms()[:3]))
    voxel_ml /= 1000.
    classes = inferencer.classes
    label = result['label']
    print(f'{args.volume}: {label.shape} voxels')
    for c in range(1, int(label.max()) + 1):
        n = int((label == c).sum())
        name = classes[c] if c < len(classes) else f'class {c}'
        print(f'    {name}: {n} voxels, {n * voxel_ml:.2f} ml')
    print(f'labels: {result["nifti"]}')
    print(f'montage: {result["montage"]} (shown as {result["modality"]})')
    print(f'done in {time.monotonic() - start:.1f} s')
    return result


if __name__ == '__main__':
    run_cli(main)
