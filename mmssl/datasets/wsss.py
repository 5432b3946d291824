# Copyright (c) mmssl contributors. All rights reserved.
"""Datasets for weakly supervised semantic segmentation (image tags in,
masks out), on mmseg's ``BaseSegDataset``.

Every sample carries ``img_labels``, the sorted foreground class indices
present in the image (its image-level label, "tags"), next to mmseg's
``img_path``/``seg_map_path``. Pack them with
``PackSegInputs(meta_keys=(..., 'img_labels'))``. 255 is ignored
everywhere.
"""
import json
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
from mmdet.datasets import CocoDataset as _MMDetCOCO
from mmseg.datasets import BaseSegDataset
from mmseg.datasets import PascalVOCDataset as _MMSegVOC
from PIL import Image

from mmssl.registry import DATASETS


def read_mask(path: str) -> np.ndarray:
    """Read a PNG label map (palette or grayscale) as ``(H, W)`` uint8,
    with one clear error naming the file if it is missing or corrupt."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'mask file not found: {path}')
    try:
        with Image.open(path) as im:
            im.load()
            if im.mode not in ('P', 'L', 'I', 'I;16'):
                raise ValueError(f'mode {im.mode} is not a label map')
            arr = np.asarray(im)
    except Exception as e:  # PIL raises many types for a broken file
        raise ValueError(f'cannot read mask {path}: {e} (expected a PNG '
                         'of class indices)') from None
    if arr.ndim != 2:
        raise ValueError(f'cannot read mask {path}: shape {arr.shape} is '
                         'not (H, W)')
    return arr.astype(np.uint8)


def _drop_none(prefix: dict) -> dict:
    # mmengine wants string prefixes; None means "no such files" here
    return {k: v for k, v in prefix.items() if v is not None}


def tags_from_mask(mask: np.ndarray, num_classes: int,
                   ignore_index: int = 255) -> List[int]:
    """Foreground class indices present in a label map."""
    vals = np.unique(mask)
    return [int(v) for v in vals if 0 < v < num_classes and v != ignore_index]


def write_cls_labels(dataset: BaseSegDataset, out_file: str) -> Dict:
    """Write ``{image name: [foreground class indices]}`` as JSON (the
    ``cls_labels`` file of :class:`VOCWSSSDataset`), from the masks the
    dataset reads. IRNet's ``cls_labels.npy`` holds the same but needs
    pickle to read; JSON does not."""
    out = {}
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        name = osp.splitext(osp.basename(info['img_path']))[0]
        out[name] = info['img_labels']
    with open(out_file, 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True)
    return out


@DATASETS.register_module()
class VOCWSSSDataset(BaseSegDataset):
    """PASCAL VOC 2012 for WSSS: images listed in an ``ImageSets`` file,
    masks from ``SegmentationClass``/``SegmentationClassAug`` (or a
    directory of pseudo labels), and image-level labels.

    Layout (under ``data_root``)::

        JPEGImages/<name>.jpg
        SegmentationClass/<name>.png  or  SegmentationClassAug/<name>.png
        ImageSets/Segmentation/{train_aug,train,val}.txt
        cls_labels.json  (optional: {name: [class indices]})

    Args:
        ann_file (str): The split list, e.g.
            ``'ImageSets/Segmentation/train_aug.txt'``.
        cls_labels (str, optional): JSON ``{name: [foreground class
            indices]}`` (written by ``tools/data/make_cls_labels.py``).
            When None the tags are read from the masks in ``tag_mask_dir``.
        tag_mask_dir (str, optional): Masks the tags are derived from when
            there is no ``cls_labels`` file; defaults to
            ``data_prefix['seg_map_path']``. Set it to the ground-truth
            directory when ``seg_map_path`` holds pseudo labels.
        data_prefix (dict): ``img_path`` and ``seg_map_path`` (None for
            images only, as for the classification stage; then the tags
            come from ``cls_labels``).
        label_dir (str, optional): A directory of pseudo labels
            (``<name>.png``) used as the masks instead of
            ``seg_map_path``; relative to the working directory (not to
            ``data_root``), as the stage outputs live in ``work_dirs``.
    """
    METAINFO = _MMSegVOC.METAINFO

    def __init__(self,
                 ann_file: str,
                 cls_labels: Optional[str] = None,
                 tag_mask_dir: Optional[str] = None,
                 img_suffix: str = '.jpg',
                 seg_map_suffix: str = '.png',
                 data_prefix: dict = dict(
                     img_path='JPEGImages',
                     seg_map_path='SegmentationClass'),
                 label_dir: Optional[str] = None,
                 **kwargs) -> None:
        self.cls_labels = cls_labels
        self.tag_mask_dir = tag_mask_dir
        self.label_dir = label_dir
        super().__init__(ann_file=ann_file, img_suffix=img_suffix,
                         seg_map_suffix=seg_map_suffix,
                         data_prefix=_drop_none(data_prefix), **kwargs)

    def _join(self, path: Optional[str]) -> Optional[str]:
        if path is None or osp.isabs(path) or not self.data_root:
            return path
        return osp.join(self.data_root, path)

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'split file not found: {self.ann_file}; expected the VOC '
                'layout <data_root>/ImageSets/Segmentation/<split>.txt with '
                '<data_root>/JPEGImages/ and SegmentationClass[Aug]/')
        data_list = super().load_data_list()
        num_classes = len(self._metainfo['classes'])
        table = None
        if self.cls_labels is not None:
            path = self._join(self.cls_labels)
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'cls_labels file not found: {path} (write it with '
                    'tools/data/make_cls_labels.py)')
            with open(path) as f:
                table = json.load(f)
        tag_dir = self._join(self.tag_mask_dir) or \
            self.data_prefix.get('seg_map_path')
        for info in data_list:
            name = osp.splitext(osp.basename(info['img_path']))[0]
            if not osp.isfile(info['img_path']):
                raise FileNotFoundError(
                    f'image of {name!r} listed in {self.ann_file} not found: '
                    f"{info['img_path']}")
            if table is not None:
                if name not in table:
                    raise KeyError(f'{name!r} has no entry in '
                                   f'{self._join(self.cls_labels)}')
                tags = sorted(int(c) for c in table[name])
            elif tag_dir is not None:
                mask = read_mask(osp.join(tag_dir,
                                          name + self.seg_map_suffix))
                tags = tags_from_mask(mask, num_classes, self.ignore_index)
            else:
                raise ValueError('image-level labels need a cls_labels file '
                                 'or masks (seg_map_path / tag_mask_dir)')
            bad = [c for c in tags if not 0 < c < num_classes]
            if bad:
                raise ValueError(f'{name!r}: class indices {bad} are not '
                                 f'foreground classes 1..{num_classes - 1}')
            info['img_labels'] = tags
            if self.label_dir is not None:
                info['seg_map_path'] = osp.join(self.label_dir,
                                                name + self.seg_map_suffix)
        if self.label_dir is not None and data_list and not osp.isfile(
                data_list[0]['seg_map_path']):
            raise FileNotFoundError(
                f"pseudo label {data_list[0]['seg_map_path']} not found: "
                f'label_dir={self.label_dir!r} should hold one PNG per '
                'image of the split (the output of the previous stage)')
        return data_list


@DATASETS.register_module()
class BiasedVOCDataset(VOCWSSSDataset):
    """The synthetic biased-background benchmark of MARS (written by
    :func:`mmssl.datasets.synthetic.make_biased_voc`): the VOC layout with
    its own three classes. Synthetic, not photographs."""
    METAINFO = dict(classes=('background', 'train', 'person'),
                    palette=[[0, 0, 0], [128, 192, 0], [192, 128, 128]])


@DATASETS.register_module()
class COCOWSSSDataset(BaseSegDataset):
    """COCO 2014 for WSSS: image tags from the instance json (pycocotools),
    semantic masks from a directory of PNGs written from the same json by
    ``tools/data/coco_semantic_masks.py`` (0 background, 1-80 the
    categories in id order, 255 crowd regions).

    Args:
        ann_file (str): ``annotations/instances_{train,val}2014.json``.
        data_prefix (dict): ``img_path`` (e.g. ``'train2014'``) and
            ``seg_map_path`` (the semantic PNGs, or None).
        label_dir (str, optional): Pseudo labels (``<name>.png``) used as
            the masks, relative to the working directory.
    """
    METAINFO = dict(
        classes=('background', ) + tuple(_MMDetCOCO.METAINFO['classes']),
        palette=[[0, 0, 0]] + list(_MMDetCOCO.METAINFO['palette']))

    def __init__(self, ann_file: str, img_suffix: str = '.jpg',
                 seg_map_suffix: str = '.png',
                 data_prefix: dict = dict(img_path='train2014',
                                          seg_map_path=None),
                 label_dir: Optional[str] = None,
                 **kwargs) -> None:
        self.label_dir = label_dir
        super().__init__(ann_file=ann_file, img_suffix=img_suffix,
                         seg_map_suffix=seg_map_suffix,
                         data_prefix=_drop_none(data_prefix), **kwargs)

    @classmethod
    def category_labels(cls, coco, ann_file: str = '') -> Dict[int, int]:
        """COCO category id -> class index (by name: 1..80 in the standard
        order); an unknown category name is an error naming the file."""
        classes = cls.METAINFO['classes']
        out = {}
        for cat in coco.loadCats(coco.getCatIds()):
            if cat['name'] not in classes:
                raise ValueError(f"{ann_file}: category {cat['name']!r} (id "
                                 f"{cat['id']}) is not a COCO class")
            out[cat['id']] = classes.index(cat['name'])
        return out

    def load_data_list(self) -> List[dict]:
        from pycocotools.coco import COCO
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'COCO annotation file not found: {self.ann_file}; expected '
                '<data_root>/annotations/instances_<split>2014.json')
        coco = COCO(self.ann_file)
        cat_to_label = self.category_labels(coco, self.ann_file)
        img_dir = self.data_prefix.get('img_path')
        seg_dir = self.data_prefix.get('seg_map_path')
        data_list = []
        for img_id in sorted(coco.getImgIds()):
            img = coco.loadImgs(img_id)[0]
            name = osp.splitext(img['file_name'])[0]
            path = osp.join(img_dir, img['file_name'])
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f"image {img['file_name']!r} (id {img_id}) of "
                    f'{self.ann_file} not found at {path}')
            anns = coco.loadAnns(coco.getAnnIds(imgIds=img_id))
            tags = sorted({cat_to_label[a['category_id']] for a in anns
                           if not a.get('iscrowd', 0)})
            info = dict(img_path=path, img_labels=tags, img_id=img_id,
                        label_map=self.label_map,
                        reduce_zero_label=self.reduce_zero_label,
                        seg_fields=[])
            if self.label_dir is not None:
                info['seg_map_path'] = osp.join(self.label_dir,
                                                name + self.seg_map_suffix)
            elif seg_dir is not None:
                info['seg_map_path'] = osp.join(seg_dir,
                                                name + self.seg_map_suffix)
            data_list.append(info)
        return data_list


def coco_semantic_mask(coco, img_id: int,
                       cat_to_label: Dict[int, int]) -> np.ndarray:
    """One image's semantic mask from its instances: larger objects are
    drawn first so smaller ones stay visible; crowd regions are 255."""
    img = coco.loadImgs(img_id)[0]
    mask = np.zeros((img['height'], img['width']), np.uint8)
    anns = sorted(coco.loadAnns(coco.getAnnIds(imgIds=img_id)),
                  key=lambda a: -a.get('area', 0))
    for a in anns:
        m = coco.annToMask(a).astype(bool)
        mask[m] = 255 if a.get('iscrowd', 0) else \
            cat_to_label[a['category_id']]
    return mask
