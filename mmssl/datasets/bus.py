# Copyright (c) mmssl contributors. All rights reserved.
"""Breast-ultrasound lesion datasets with partial box annotations
(TSDDNet, Wang et al., IEEE TMI 2024, arXiv 2306.06982): every image has a
diagnosis, only some have a lesion box.

Two layouts users have on disk:

* COCO json (:class:`BUSDataset`): one ``lesion`` category; each image
  entry carries its diagnosis in a ``diagnosis`` field (``'benign'``,
  ``'malignant'``, ``'normal'``); images without annotations are
  class-only.
* BUSI (Al-Dhabyani et al. 2020, :class:`BUSIDataset`):
  ``benign/``, ``malignant/``, ``normal/`` folders with ``<name>.png`` and
  its mask(s) ``<name>_mask.png``, ``<name>_mask_1.png``, ...; one box per
  connected region of each mask file (:func:`mask_to_boxes`; regions of
  fewer than ``min_region_area`` pixels are annotation specks and give no
  box). ``data_root`` may be that folder or the one above it that holds
  ``Dataset_BUSI_with_GT/`` (:func:`find_busi_root`).

``box_fraction`` keeps the boxes of that share of the boxed images (drawn
with ``seed``) and makes the others class-only; the draw is the dataset's
``split`` (``labeled`` = images with a box), saved by ``SaveSplitHook``
and reusable with ``split_file``.
"""
import copy
import hashlib
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmdet.datasets import BaseDetDataset
from PIL import Image

from mmssl.registry import DATASETS
from mmssl.utils.progress import track

from .semi.splits import load_split
from .transforms.loading import check_boxes

COCO_LAYOUT = (
    'expected a COCO json with images [{id, file_name, height, width, '
    'diagnosis}], annotations [{image_id, bbox: [x, y, w, h]}] (one '
    '"lesion" category) and the images under data_prefix.img')
BUSI_LAYOUT = (
    'expected the BUSI layout: <data_root>/{benign,malignant,normal}/'
    '<name>.png with masks <name>_mask.png (and <name>_mask_1.png, ...) '
    'beside each image (or <data_root>/Dataset_BUSI_with_GT/ holding them)')
BUSI_CLASSES = ('benign', 'malignant', 'normal')
BUSI_FOLDER = 'Dataset_BUSI_with_GT'


def find_busi_root(path: str) -> str:
    """The folder path inside ``path`` that holds BUSI's class folders:
    ``''`` when ``path`` holds them itself, ``'Dataset_BUSI_with_GT'`` when
    it is the folder one level up; ``FileNotFoundError`` otherwise."""
    for sub in ('', BUSI_FOLDER):
        if any(osp.isdir(osp.join(path, sub, d)) for d in BUSI_CLASSES):
            return sub
    raise FileNotFoundError(f'no BUSI class folder under {path}; '
                            f'{BUSI_LAYOUT}')


def names_checksum(names: Sequence[str]) -> str:
    """A short hash of the image names: detects a split file applied to
    another dataset."""
    return hashlib.sha1('\n'.join(names).encode()).hexdigest()[:16]


def make_box_split(names: Sequence[str], boxed: Sequence[int],
                   box_fraction: Optional[float], seed: int = 0) -> Dict:
    """Choose which boxed images keep their box.

    Args:
        names (Sequence[str]): Image file names, in dataset order.
        boxed (Sequence[int]): Positions of the images that have a box in
            the annotations.
        box_fraction (float, optional): Share of *all* images that keep a
            box (at most the share that has one); ``None`` keeps every
            box.
        seed (int): Seed of the draw (``np.random.RandomState``).

    Returns:
        dict: ``{"type": "box", "seed", "box_fraction", "num_samples",
        "names_checksum", "labeled": [...], "unlabeled": [...]}``:
        ``labeled`` keep their box, ``unlabeled`` are class-only.
    """
    boxed = sorted(int(i) for i in boxed)
    if box_fraction is None:
        labeled = boxed
    else:
        if not 0 < box_fraction <= 1:
            raise ValueError(f'box_fraction must be in (0, 1], got '
                             f'{box_fraction}')
        want = int(round(box_fraction * len(names)))
        if want > len(boxed):
            raise ValueError(
                f'box_fraction={box_fraction} needs {want} boxed images, '
                f'the annotations have only {len(boxed)}')
        if want == 0:
            raise ValueError(f'box_fraction={box_fraction} of '
                             f'{len(names)} images keeps no box')
        order = np.random.RandomState(seed).permutation(len(boxed))
        labeled = sorted(boxed[i] for i in order[:want])
    kept = set(labeled)
    return dict(type='box', seed=int(seed), box_fraction=box_fraction,
                num_samples=len(names), names_checksum=names_checksum(names),
                labeled=labeled,
                unlabeled=[i for i in range(len(names)) if i not in kept])


