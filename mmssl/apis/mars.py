# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's offline stages over a dataset: storing the frozen per-pixel
features (stage B) and turning seed labels into debiased labels with the
selected centroids (stage C). ``tools/mars/extract_features.py`` and
``tools/mars/debias_labels.py`` are thin wrappers.

Files (one per training image, named after it):

- features: ``<features>/<name>.npy``, float16 ``(D, h, w)``, plus
  ``meta.json`` with the extractor's stride;
- seeds (stage A) and debiased labels: ``<dir>/<name>.png`` class
  indices, 255 ignored, ``removed_index`` (254) for the pixels Eq. 5
  removed.
"""
import itertools
import json
import math
import os
import os.path as osp
from typing import Dict, Optional

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from mmssl.models.utils.mars import (
    debias_label,
    debiased_centroids,
    debiased_score,
    image_centroids,
)
from mmssl.utils.progress import track

REMOVED_INDEX = 254


def _name(info: dict) -> str:
    return osp.splitext(osp.basename(info['img_path']))[0]


def _read_rgb(path: str) -> np.ndarray:
    from mmssl.datasets.transforms import LoadImageFromFile
    return LoadImageFromFile()(dict(img_path=path))['img']


@torch.no_grad()
def _progress(n: int, desc: str, log_interval: int):
    """``range(n)`` with its progress (a line every ``log_interval``
    items in a log), or without when ``log_interval`` is 0."""
    if not log_interval:
        return range(n)
    return track(range(n), desc=desc, every=log_interval)


def extract_features(extractor: torch.nn.Module, dataset, out_dir: str,
                     log_interval: int = 100) -> int:
    """Run ``extractor`` (a stage-B dense feature extractor) over every
    image of ``dataset`` and store float16 ``(D, h, w)`` features.

    Each image is padded (zeros, bottom/right) to a multiple of the
    extractor's stride; the stored map covers the padded image, so
    ``h = ceil(H / stride)``.

    Args:
        log_interval (int): Show the progress: a bar on a terminal, else
            a line every this many images; 0 shows none.

    Returns:
        int: Number of images written.
    """
    os.makedirs(out_dir, exist_ok=True)
    stride = int(getattr(extractor, 'stride', 1))
    extractor.eval()
    device = next(itertools.chain(extractor.parameters(),
                                  extractor.buffers())).device
    n = len(dataset)
    dim = None
    fitted = None
    if hasattr(extractor, 'fit') and not getattr(extractor, 'fitted', True):
        # Extractors with dataset statistics (ColourStatsDenseFeatures)
        # fit them on the images they are about to describe.
        def images():
            for i in _progress(n, f'MARS feature statistics of {n} images',
                               log_interval):
                path = dataset.get_data_info(i)['img_path']
                img = torch.from_numpy(_read_rgb(path)).permute(2, 0, 1)
                yield img[None].to(device)

        extractor.fit(images())
        fitted = {k: v.tolist() for k, v in extractor.state_dict().items()}
    for i in _progress(n, f'MARS features of {n} images to {out_dir}',
                       log_interval):
        info = dataset.get_data_info(i)
        img = torch.from_numpy(_read_rgb(info['img_path'])).permute(2, 0, 1)
        h, w = img.shape[1:]
        ph, pw = math.ceil(h / stride) * stride, math.ceil(w / stride) * stride
        img = F.pad(img[None].float(), (0, pw - w, 0, ph - h))
        feat = extractor(img.to(device))[0]
        dim = feat.shape[0]
        np.save(osp.join(out_dir, _name(info) + '.npy'),
                feat.cpu().numpy().astype(np.float16))
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(dict(stride=stride, dim=dim, num_images=n,
                       fitted_statistics=fitted), f, indent=2)
    return n


def load_features(feature_dir: str, name: str, size) -> torch.Tensor:
    """``(D, H, W)`` float32 features of one image, upsampled (bilinear)
    from the stored stride to the padded size and cropped to ``size``."""
    path = osp.join(feature_dir, name + '.npy')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'features of {name!r} not found: {path} (run '
            'tools/mars/extract_features.py on the same split first)')
    try:
        feat = torch.from_numpy(np.load(path, allow_pickle=False)).float()
    except Exception as e:
        raise ValueError(f'cannot read features {path}: {e}') from None
    meta_path = osp.join(feature_dir, 'meta.json')
    stride = json.load(open(meta_path))['stride'] if osp.isfile(
        meta_path) else None
    h, w = size
    if stride is None:  # features stored at the image size
        stride = 1
    up = F.interpolate(feat[None], scale_factor=stride, mode='bilinear',
                       align_corners=False)[0] if stride > 1 else feat
    if up.shape[1] < h or up.shape[2] < w:
        raise ValueError(f'features {path} ({tuple(feat.shape)}, stride '
                         f'{stride}) do not cover the {w}x{h} label')
    return up[:, :h, :w]


def _read_label(label_dir: str, name: str) -> torch.Tensor:
    from mmssl.datasets.wsss import read_mask
    return torch.from_numpy(read_mask(osp.join(label_dir, name + '.png')))


def debias_dataset(dataset,
                   feature_dir: str,
                   seed_dir: str,
                   out_dir: str,
                   k_fg: int = 2,
                   k_bg: int = 2,
                   alpha: float = 0.4,
                   reduce: str = 'mean',
                   exclude_own_background: bool = False,
                   threshold: float = 0.5,
                   removed_index: int = REMOVED_INDEX,
                   ignore_index: int = 255,
                   kmeans_iters: int = 30,
                   seed: int = 0,
                   log_interval: int = 200,
                   purity_gt_dir: Optional[str] = None) -> Dict:
    """Stage C over a dataset: per-image K-means of the seed regions, the
    debiased centroid of each class (Eqs. 1-3), the score map (Eq. 4)
    thresholded at ``threshold`` (our no-CRF binarisation), and the
    label edit (Eq. 5), written as PNGs; ``centroids.npy`` and
    ``selection.json`` record what was chosen.

    Args:
        dataset: A WSSS dataset (its images' ``img_labels`` and names).
        log_interval (int): Show the progress of both passes over the
            images: a bar on a terminal, else a line every this many
            images; 0 shows none.
        purity_gt_dir (str, optional): Ground-truth masks, for a
            diagnostic only (never used to select): the purity of a
            foreground centroid is the share of its member pixels (the
            class's seed pixels nearest to it among the image's centroids
            of that class) whose true class is that class; the paper's
            Fig. 8 counts a centroid as "target" where it overlaps the
            object.

    Returns:
        dict: ``centroids`` ``(C+1, D)``, ``selected`` (per class, the
        names and centroid indices averaged), ``removed`` (share of
        seed foreground pixels removed) and, with ``purity_gt_dir``,
        ``purity`` (per class: the mean purity of the selected centroids
        and of all of them, and the share of each that is more than half
        pure), also written to ``purity.json``.
    """
    os.makedirs(out_dir, exist_ok=True)
    num_classes = len(dataset.metainfo['classes'])
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    names = [_name(info) for info in infos]
    # Features are read twice (clustering, then scoring with the selected
    # centroids) rather than held in memory: at VOC scale they would not
    # fit.
    per_image = []
    purities = []
    for i in _progress(len(names), f'MARS debiasing 1/2: clustering the '
                       f'seeds of {len(names)} images', log_interval):
        name = names[i]
        label = _read_label(seed_dir, name)
        feat = load_features(feature_dir, name, label.shape)
        per_image.append(image_centroids(
            feat, label, k_fg, k_bg, ignore_index, kmeans_iters,
            seed + 1000 * i))
        if purity_gt_dir is not None:
            purities.append(_centroid_purity(
                feat, label, _read_label(purity_gt_dir, name),
                per_image[-1]))
    centroids, selected = debiased_centroids(
        per_image, num_classes, alpha, reduce, exclude_own_background)
    np.save(osp.join(out_dir, 'centroids.npy'), centroids.numpy())
    selection = {
        dataset.metainfo['classes'][c]: [[names[i], j]
                                         for i, j in rows.tolist()]
        for c, rows in selected.items()
    }
    with open(osp.join(out_dir, 'selection.json'), 'w') as f:
        json.dump(selection, f, indent=0)
    fg_total = removed_total = 0
    for i in _progress(len(names), f'MARS debiasing 2/2: writing '
                       f'{len(names)} debiased labels to {out_dir}',
                       log_interval):
        name, info = names[i], infos[i]
        label = _read_label(seed_dir, name)
        feat = load_features(feature_dir, name, label.shape)
        score = debiased_score(feat, centroids, info['img_labels'])
        out = debias_label(label, score > threshold, removed_index,
                           ignore_index)
        fg = (label > 0) & (label != ignore_index)
        fg_total += int(fg.sum())
        removed_total += int((out == removed_index).sum())
        Image.fromarray(out.numpy().astype(np.uint8)).save(
            osp.join(out_dir, name + '.png'))
    result = dict(centroids=centroids, selected=selection,
                  removed=removed_total / max(fg_total, 1))
    if purity_gt_dir is not None:
        result['purity'] = _purity_summary(
            purities, selected, dataset.metainfo['classes'])
        with open(osp.join(out_dir, 'purity.json'), 'w') as f:
            json.dump(result['purity'], f, indent=2)
    return result


def _centroid_purity(feat, label, gt, centroids_of) -> Dict[int, list]:
    """Per foreground class of one image: the purity of each centroid
    (share of its member pixels whose true class is the class)."""
    flat = feat.flatten(1).t()
    lab, gt = label.flatten(), gt.flatten()
    out = {}
    for c, cents in centroids_of.items():
        if c == 0:
            continue
        inside = lab == c
        member = torch.cdist(flat[inside], cents.float()).argmin(1)
        truth = gt[inside] == c
        out[c] = [float(truth[member == j].float().mean())
                  if bool((member == j).any()) else 0.0
                  for j in range(len(cents))]
    return out


def _purity_summary(purities, selected, classes) -> Dict[str, Dict]:
    summary = {}
    for c, rows in selected.items():
        if c == 0:
            continue
        chosen = [purities[i][c][j] for i, j in rows.tolist()
                  if c in purities[i]]
        every = [p for image in purities for p in image.get(c, [])]
        if not every:
            continue
        summary[classes[c]] = dict(
            selected_purity=float(np.mean(chosen)) * 100 if chosen else None,
            all_purity=float(np.mean(every)) * 100,
            selected_pure_share=float(np.mean([p > 0.5 for p in chosen]))
            * 100 if chosen else None,
            all_pure_share=float(np.mean([p > 0.5 for p in every])) * 100,
            num_selected=len(chosen), num_all=len(every))
    return summary


def label_stats(dataset, label_dir: str, gt_dir: str,
                region_dir: Optional[str] = None,
                biased_class: Optional[int] = None,
                removed_index: int = REMOVED_INDEX,
                ignore_index: int = 255,
                log_interval: int = 200) -> Dict[str, float]:
    """Quality of pseudo labels against the ground truth: mIoU (removed
    pixels counted as background, the label they mostly get), per-class
    IoU, and, with a biased-region directory, the share of biased-region
    pixels labelled ``biased_class``.

    Args:
        log_interval (int): Show the progress: a bar on a terminal, else
            a line every this many images; 0 shows none.

    Returns:
        dict: ``mIoU``, ``IoU.<class>``, ``removed`` and ``biased_fpr``.
    """
    classes = dataset.metainfo['classes']
    n = len(classes)
    hist = np.zeros((n, n), np.int64)
    fp = region_px = removed = labelled = 0
    for i in _progress(len(dataset), f'label statistics of {label_dir}',
                       log_interval):
        name = _name(dataset.get_data_info(i))
        lab = _read_label(label_dir, name).numpy().astype(np.int64)
        gt = _read_label(gt_dir, name).numpy().astype(np.int64)
        if lab.shape != gt.shape:
            raise ValueError(f'{name}: pseudo label {lab.shape} and ground '
                             f'truth {gt.shape} sizes differ')
        removed += int((lab == removed_index).sum())
        lab = np.where(lab == removed_index, 0, lab)
        valid = (gt != ignore_index) & (lab != ignore_index)
        labelled += int(valid.sum())
        hist += np.bincount(n * gt[valid] + lab[valid],
                            minlength=n * n).reshape(n, n)
        if region_dir is not None and biased_class is not None:
            region = _read_label(region_dir, name).numpy() > 0
            region_px += int(region.sum())
            fp += int((region & (lab == biased_class)).sum())
    iou = np.diag(hist) / np.maximum(
        hist.sum(0) + hist.sum(1) - np.diag(hist), 1)
    out = {'mIoU': float(iou.mean() * 100)}
    out.update({f'IoU.{c}': float(v * 100) for c, v in zip(classes, iou)})
    out['removed'] = removed / max(labelled + removed, 1) * 100
    if region_dir is not None and biased_class is not None:
        out['biased_fpr'] = fp / max(region_px, 1) * 100
    return out


@torch.no_grad()
def write_complemented_labels(model, dataset, debiased_dir: str,
                              out_dir: str,
                              removed_index: int = REMOVED_INDEX,
                              log_interval: int = 200) -> int:
    """The complemented labels ``Y^co`` of every image of ``dataset`` as a
    trained stage-D model's teacher gives them (the paper's Sec. 3.4): the
    debiased label with each removed pixel set to the teacher's argmax
    over background and the image's classes, written as PNGs. It is what
    the last training step would fill in, for measuring the quality of
    stage D's labels (``label_stats`` on ``out_dir``).

    Args:
        model: A :class:`~mmssl.models.MARSSegmentor` with its weights.

    Returns:
        int: Number of labels written.
    """
    from mmseg.structures import SegDataSample

    from mmssl.models.utils.mars import complement_label
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    num_classes = model.num_classes
    n = len(dataset)
    for i in _progress(n, f'MARS complemented labels of {n} images to '
                       f'{out_dir}', log_interval):
        info = dataset.get_data_info(i)
        name = _name(info)
        label = _read_label(debiased_dir, name).long()
        img = torch.from_numpy(_read_rgb(info['img_path'])).permute(2, 0, 1)
        h, w = img.shape[1:]
        sample = SegDataSample(metainfo=dict(img_shape=(h, w),
                                             ori_shape=(h, w)))
        data = model.data_preprocessor(
            dict(inputs=[img], data_samples=[sample]), False)
        metas = [s.metainfo for s in data['data_samples']]
        logits = model.teacher.encode_decode(data['inputs'], metas)
        probs = F.interpolate(logits, label.shape, mode='bilinear',
                              align_corners=model.align_corners).softmax(1)
        tags = torch.zeros(1, num_classes, dtype=torch.bool)
        tags[0, 0] = True
        for c in info['img_labels']:
            tags[0, int(c)] = True
        target, _ = complement_label(label[None], probs, tags,
                                     removed_index)
        Image.fromarray(target[0].numpy().astype(np.uint8)).save(
            osp.join(out_dir, name + '.png'))
    return n
