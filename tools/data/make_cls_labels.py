# Copyright (c) mmssl contributors. All rights reserved.
"""Write the image-level labels of a VOC-layout split as JSON
(``{name: [foreground class indices]}``), read from its masks, for
``VOCWSSSDataset(cls_labels=...)``.

    python tools/data/make_cls_labels.py data/VOCdevkit/VOC2012 \
        --split ImageSets/Segmentation/train_aug.txt \
        --masks SegmentationClassAug [--out cls_labels.json]

Run it once per dataset (IRNet ships the same as ``cls_labels.npy``, which
needs pickle to read); later runs read the tags without opening a mask.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('data_root', help='The VOC-layout dataset folder '
                        '(for example data/VOCdevkit/VOC2012).')
    parser.add_argument('--split', default='ImageSets/Segmentation/'
                        'train_aug.txt',
                        help='The list of image names, relative to '
                        'DATA_ROOT.')
    parser.add_argument('--masks', default='SegmentationClassAug',
                        help='The folder of the PNG masks, relative to '
                        'DATA_ROOT.')
    parser.add_argument('--dataset', default='VOCWSSSDataset',
                        help='The registered dataset type whose classes '
                        'name the labels.')
    parser.add_argument('--out', default='cls_labels.json',
                        help='The output json, relative to DATA_ROOT unless '
                        'absolute.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmssl.datasets.wsss import write_cls_labels
    from mmssl.registry import DATASETS
    from mmssl.utils import register_all_modules
    register_all_modules()
    ds = DATASETS.build(dict(
        type=args.dataset, data_root=args.data_root, ann_file=args.split,
        data_prefix=dict(img_path='JPEGImages', seg_map_path=args.masks)))
    out = args.out if osp.isabs(args.out) else osp.join(args.data_root,
                                                        args.out)
    tags = write_cls_labels(ds, out)
    print(f'wrote the tags of {len(tags)} images to {out}')
    return out


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