def make_stratified_box_split(names: Sequence[str], boxed: Sequence[int],
                              strata: Sequence[str], box_fraction: float,
                              seed: int = 0) -> Dict:
    """Like :func:`make_box_split`, but ``box_fraction`` is the share of
    the *boxed* images of each stratum (e.g. diagnosis) that keep their
    box, rounded per stratum: the BUSI protocol
    (``tools/data/busi_to_coco.py``). ``strata[i]`` is image ``i``'s
    stratum; the split also records ``strata`` (``{stratum: [boxed,
    kept]}``)."""
    if not 0 < box_fraction <= 1:
        raise ValueError(f'box_fraction must be in (0, 1], got '
                         f'{box_fraction}')
    rng = np.random.RandomState(seed)
    labeled, counts = [], {}
    for group in sorted(set(strata[i] for i in boxed)):
        idx = sorted(int(i) for i in boxed if strata[i] == group)
        want = int(round(box_fraction * len(idx)))
        labeled += [idx[j] for j in rng.permutation(len(idx))[:want]]
        counts[group] = [len(idx), want]
    if not labeled:
        raise ValueError(f'box_fraction={box_fraction} of {len(boxed)} '
                         'boxed images keeps no box')
    kept = set(labeled)
    return dict(type='box', seed=int(seed), box_fraction=box_fraction,
                stratified=True, strata=counts, num_samples=len(names),
                names_checksum=names_checksum(names), labeled=sorted(kept),
                unlabeled=[i for i in range(len(names)) if i not in kept])


def box_folds(split: Dict, num_folds: int, held_out: Optional[int] = None,
              seed: int = 0) -> Dict[int, int]:
    """Assign the boxed images of a box split (its ``labeled``
    positions) to ``num_folds`` folds of near-equal size, drawn with
    ``seed``: ``{position: fold}``. Cross-fitting: the classifier trained
    without fold ``k`` scores the manual boxes of fold ``k`` during
    candidate selection, so that no box is scored by a classifier that
    saw it (``held_out`` is accepted and ignored, so that a dataset's
    ``cross_fit`` dict can be passed as is)."""
    if num_folds < 2:
        raise ValueError(f'num_folds must be at least 2, got {num_folds}')
    labeled = list(split['labeled'])
    order = np.random.RandomState(seed).permutation(len(labeled))
    return {labeled[j]: rank % num_folds for rank, j in enumerate(order)}


