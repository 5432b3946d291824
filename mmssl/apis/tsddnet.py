# Copyright (c) mmssl contributors. All rights reserved.
"""TSDDNet between its two training stages: load the stage-1 networks
into one model and run the class-label-guided candidate selection over
the training set (the rule is our choice, configs/tsddnet/README.md
explains)."""
import json
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from mmssl.datasets.bus import write_bus_coco
from mmssl.models.detectors.tsddnet import stage1_state_dict
from mmssl.models.utils.tsddnet import (
    detection_candidates,
    manual_candidates,
    refine_manual_box,
    select_pseudo_box,
)
from mmssl.utils.checkpoint import checkpoint_state_dict
from mmssl.utils.progress import track

#: Our [inferred] selection defaults (candidate generation, score and
#: acceptance thresholds).
SELECTION_DEFAULTS = dict(
    min_det_iou=0.3,  # detections joining a manual box's candidates
    top_k=5,  # detections per class-only image
    score_thr=0.3,  # tau_det
    gamma=1.,  # exponent of the detector score in s(c)
    cls_thr=0.7,  # tau_cls
    delta=0.05,  # margin a refinement must gain over the manual box
    min_iou=0.5,  # a refinement's minimum IoU to the manual box
)


def load_stage1(model, det_checkpoint: str, cls_checkpoint: str) -> dict:
    """Load the stage-1 detector's and classifier's weights into a
    :class:`~mmssl.models.TSDDNet` (weights only, ``weights_only=True``).

    Returns:
        dict: The merged state dict (save it for stage 2's ``load_from``).

    Raises:
        KeyError: When a checkpoint does not fit its part (naming the
            missing parameters), e.g. a classifier checkpoint given as the
            detector's.
    """
    state = stage1_state_dict(checkpoint_state_dict(det_checkpoint),
                              checkpoint_state_dict(cls_checkpoint))
    result = model.load_state_dict(state, strict=False)
    stage1 = [k for k in result.missing_keys
              if not k.startswith(('det_fc', 'det_cls', 'fuse', 'hint_'))]
    if stage1 or result.unexpected_keys:
        raise KeyError(
            'the stage-1 checkpoints do not fit the model: missing '
            f'{stage1[:5]}, unexpected {result.unexpected_keys[:5]} (is '
            f'{det_checkpoint} a detector and {cls_checkpoint} a lesion '
            'classifier of this config?)')
    return state


