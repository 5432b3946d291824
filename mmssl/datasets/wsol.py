# Copyright (c) mmssl contributors. All rights reserved.
"""Weakly supervised object localization datasets: image-level labels for
training, ground-truth boxes for evaluation, read from the layouts users
have on disk."""
import os
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

import numpy as np

from mmssl.registry import DATASETS

from .base_cls_dataset import BaseClsDataset
from .image_folder import IMG_EXTENSIONS

CUB_LAYOUT = (
    'expected the CUB-200-2011 release layout: <data_root>/images/'
    '<class_dir>/<image>.jpg, images.txt ("<id> <class_dir>/<image>.jpg"), '
    'image_class_labels.txt ("<id> <class 1..C>"), train_test_split.txt '
    '("<id> <1 train | 0 test>"), bounding_boxes.txt ("<id> <x> <y> '
    '<width> <height>") and classes.txt ("<class> <name>"), as unpacked '
    'from CUB_200_2011.tgz (www.vision.caltech.edu/datasets/cub_200_2011)')


def _read_table(path: str, columns: int, what: str) -> Dict[str, list]:
    """``<id> <value>...`` lines of a CUB metadata file, keyed by id."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}; {CUB_LAYOUT}')
    table = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != columns:
                raise ValueError(
                    f'{path}, line {lineno}: expected {columns} fields, got '
                    f'{len(parts)} ({line.strip()!r}); {CUB_LAYOUT}')
            table[parts[0]] = parts[1:]
    return table


@DATASETS.register_module()
class CUBDataset(BaseClsDataset):
    """CUB-200-2011 (Wah et al. 2011) in its release layout.

    Samples carry ``img_path``, ``gt_label`` (0-based) and, with
    ``with_bbox``, ``gt_bboxes`` ((1, 4) float32 ``x0, y0, x1, y1`` in
    original pixels, from ``bounding_boxes.txt``'s ``x, y, width,
    height``). Training uses the labels only; the WSOL metric uses the
    boxes.

    Args:
        data_root (str): The unpacked ``CUB_200_2011`` folder.
        split (str): ``'train'`` or ``'test'`` (``train_test_split.txt``).
        with_bbox (bool, optional): Put the boxes in the samples. Defaults
            to True for the test split only, so that training crops are
            never dropped or checked for their boxes (weak supervision:
            training never sees them).
        **kwargs: :class:`BaseClsDataset` arguments.
    """

    def __init__(self, data_root: str, split: str = 'train',
                 with_bbox: Optional[bool] = None, **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"split must be 'train' or 'test', got "
                             f'{split!r}')
        self.split = split
        self.with_bbox = split == 'test' if with_bbox is None else with_bbox
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = self.data_root
        if not osp.isdir(root):
            raise FileNotFoundError(
                f'CUB dataset not found at {root!r}; {CUB_LAYOUT}')
        images = _read_table(osp.join(root, 'images.txt'), 2, 'images.txt')
        labels = _read_table(
            osp.join(root, 'image_class_labels.txt'), 2,
            'image_class_labels.txt')
        splits = _read_table(
            osp.join(root, 'train_test_split.txt'), 2,
            'train_test_split.txt')
        boxes = _read_table(
            osp.join(root, 'bounding_boxes.txt'), 5, 'bounding_boxes.txt')
        classes_path = osp.join(root, 'classes.txt')
        classes = _read_table(classes_path, 2, 'classes.txt')
        names = [classes[k][0] for k in sorted(classes, key=int)]
        if self.classes:
            names = list(self.classes)
        self._metainfo['classes'] = tuple(names)
        want = '1' if self.split == 'train' else '0'
        data_list = []
        for image_id in sorted(images, key=int):
            for table, fname in ((labels, 'image_class_labels.txt'),
                                 (splits, 'train_test_split.txt'),
                                 (boxes, 'bounding_boxes.txt')):
                if image_id not in table:
                    raise ValueError(
                        f'image id {image_id} of images.txt is missing from '
                        f'{osp.join(root, fname)}')
            if splits[image_id][0] != want:
                continue
            label = int(labels[image_id][0]) - 1
            if not 0 <= label < len(names):
                raise ValueError(
                    f'image id {image_id}: class {label + 1} is not in '
                    f'{classes_path} (1..{len(names)})')
            x, y, w, h = (float(v) for v in boxes[image_id])
            if w <= 0 or h <= 0:
                raise ValueError(
                    f'image id {image_id} ({images[image_id][0]}): empty box '
                    f'{x, y, w, h} in bounding_boxes.txt')
            info = dict(img_path=osp.join(root, 'images', images[image_id][0]),
                        gt_label=label)
            if self.with_bbox:
                info['gt_bboxes'] = np.array([[x, y, x + w, y + h]],
                                             dtype=np.float32)
            data_list.append(info)
        if not data_list:
            raise FileNotFoundError(
                f'no {self.split} images listed in {root!r}; {CUB_LAYOUT}')
        return data_list


IMAGENET_LOC_LAYOUT = (
    'expected <data_root>/<img_dir>/<image>.JPEG with one Pascal VOC XML '
    'per image in <data_root>/<ann_dir>/<image>.xml (object/name = the '
    'class, e.g. the WordNet id; object/bndbox = xmin ymin xmax ymax), as '
    "ILSVRC's Data/CLS-LOC/val and Annotations/CLS-LOC/val")


@DATASETS.register_module()
class VOCBoxClsDataset(BaseClsDataset):
    """Images with Pascal VOC XML boxes, labelled by their object class:
    ImageNet's (ILSVRC CLS-LOC) localization validation set.

    The image-level label is the class of the image's objects (all objects
    of an ILSVRC validation image share it; an image whose objects disagree
    is an error). ``gt_bboxes`` holds every object's box. Train with
    :class:`ImageFolderDataset` on ``train/<class>/`` and the same
    ``classes``.

    Args:
        data_root (str): Dataset root.
        img_dir (str): Image folder under ``data_root``. Defaults to
            ``'Data/CLS-LOC/val'``.
        ann_dir (str): XML folder under ``data_root``. Defaults to
            ``'Annotations/CLS-LOC/val'``.
        classes_file (str, optional): ``LOC_synset_mapping.txt``-style file
            (``<class id> <description>`` per line, in label order) under
            ``data_root``; without it the classes are the sorted class
            names found in the XML files.
        **kwargs: :class:`BaseClsDataset` arguments.
    """

    def __init__(self,
                 data_root: str,
                 img_dir: str = 'Data/CLS-LOC/val',
                 ann_dir: str = 'Annotations/CLS-LOC/val',
                 classes_file: Optional[str] = None,
                 **kwargs):
        self.img_dir = img_dir
        self.ann_dir = ann_dir
        self.classes_file = classes_file
        super().__init__(data_root=data_root, **kwargs)

    @staticmethod
    def parse_xml(path: str):
        """``(filename, [class names], (N, 4) boxes)`` of one VOC XML."""
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            raise ValueError(f'cannot parse annotation {path}: {e}') from None
        names, boxes = [], []
        for obj in root.iter('object'):
            box = obj.find('bndbox')
            if obj.findtext('name') is None or box is None:
                raise ValueError(f'{path}: an <object> without <name> or '
                                 '<bndbox>')
            try:
                boxes.append([
                    float(box.findtext(k))
                    for k in ('xmin', 'ymin', 'xmax', 'ymax')
                ])
            except (TypeError, ValueError):
                raise ValueError(f'{path}: a <bndbox> without numeric '
                                 'xmin/ymin/xmax/ymax') from None
            names.append(obj.findtext('name').strip())
        return root.findtext('filename'), names, np.array(
            boxes, dtype=np.float32).reshape(-1, 4)

    def load_data_list(self) -> List[dict]:
        img_root = osp.join(self.data_root, self.img_dir)
        ann_root = osp.join(self.data_root, self.ann_dir)
        for folder in (img_root, ann_root):
            if not osp.isdir(folder):
                raise FileNotFoundError(
                    f'{folder!r} not found; {IMAGENET_LOC_LAYOUT}')
        xmls = sorted(f for f in os.listdir(ann_root) if f.endswith('.xml'))
        if not xmls:
            raise FileNotFoundError(
                f'no .xml annotations in {ann_root!r}; {IMAGENET_LOC_LAYOUT}')
        images = {
            osp.splitext(f)[0]: f
            for f in os.listdir(img_root)
            if f.lower().endswith(IMG_EXTENSIONS)
        }
        parsed = []
        for fname in xmls:
            path = osp.join(ann_root, fname)
            _, names, boxes = self.parse_xml(path)
            stem = osp.splitext(fname)[0]
            if not names:
                raise ValueError(f'{path}: no <object>')
            if len(set(names)) > 1:
                raise ValueError(f'{path}: objects of several classes '
                                 f'{sorted(set(names))}; expected one label '
                                 'per image')
            if stem not in images:
                raise FileNotFoundError(
                    f'image of {path} not found in {img_root!r}')
            parsed.append((osp.join(img_root, images[stem]), names[0], boxes))
        classes = self.classes or self._load_classes(
            sorted({p[1] for p in parsed}))
        self._metainfo['classes'] = tuple(classes)
        index = {c: i for i, c in enumerate(classes)}
        data_list = []
        for img_path, name, boxes in parsed:
            if name not in index:
                raise ValueError(
                    f'class {name!r} of {img_path} is not among the '
                    f'{len(classes)} classes')
            data_list.append(
                dict(img_path=img_path, gt_label=index[name],
                     gt_bboxes=boxes))
        return data_list

    def _load_classes(self, found: List[str]) -> List[str]:
        if self.classes_file is None:
            return found
        path = osp.join(self.data_root, self.classes_file)
        if not osp.isfile(path):
            raise FileNotFoundError(f'classes file not found: {path}')
        with open(path) as f:
            return [line.split()[0] for line in f if line.strip()]