@DATASETS.register_module()
class BUSDataset(BaseDetDataset):
    """Lesion boxes and diagnoses from a COCO json (see the module
    docstring).

    Each sample has ``img_path``, ``img_id``, ``height``, ``width``,
    ``instances`` (the lesion boxes, label 0; empty for class-only
    images), ``img_label`` and ``gt_label`` (the diagnosis index in
    ``diagnoses``), ``diagnosis`` and ``has_box``.

    Args:
        ann_file (str): The COCO json.
        data_prefix (dict): ``img``: the image folder.
        diagnoses (Sequence[str]): Diagnosis classes, in label order;
            images with another diagnosis (e.g. BUSI's ``'normal'`` with
            the default) are left out. Defaults to benign, malignant.
        box_fraction (float, optional): Share of images that keep a box
            (see :func:`make_box_split`). Defaults to None (all).
        seed (int): Seed of the box draw.
        split_file (str, optional): Read the draw from this file (another
            run's ``split.json``).
        subset (str): ``'all'``, ``'boxed'`` (images with a box only, for
            stage-1 training) or ``'class_only'``.
        box_tolerance (float): Pixels a box may stick out of its image.
        cross_fit (dict, optional): ``dict(num_folds, held_out, seed=0)``:
            leave out the boxed images of fold ``held_out``
            (:func:`box_folds`), to train a classifier that scores them
            without having seen them. Defaults to None.
        **kwargs: See :class:`mmdet.datasets.BaseDetDataset`.
    """
    METAINFO = dict(classes=('lesion', ), palette=[(220, 20, 60)])

    def __init__(self,
                 *args,
                 diagnoses: Sequence[str] = ('benign', 'malignant'),
                 box_fraction: Optional[float] = None,
                 seed: int = 0,
                 split_file: Optional[str] = None,
                 subset: str = 'all',
                 box_tolerance: float = 1.,
                 cross_fit: Optional[dict] = None,
                 **kwargs) -> None:
        if cross_fit is not None and 'held_out' not in cross_fit:
            raise ValueError('cross_fit needs num_folds and held_out, got '
                             f'{dict(cross_fit)}')
        self.cross_fit = dict(cross_fit or {})
        if subset not in ('all', 'boxed', 'class_only'):
            raise ValueError(f"subset must be 'all', 'boxed' or "
                             f"'class_only', got {subset!r}")
        self.diagnoses = tuple(diagnoses)
        self.box_fraction = box_fraction
        self.seed = seed
        self.split_file = split_file
        self.subset = subset
        self.box_tolerance = box_tolerance
        self.split = None
        super().__init__(*args, **kwargs)

    # -- reading -----------------------------------------------------------
    def load_raw(self) -> List[dict]:
        """Image entries ``dict(img_id, file_name, img_path, height,
        width, diagnosis, boxes, entry)`` (boxes ``x0, y0, x1, y1``) in file
        order; ``entry`` is the json's image dict, kept when the dataset
        is written back (:func:`write_bus_coco`)."""
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'annotation file not found: {self.ann_file}; {COCO_LAYOUT}')
        with open(self.ann_file) as f:
            try:
                coco = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(f'{self.ann_file} is not valid JSON: {e}') \
                    from None
        if not isinstance(coco, dict) or 'images' not in coco:
            raise ValueError(f'{self.ann_file} has no "images" list; '
                             f'{COCO_LAYOUT}')
        boxes: Dict[int, list] = {}
        # the json's categories (one "lesion" category); 1 when it lists none
        cat_ids = [c.get('id') for c in coco.get('categories') or []
                   if isinstance(c, dict)] or [1]
        for ann in coco.get('annotations', []):
            self._check_annotation(ann, cat_ids)
            if ann.get('iscrowd', 0):
                continue
            x, y, w, h = ann['bbox']
            boxes.setdefault(ann['image_id'], []).append(
                [x, y, x + w, y + h])
        img_dir = self.data_prefix.get('img', '')
        raw = []
        for entry in coco['images']:
            for key in ('id', 'file_name', 'height', 'width'):
                if key not in entry:
                    raise ValueError(f'{self.ann_file}: image entry {entry} '
                                     f'has no {key!r}; {COCO_LAYOUT}')
            if 'diagnosis' not in entry:
                raise ValueError(
                    f"{self.ann_file}: image {entry['file_name']!r} has no "
                    '"diagnosis" field (one of '
                    f'{", ".join(self.diagnoses)})')
            raw.append(dict(img_id=entry['id'],
                            file_name=entry['file_name'],
                            img_path=osp.join(img_dir, entry['file_name']),
                            height=entry['height'], width=entry['width'],
                            diagnosis=entry['diagnosis'],
                            boxes=boxes.get(entry['id'], []),
                            entry=entry))
        return raw

    def _check_annotation(self, ann: dict, cat_ids: list) -> None:
        """Raise ``ValueError`` naming the file and the annotation id for
        an annotation without ``image_id`` or a ``[x, y, w, h]`` bbox, or
        with a category the json does not list."""
        if not isinstance(ann, dict):
            raise ValueError(f'{self.ann_file}: annotation {ann!r} is not a '
                             f'dict; {COCO_LAYOUT}')
        what = f"{self.ann_file}: annotation id {ann.get('id')}"
        if 'image_id' not in ann:
            raise ValueError(f'{what} has no "image_id"; {COCO_LAYOUT}')
        what += f" (image {ann['image_id']})"
        if 'category_id' in ann and ann['category_id'] not in cat_ids:
            raise ValueError(
                f"{what} has category_id {ann['category_id']!r}, which is "
                f'not among the categories of the file ({cat_ids})')
        if ann.get('iscrowd', 0):
            return
        bbox = ann.get('bbox')
        if bbox is None:
            raise ValueError(f'{what} has no "bbox" [x, y, w, h]')
        if not (isinstance(bbox, (list, tuple)) and len(bbox) == 4 and all(
                isinstance(v, (int, float)) for v in bbox)):
            raise ValueError(f'{what} has bbox {bbox!r}; expected four '
                             'numbers [x, y, w, h]')

    def load_data_list(self) -> List[dict]:
        raw = [r for r in self.load_raw() if r['diagnosis'] in self.diagnoses]
        if not raw:
            raise ValueError(f'{self.ann_file or self.data_root}: no image '
                             f'with a diagnosis in {self.diagnoses}')
        for r in raw:
            if not osp.isfile(r['img_path']):
                source = self.ann_file or self.data_root
                raise FileNotFoundError(
                    f"image {r['file_name']!r} of {source} not found at "
                    f"{r['img_path']}")
            if r['boxes']:
                check_boxes(r['boxes'], (r['height'], r['width']),
                            r['img_path'], self.box_tolerance)
        names = [r['file_name'] for r in raw]
        boxed = [i for i, r in enumerate(raw) if r['boxes']]
        if self.split_file is not None:
            split = load_split(self.split_file)
            if split.get('names_checksum') != names_checksum(names):
                raise ValueError(f'split file {self.split_file} was made for '
                                 'another list of images')
            if set(split['labeled']) - set(boxed):
                raise ValueError(f'split file {self.split_file} gives boxes '
                                 'to images that have none here')
        else:
            split = make_box_split(names, boxed, self.box_fraction,
                                   self.seed)
        self.split = split
        kept = set(split['labeled'])
        folds = box_folds(split, **self.cross_fit) if self.cross_fit \
            else {}
        data_list = []
        for i, r in enumerate(raw):
            has_box = i in kept
            if self.subset == 'boxed' and not has_box or \
                    self.subset == 'class_only' and has_box:
                continue
            held_out = self.cross_fit.get('held_out')
            if held_out is not None and folds.get(i) == held_out:
                continue
            label = self.diagnoses.index(r['diagnosis'])
            instances = [
                dict(bbox=[float(v) for v in b], bbox_label=0, ignore_flag=0)
                for b in (r['boxes'] if has_box else [])
            ]
            data_list.append(
                dict(img_path=r['img_path'], img_id=r['img_id'],
                     file_name=r['file_name'], height=r['height'],
                     width=r['width'], instances=instances, img_label=label,
                     gt_label=label, diagnosis=r['diagnosis'],
                     has_box=has_box, entry=r['entry'],
                     box_fold=folds.get(i)))
        return data_list

    def filter_data(self) -> List[dict]:
        """Keep class-only images (they train the diagnosis branch) unless
        ``filter_cfg.filter_empty_gt`` says otherwise."""
        if self.test_mode or not self.filter_cfg:
            return self.data_list
        if self.filter_cfg.get('filter_empty_gt', False):
            return [d for d in self.data_list if d['instances']]
        return self.data_list