@torch.no_grad()
def select_candidates(model,
                      dataset,
                      out_file: str,
                      naive: bool = False,
                      batch_size: int = 8,
                      jitter: Optional[dict] = None,
                      fold_classifiers: Optional[list] = None,
                      **selection) -> Dict:
    """Refine the manual boxes and make pseudo boxes (class-guided selection)
    and write the updated COCO json (:func:`write_bus_coco`).

    For an image with a manual box, candidates are the box, its jitters
    and the detections overlapping it, ranked by ``p_Cls(y | c)``
    (:func:`~mmssl.models.utils.tsddnet.refine_manual_box`); for a
    class-only image, the top detections and their jitters, ranked by
    ``p_Cls(y | c) * score_Det(c) ** gamma``
    (:func:`~mmssl.models.utils.tsddnet.select_pseudo_box`). With
    ``naive`` (the benchmark's baseline B2) manual boxes are kept and a
    class-only image takes its top-1 detection when it scores at least
    ``score_thr``, without class guidance.

    Args:
        model: A :class:`~mmssl.models.TSDDNet` holding the stage-1
            networks (:func:`load_stage1`), in eval mode.
        dataset: The training :class:`~mmssl.datasets.BUSDataset`
            (``subset='all'``) with a test pipeline.
        out_file (str): The updated json.
        naive (bool): Untargeted pseudo boxes (see above).
        batch_size (int): Images per forward pass.
        jitter (dict, optional): ``scales`` / ``shifts`` of
            :func:`~mmssl.models.utils.tsddnet.jitter_boxes`.
        fold_classifiers (list, optional): Cross-fitting: classifier ``k``
            (a :class:`~mmssl.models.LesionClassifier`) was trained without
            the boxed images of fold ``k`` and scores their candidates
            (the dataset gives each image's ``box_fold``; see
            :func:`~mmssl.datasets.bus.box_folds`). Without it the model's
            classifier, trained on those very boxes, scores them, and its
            probabilities on its own training crops are near 1.
        **selection: Overrides of :data:`SELECTION_DEFAULTS`.

    Returns:
        dict: ``records`` (one per image: ``file_name``, ``kind``
        ``'manual'`` / ``'class_only'``, ``old_box``, ``box``, scores,
        ``changed``), and counts ``refined``, ``pseudo``, ``manual``,
        ``class_only``.
    """
    unknown = set(selection) - set(SELECTION_DEFAULTS)
    if unknown:
        raise KeyError(f'unknown selection options {sorted(unknown)}; '
                       f'known: {sorted(SELECTION_DEFAULTS)}')
    opts = dict(SELECTION_DEFAULTS, **selection)
    jitter = dict(jitter or {})
    model.eval()
    device = next(model.parameters()).device
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    boxes, extra, records = {}, {}, []
    starts = range(0, len(dataset), batch_size)
    for start in track(starts, desc=f'candidate selection over '
                       f'{len(dataset)} images, batches of {batch_size}'):
        batch = pseudo_collate(
            [dataset[i] for i in range(start,
                                       min(start + batch_size,
                                           len(dataset)))])
        data = model.data_preprocessor(batch, False)
        inputs, samples = data['inputs'].to(device), data['data_samples']
        x = model.extract_feat(inputs)
        results = model._detect(x, samples)
        for j, (sample, res) in enumerate(zip(samples, results)):
            pos = start + j
            info = infos[pos]
            scale = res.bboxes.new_tensor(sample.scale_factor).repeat(2)
            h, w = sample.img_shape
            label = info['img_label']
            rec = dict(file_name=info['file_name'], img_label=label)

            def probs_of(cands, classifier=model.classifier):
                rois = torch.cat([cands.new_full((len(cands), 1), j),
                                  cands], dim=1)
                return classifier.score_rois(inputs, rois)[:, label]

            if info['has_box']:
                manual = torch.tensor(info['instances'][0]['bbox'],
                                      device=device) * scale
                rec.update(kind='manual', old_box=(manual / scale).tolist())
                if naive:
                    rec.update(box=rec['old_box'], changed=False)
                else:
                    cands = manual_candidates(
                        manual, res.bboxes, opts['min_det_iou'], (h, w),
                        **jitter)
                    scorer = model.classifier
                    if fold_classifiers:
                        fold = info.get('box_fold')
                        if fold is None:
                            raise KeyError(
                                'cross-fitting needs the dataset built with '
                                'cross_fit=dict(num_folds=...)')
                        scorer = fold_classifiers[fold]
                    out = refine_manual_box(cands, probs_of(cands, scorer),
                                            opts['delta'], opts['min_iou'])
                    rec.update(box=(out['box'] / scale).tolist(),
                               changed=out['refined'],
                               score=out['score'],
                               manual_score=out['manual_score'])
                boxes[pos] = rec['box']
            else:
                rec.update(kind='class_only', old_box=None)
                if naive:
                    ok = len(res.scores) and \
                        float(res.scores.max()) >= opts['score_thr']
                    box = res.bboxes[res.scores.argmax()] if ok else None
                    rec.update(box=None if box is None else
                               (box / scale).tolist(), changed=bool(ok))
                else:
                    cands, det_scores = detection_candidates(
                        res.bboxes, res.scores, opts['top_k'],
                        opts['score_thr'], (h, w), **jitter)
                    probs = probs_of(cands) if len(cands) else \
                        det_scores.new_zeros(0)
                    out = select_pseudo_box(cands, probs, det_scores,
                                            opts['gamma'], opts['cls_thr'],
                                            opts['score_thr'])
                    ok = out['accepted']
                    rec.update(
                        box=(out['box'] / scale).tolist() if ok else None,
                        changed=ok, score=out['score'],
                        cls_prob=out['cls_prob'],
                        det_score=out['det_score'])
                boxes[pos] = rec['box']
            extra[pos] = dict(selection=dict(
                kind=rec['kind'], changed=bool(rec['changed']),
                old_box=rec['old_box']))
            records.append(rec)
    write_bus_coco(infos, out_file, boxes=boxes, extra=extra)
    manual = [r for r in records if r['kind'] == 'manual']
    class_only = [r for r in records if r['kind'] == 'class_only']
    return dict(records=records, manual=len(manual),
                class_only=len(class_only),
                cross_fit=len(fold_classifiers or []),
                refined=sum(r['changed'] for r in manual),
                pseudo=sum(r['changed'] for r in class_only),
                options=opts, naive=naive)


def box_iou_to_reference(selected_file: str, reference_file: str) -> Dict:
    """Mean IoU of a selection json's boxes to a reference json's (e.g. the
    synthetic benchmark's exact boxes or diagnostic ROIs), matched by
    ``file_name``, for manual and pseudo boxes separately; also the share
    of pseudo boxes with IoU >= 0.5 (pseudo-box precision). An image with
    several reference boxes (BUSI: one per lesion mask) counts each of its
    selected boxes against the reference box it overlaps most."""
    from mmdet.structures.bbox import bbox_overlaps

    def boxes_by_name(path):
        with open(path) as f:
            coco = json.load(f)
        names = {im['id']: im for im in coco['images']}
        out: Dict[str, List[List[float]]] = {}
        for a in coco['annotations']:
            x, y, w, h = a['bbox']
            out.setdefault(names[a['image_id']]['file_name'], []).append(
                [x, y, x + w, y + h])
        return out, {im['file_name']: im for im in coco['images']}

    sel, sel_images = boxes_by_name(selected_file)
    ref, _ = boxes_by_name(reference_file)
    ious: Dict[str, List[float]] = dict(manual=[], pseudo=[])
    for name, img_boxes in sel.items():
        if name not in ref:
            continue
        kind = sel_images[name].get('selection', {}).get('kind', 'manual')
        best = bbox_overlaps(torch.tensor(img_boxes),
                             torch.tensor(ref[name])).max(dim=1).values
        ious['manual' if kind == 'manual' else 'pseudo'] += [
            float(v) for v in best]
    out = {}
    for kind, values in ious.items():
        out[f'{kind}_count'] = len(values)
        out[f'{kind}_iou'] = float(np.mean(values)) if values else \
            float('nan')
    out['pseudo_precision'] = float(np.mean(
        [v >= 0.5 for v in ious['pseudo']])) if ious['pseudo'] else \
        float('nan')
    return out
