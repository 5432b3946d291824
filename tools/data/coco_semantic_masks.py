# Copyright (c) mmssl contributors. All rights reserved.
"""Turn COCO 2014 instance annotations into semantic masks (PNG, 0
background, 1-80 the categories in COCO id order, 255 crowd regions) for
``COCOWSSSDataset``, with pycocotools.

    python tools/data/coco_semantic_masks.py \
        data/coco/annotations/instances_train2014.json \
        data/coco/SegmentationClass/train2014
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('ann_file', help='The COCO instance annotation '
                        'json (for example instances_train2014.json).')
    parser.add_argument('out_dir', help='The folder the PNG masks are '
                        'written to, one per image.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from PIL import Image
    from pycocotools.coco import COCO

    from mmssl.datasets.wsss import COCOWSSSDataset, coco_semantic_mask
    from mmssl.utils.progress import track
    if not osp.isfile(args.ann_file):
        raise FileNotFoundError(f'COCO annotation file not found: '
                                f'{args.ann_file}')
    coco = COCO(args.ann_file)
    for key in ('images', 'categories'):
        if not coco.dataset.get(key):
            raise ValueError(f'{args.ann_file} lists no {key} ("{key}" is '
                             'missing or empty): no masks to write; is it '
                             'a COCO instances_*.json?')
    cat_to_label = COCOWSSSDataset.category_labels(coco, args.ann_file)
    ids = sorted(coco.getImgIds())
    os.makedirs(args.out_dir, exist_ok=True)
    for img_id in track(ids, desc=f'writing {len(ids)} semantic masks to '
                        f'{args.out_dir}'):
        name = osp.splitext(coco.loadImgs(img_id)[0]['file_name'])[0]
        mask = coco_semantic_mask(coco, img_id, cat_to_label)
        Image.fromarray(mask).save(osp.join(args.out_dir, name + '.png'))
    print(f'wrote {len(ids)} semantic masks to {args.out_dir}')
    return args.out_dir


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