@DATASETS.register_module()
class BUSIDataset(BUSDataset):
    """The BUSI folder layout (see the module docstring).

    Args:
        data_root (str): The folder holding ``benign/``, ``malignant/`` and
            ``normal/``, or the one above it holding
            ``Dataset_BUSI_with_GT/``; ``file_name`` is relative to it.
        min_region_area (int): Connected mask regions of fewer pixels give
            no box (BUSI has 25 such specks of 1-8 pixels beside lesions of
            3,000 pixels and more). Defaults to 16.
        **kwargs: See :class:`BUSDataset`.
    """

    def __init__(self, data_root: str, min_region_area: int = 16,
                 **kwargs) -> None:
        kwargs.setdefault('ann_file', '')
        self.min_region_area = min_region_area
        super().__init__(data_root=data_root, **kwargs)

    def load_raw(self) -> List[dict]:
        sub = find_busi_root(self.data_root)
        root = osp.join(self.data_root, sub)
        present = [d for d in BUSI_CLASSES if osp.isdir(osp.join(root, d))]
        listing = []
        for diagnosis in present:
            folder = osp.join(root, diagnosis)
            files = sorted(os.listdir(folder))
            listing += [(diagnosis, folder, files, f) for f in files
                        if f.lower().endswith('.png') and '_mask' not in f]
        raw = []
        # reading every mask takes seconds at BUSI's 780 images
        for diagnosis, folder, files, fname in track(
                listing, desc=f'reading {len(listing)} BUSI images and '
                'masks', min_total=100):
            stem = osp.splitext(fname)[0]
            masks = [f for f in files if f == f'{stem}_mask.png'
                     or f.startswith(f'{stem}_mask_')]
            if not masks:
                raise FileNotFoundError(
                    f'{osp.join(folder, fname)} has no mask '
                    f'({stem}_mask.png); {BUSI_LAYOUT}')
            path = osp.join(folder, fname)
            try:
                with Image.open(path) as im:
                    width, height = im.size
            except Exception:
                raise ValueError(f'cannot read image {path}: the file '
                                 'is empty, truncated or not an image') \
                    from None
            boxes = []
            for m in sorted(masks):
                boxes += mask_to_boxes(osp.join(folder, m),
                                       (height, width),
                                       self.min_region_area)
            name = osp.join(sub, diagnosis, fname)
            raw.append(dict(
                img_id=len(raw) + 1,
                file_name=name, img_path=path,
                height=height, width=width, diagnosis=diagnosis,
                boxes=boxes,
                entry=dict(file_name=name, height=height, width=width,
                           diagnosis=diagnosis, id=len(raw) + 1,
                           num_masks=len(masks))))
        return raw


def _read_mask(path: str, shape=None) -> np.ndarray:
    try:
        with Image.open(path) as im:
            mask = np.asarray(im.convert('L')) > 0
    except Exception:
        raise ValueError(f'cannot read mask {path}: the file is empty, '
                         'truncated or not an image') from None
    if shape is not None and mask.shape != tuple(shape):
        raise ValueError(f'mask {path} is {mask.shape[1]}x{mask.shape[0]}, '
                         f'its image {shape[1]}x{shape[0]}')
    return mask


def mask_to_box(path: str, shape=None) -> Optional[List[float]]:
    """The box ``[x0, y0, x1, y1]`` (pixel edges, so ``x1 = last column +
    1``) around all of a mask PNG's nonzero pixels; ``None`` for an empty
    mask. With ``shape`` ``(h, w)``, a mask of another size is an error
    naming the file."""
    ys, xs = np.nonzero(_read_mask(path, shape))
    if len(xs) == 0:
        return None
    return [float(xs.min()), float(ys.min()), float(xs.max() + 1),
            float(ys.max() + 1)]


def mask_to_boxes(path: str, shape=None,
                  min_region_area: int = 1) -> List[List[float]]:
    """One box ``[x0, y0, x1, y1]`` (pixel edges) per connected region
    (8-connectivity) of a mask PNG's nonzero pixels, regions of fewer than
    ``min_region_area`` pixels left out, in the order of their first
    pixel (row-major); ``[]`` for an empty mask. ``shape`` as in
    :func:`mask_to_box`."""
    from skimage.measure import label, regionprops
    regions = regionprops(label(_read_mask(path, shape), connectivity=2))
    return [[float(x0), float(y0), float(x1), float(y1)]
            for (y0, x0, y1, x1) in (r.bbox for r in regions
                                     if r.area >= min_region_area)]


def write_bus_coco(data_list: Sequence[dict], path: str,
                   boxes: Optional[Dict[int, Sequence]] = None,
                   extra: Optional[Dict[int, dict]] = None) -> str:
    """Write samples of a :class:`BUSDataset` (``get_data_info`` dicts) as
    the COCO json it reads, e.g. with the boxes candidate selection chose.

    Args:
        data_list (Sequence[dict]): The samples (``file_name``,
            ``height``, ``width``, ``diagnosis``, ``instances``, ``entry``).
        path (str): Output json.
        boxes (dict, optional): ``{position in data_list: [x0, y0, x1, y1]
            or None}`` replacing that image's boxes (None: class-only).
        extra (dict, optional): ``{position: dict}`` merged into the image
            entries (e.g. the selection's scores).

    Returns:
        str: ``path``.
    """
    boxes = boxes or {}
    extra = extra or {}
    images, img_boxes = [], []
    for pos, info in enumerate(data_list):
        entry = copy.deepcopy(info.get('entry', {}))
        entry.update(id=info['img_id'], file_name=info['file_name'],
                     height=info['height'], width=info['width'],
                     diagnosis=info['diagnosis'])
        entry.update(extra.get(pos, {}))
        images.append(entry)
        if pos in boxes:
            img_boxes.append([] if boxes[pos] is None else [boxes[pos]])
        else:
            img_boxes.append([inst['bbox'] for inst in info['instances']])
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(lesion_coco(images, img_boxes), f)
    return path


def lesion_coco(images: Sequence[dict],
                boxes: Sequence[Sequence[Sequence[float]]]) -> dict:
    """A COCO dict with one ``lesion`` category: ``images`` are the image
    entries (with ``id``), ``boxes[i]`` the ``x0, y0, x1, y1`` boxes of
    image ``i`` (empty: class-only)."""
    anns = []
    for entry, img_boxes in zip(images, boxes):
        for x0, y0, x1, y1 in img_boxes:
            anns.append(dict(id=len(anns) + 1, image_id=entry['id'],
                             category_id=1, iscrowd=0,
                             bbox=[float(x0), float(y0), float(x1 - x0),
                                   float(y1 - y0)],
                             area=float((x1 - x0) * (y1 - y0))))
    return dict(images=list(images), annotations=anns,
                categories=[dict(id=1, name='lesion')])
