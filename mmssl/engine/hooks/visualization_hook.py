# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import Optional, Sequence

import cv2
import numpy as np
from mmengine.hooks import Hook

from mmssl.registry import HOOKS

_FONT = cv2.FONT_HERSHEY_SIMPLEX


def caption_style(shape) -> tuple:
    """Font scale, stroke thickness and padding (pixels) of captions on an
    image of ``shape``, from its short side: 0.5 / 1 px at 240 pixels,
    1.0 / 2 px at 480, never below 0.35."""
    short = min(shape[:2])
    scale = max(0.35, short / 480)
    thickness = max(1, int(round(scale * 2)))
    pad = max(2, int(round(4 * scale)))
    return scale, thickness, pad


def draw_caption(img: np.ndarray, text_lines: Sequence[str],
                 origin=(0, 0), colour=(255, 255, 255),
                 background=(0, 0, 0)) -> np.ndarray:
    """Write ``text_lines`` on ``img`` (HxWx3 uint8, drawn in place when
    contiguous), one under the other from ``origin`` (top left), each on
    a filled ``background`` box the size of the text. Size and thickness
    follow the image's short side (:func:`caption_style`).

    Returns the drawn image.
    """
    img = np.ascontiguousarray(img)
    scale, thickness, pad = caption_style(img.shape)
    x, y = int(origin[0]), int(origin[1])
    for line in text_lines:
        (tw, th), base = cv2.getTextSize(line, _FONT, scale, thickness)
        cv2.rectangle(img, (x, y), (x + tw + 2 * pad - 1,
                                    y + th + base + 2 * pad - 1),
                      background, -1)
        cv2.putText(img, line, (x + pad, y + pad + th), _FONT, scale,
                    colour, thickness, cv2.LINE_AA)
        y += th + base + 2 * pad
    return img


def caption_size(text_lines: Sequence[str], shape) -> tuple:
    """Width and height (pixels) that :func:`draw_caption` covers with
    ``text_lines`` on an image of ``shape``."""
    scale, thickness, pad = caption_style(shape)
    w = h = 0
    for line in text_lines:
        (tw, th), base = cv2.getTextSize(line, _FONT, scale, thickness)
        w = max(w, tw + 2 * pad)
        h += th + base + 2 * pad
    return w, h


def draw_cls_result(img: np.ndarray, text_lines, min_side: int = 192):
    """Upscale ``img`` (HxWxC RGB uint8) so its short side is at least
    ``min_side`` and write ``text_lines`` at its top left
    (:func:`draw_caption`).

    Returns an RGB uint8 image.
    """
    img, _ = _rgb_upscaled(img, min_side, cv2.INTER_NEAREST)
    return draw_caption(img, text_lines)


def _rgb_upscaled(img: np.ndarray, min_side: int,
                  interpolation: int = cv2.INTER_LINEAR):
    """``img`` (HxW or HxWx1/3 uint8) as a contiguous RGB image upscaled by
    an integer factor so its short side is at least ``min_side``; returns
    the image and the factor."""
    if img.ndim == 2 or img.shape[2] == 1:
        img = np.repeat(img.reshape(*img.shape[:2], 1), 3, axis=2)
    h, w = img.shape[:2]
    scale = max(1, int(np.ceil(min_side / min(h, w))))
    if scale > 1:
        img = cv2.resize(img, (w * scale, h * scale),
                         interpolation=interpolation)
    return np.ascontiguousarray(img), scale


def draw_box_result(img: np.ndarray, pred_box, text_lines, gt_boxes=None,
                    min_side: int = 192) -> np.ndarray:
    """Draw a predicted box (green), ground-truth boxes (red) and text on
    ``img`` (HxWx3 or HxW RGB uint8), upscaled so its short side is at
    least ``min_side``. Returns an RGB uint8 image."""
    vis, scale = _rgb_upscaled(img, min_side)

    def rect(box, colour):
        x0, y0, x1, y1 = (int(round(float(v) * scale)) for v in box)
        cv2.rectangle(vis, (x0, y0), (x1, y1), colour,
                      max(2, caption_style(vis.shape)[1]))

    for box in ([] if gt_boxes is None else np.asarray(gt_boxes).reshape(
            -1, 4)):
        rect(box, (255, 0, 0))
    if pred_box is not None:
        rect(pred_box, (0, 255, 0))
    return draw_cls_result(vis, text_lines, min_side=min_side)


def top_boxes(scores, score_thr: float = 0.3,
              max_boxes: Optional[int] = 3) -> np.ndarray:
    """Indices of the boxes to show: scores >= ``score_thr``, highest
    first, at most ``max_boxes`` of them (None: all).

    Args:
        scores: (N, ) box scores (array or tensor).
        score_thr (float): Lowest score shown. Defaults to 0.3.
        max_boxes (int, optional): Most boxes shown. Defaults to 3.

    Returns:
        np.ndarray: Indices into ``scores``, in decreasing score order.
    """
    if hasattr(scores, 'detach'):
        scores = scores.detach().cpu().float().numpy()
    scores = np.asarray(scores, np.float64).reshape(-1)
    order = np.argsort(-scores, kind='stable')
    order = order[scores[order] >= score_thr]
    return order if max_boxes is None else order[:max(0, max_boxes)]


def draw_lesion_result(img: np.ndarray, boxes, scores, text_lines,
                       gt_boxes=None, min_side: int = 256) -> np.ndarray:
    """Draw detected boxes (green, each with its score), ground-truth
    boxes (red) and a caption (e.g. the diagnosis and its probability)
    on ``img``, upscaled so its short side is at least ``min_side``.

    Args:
        img (np.ndarray): HxWx3 or HxW RGB uint8 image.
        boxes: (N, 4) ``x0, y0, x1, y1`` in ``img`` pixels; only these
            are drawn (select them first, e.g. with :func:`top_boxes`).
        scores: (N, ) their scores, written at each box's top left.
        text_lines (list[str]): Caption written at the image's top left
            (:func:`draw_caption`).
        gt_boxes (optional): (M, 4) ground-truth boxes, drawn in red.
        min_side (int): Smallest short side of the picture.
            Defaults to 256.

    Returns:
        np.ndarray: RGB uint8 image.
    """
    vis, scale = _rgb_upscaled(img, min_side)
    width = max(2, caption_style(vis.shape)[1])

    def corners(box):
        return [int(round(float(v) * scale)) for v in box]

    for box in ([] if gt_boxes is None else np.asarray(gt_boxes).reshape(
            -1, 4)):
        x0, y0, x1, y1 = corners(box)
        cv2.rectangle(vis, (x0, y0), (x1, y1), (255, 0, 0), width)
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    scores = np.asarray(scores, np.float64).reshape(-1)
    for box in boxes:
        x0, y0, x1, y1 = corners(box)
        cv2.rectangle(vis, (x0, y0), (x1, y1), (0, 255, 0), width)
    cap_w, cap_h = caption_size(text_lines, vis.shape)
    for box, score in zip(boxes, scores):  # labels over every box
        x0, y0, x1, y1 = corners(box)
        label = f'{score:.2f}'
        lw, lh = caption_size([label], vis.shape)
        x = int(np.clip(x0, 0, max(0, vis.shape[1] - lw)))
        # above the box, else inside its top; below it when that would
        # hide under the caption
        y = y0 - lh if y0 - lh >= 0 else max(0, y0)
        if x < cap_w and y < cap_h:
            y = min(max(y1, cap_h), vis.shape[0] - lh)
        draw_caption(vis, [label], origin=(x, max(0, y)), colour=(0, 0, 0),
                     background=(0, 255, 0))
    return draw_caption(vis, text_lines)


def draw_loc_result(img: np.ndarray, loc_map: np.ndarray, pred_box,
                    text_lines, gt_boxes=None, alpha: float = 0.5,
                    min_side: int = 192) -> np.ndarray:
    """Blend a localization heatmap over ``img`` and draw the boxes.

    Args:
        img (np.ndarray): HxWx3 RGB uint8 image.
        loc_map (np.ndarray): Map in [0, 1], any size (resized to ``img``).
        pred_box: ``x0, y0, x1, y1`` in ``img`` pixels, drawn in green.
        text_lines (list[str]): Text written at the top left.
        gt_boxes (optional): (N, 4) boxes in ``img`` pixels, drawn in red.
        alpha (float): Heatmap weight. Defaults to 0.5.

    Returns:
        np.ndarray: RGB uint8 image, upscaled so its short side is at least
        ``min_side``.
    """
    if img.ndim == 2 or img.shape[2] == 1:
        img = np.repeat(img.reshape(*img.shape[:2], 1), 3, axis=2)
    h, w = img.shape[:2]
    heat = cv2.resize(np.clip(loc_map, 0, 1).astype(np.float32), (w, h))
    heat = cv2.applyColorMap((heat * 255).astype(np.uint8),
                             cv2.COLORMAP_JET)[..., ::-1]
    vis = (img.astype(np.float32) * (1 - alpha) +
           heat.astype(np.float32) * alpha).astype(np.uint8)
    return draw_box_result(vis, pred_box, text_lines, gt_boxes, min_side)


class TestImageHook(Hook):
    """Base of the hooks that write one picture (or file set) per test
    sample to a folder; ``tools/test.py --show-dir DIR`` sets ``out_dir``.

    Every ``interval``-th sample is drawn (every one by default), at most
    ``max_images`` (no limit by default); both are said once in the log
    when they skip samples. A sample that fails to draw is logged (the
    first failure with its error) and skipped, so the test metrics are
    never lost to a drawing error. Subclasses implement
    :meth:`draw_sample`.

    Args:
        out_dir (str, optional): Output folder; relative paths are taken
            inside the run's log folder (``work_dir/TIMESTAMP``, as
            mmdet's ``test_out_dir``). Defaults to None (disabled).
        interval (int): Draw every ``interval``-th test sample.
            Defaults to 1.
        max_images (int, optional): Stop drawing after this many samples.
            Defaults to None (all).
    """
    priority = 'NORMAL'

    def __init__(self, out_dir: Optional[str] = None, interval: int = 1,
                 max_images: Optional[int] = None):
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.out_dir = out_dir
        self.interval = interval
        self.max_images = max_images
        self._reset()

    def _reset(self):
        self._seen = self._count = self._failed = 0
        self._files = 0
        self._capped = False
        self._dir = None

    def before_test(self, runner) -> None:
        self._reset()
        if self.out_dir is None:
            return
        self._dir = self.out_dir if osp.isabs(self.out_dir) else osp.join(
            runner.log_dir, self.out_dir)
        os.makedirs(self._dir, exist_ok=True)
        what = 'every test sample' if self.interval == 1 else \
            f'every {self.interval}-th test sample'
        if self.max_images is not None:
            what += f', at most {self.max_images},'
        runner.logger.info(f'{type(self).__name__}: drawing {what} into '
                           f'{self._dir}')

    def batch_inputs(self, data_batch) -> Sequence:
        """One input per sample of ``data_batch``."""
        return data_batch['inputs']

    def draw_sample(self, runner, inputs, sample, out_dir: str) -> int:
        """Write ``sample``'s picture(s) into ``out_dir``; return how many
        files were written."""
        raise NotImplementedError

    def after_test_iter(self, runner, batch_idx, data_batch=None,
                        outputs=None) -> None:
        if self._dir is None or data_batch is None or not outputs:
            return
        for inp, sample in zip(self.batch_inputs(data_batch), outputs):
            self._seen += 1
            if (self._seen - 1) % self.interval:
                continue
            if self.max_images is not None and \
                    self._count >= self.max_images:
                if not self._capped:
                    self._capped = True
                    runner.logger.info(
                        f'{type(self).__name__}: stopped drawing after '
                        f'max_images={self.max_images} samples')
                continue
            try:
                self._files += self.draw_sample(runner, inp, sample,
                                                self._dir)
                self._count += 1
            except Exception as e:  # never lose the metrics to a drawing
                self._failed += 1
                if self._failed == 1:
                    runner.logger.warning(
                        f'{type(self).__name__}: could not draw test '
                        f'sample {self._seen - 1} '
                        f'({type(e).__name__}: {e}); skipping the samples '
                        'that fail')

    def after_test_epoch(self, runner, metrics=None) -> None:
        if self._dir is None:
            return
        msg = (f'{type(self).__name__}: wrote {self._files} files for '
               f'{self._count} of {self._seen} test samples to {self._dir}')
        if self._failed:
            msg += f'; {self._failed} failed to draw'
        runner.logger.info(msg)


@HOOKS.register_module()
class ClsVisualizationHook(TestImageHook):
    """Write test images with their predicted and true class to a folder
    (and, for localization models, the heatmap with the predicted box in
    green and the ground-truth boxes in red), one ``{sample_idx}.png``
    per image.

    Enabled by ``tools/test.py --show-dir DIR``; arguments as
    :class:`TestImageHook`.
    """

    def draw_sample(self, runner, inp, sample, out_dir: str) -> int:
        if inp.is_sparse:
            inp = inp.to_dense()
        if inp.ndim != 3:
            raise ValueError(
                f'a {inp.ndim - 1}-D input of shape {tuple(inp.shape)}: '
                'ClsVisualizationHook draws 2-D images (volumes: '
                'VolumeSegVisualizationHook)')
        classes = runner.test_dataloader.dataset.metainfo.get('classes', ())
        img = inp.permute(1, 2, 0).cpu().numpy()
        img = np.clip(img, 0, 255).astype(np.uint8)
        label = int(sample.pred_label[0])
        name = classes[label] if label < len(classes) else str(label)
        lines = [f'pred: {name} ({float(sample.pred_score[label]):.2f})']
        if 'gt_label' in sample:
            gt = int(sample.gt_label[0])
            lines.append(f'gt: {classes[gt] if gt < len(classes) else gt}')
        if 'loc_map' in sample:
            drawn = draw_loc_result(
                img, sample.loc_map.cpu().numpy(),
                sample.pred_bbox.tolist(), lines,
                gt_boxes=sample.get('gt_bboxes'))
        else:
            drawn = draw_cls_result(img, lines)
        idx = sample.metainfo.get('sample_idx', self._seen - 1)
        cv2.imwrite(osp.join(out_dir, f'{idx:06d}.png'),
                    cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
        return 1


@HOOKS.register_module()
class VolumeSegVisualizationHook(TestImageHook):
    """Write each test volume's prediction as ``{case}_pred.nii.gz`` (a
    label volume on the input's grid, with its affine and header, as
    MONAI's ``SaveImage`` does) and ``{case}_montage.png`` (axial slices
    over the labelled extent with the labels blended in and a colour
    legend, the intensity window picked by modality: the config's
    ``modality`` key, else the dataset's, else a guess; as
    ``demo/volume_demo.py`` draws, :mod:`mmssl.visualization.volume`).

    Enabled by ``tools/test.py --show-dir DIR``; arguments as
    :class:`TestImageHook`.
    """

    def draw_sample(self, runner, inp, sample, out_dir: str) -> int:
        from mmssl.apis.volume_inferencer import _window
        from mmssl.datasets.transforms.volume import (
            invert_geometry,
            load_nifti,
            save_nifti_like,
            unpack_label,
        )
        from mmssl.visualization.volume import (
            intensity_window,
            montage,
            resolve_modality,
        )
        path = sample.img_path
        name = osp.basename(path)
        for ext in ('.nii.gz', '.nii'):
            if name.endswith(ext):
                name = name[:-len(ext)]
        geometry = sample.metainfo.get('geometry', [])
        pred = unpack_label(sample.pred_seg.cpu().numpy())
        save_nifti_like(pred, path, osp.join(out_dir, f'{name}_pred.nii.gz'),
                        geometry)
        label = invert_geometry(pred, geometry).astype(np.uint8)
        image, affine, _ = load_nifti(path)
        meta = runner.test_dataloader.dataset.metainfo or {}
        modality = resolve_modality(
            image, runner.cfg.get('modality') or meta.get('modality'),
            osp.basename(path))
        pic = montage(image, label, affine,
                      intensity_window(image, modality, _window(runner.cfg)),
                      classes=meta.get('classes', ()))
        cv2.imwrite(osp.join(out_dir, f'{name}_montage.png'),
                    cv2.cvtColor(pic, cv2.COLOR_RGB2BGR))
        return 2


@HOOKS.register_module()
class BEVVisualizationHook(TestImageHook):
    """Write each test point cloud seen from above with its predicted 3-D
    boxes (score >= ``score_thr``, one colour per class) as
    ``{scan}.png``, as ``demo/pcd_demo.py`` draws; a matplotlib stand-in
    for mmdet3d's ``Det3DVisualizationHook``, whose LiDAR drawing needs
    Open3D and a display.

    Args:
        score_thr (float): Boxes below this score are not drawn.
            Defaults to 0.3.
        out_dir, interval, max_images: as in :class:`TestImageHook`.
    """

    def __init__(self, out_dir: Optional[str] = None, interval: int = 1,
                 max_images: Optional[int] = None, score_thr: float = 0.3):
        super().__init__(out_dir, interval, max_images)
        self.score_thr = score_thr

    def batch_inputs(self, data_batch) -> Sequence:
        return data_batch['inputs']['points']

    def draw_sample(self, runner, points, sample, out_dir: str) -> int:
        from mmengine.model import is_model_wrapper

        from mmssl.visualization.bev import draw_bev
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        points = points.cpu().numpy()
        try:
            pc_range = model.data_preprocessor.voxel_layer.point_cloud_range
        except AttributeError:
            lo, hi = points[:, :3].min(0), points[:, :3].max(0)
            pc_range = [*lo, *hi]
        pred = sample.pred_instances_3d
        keep = pred.scores_3d >= self.score_thr
        classes = runner.test_dataloader.dataset.metainfo.get('classes')
        name = osp.splitext(osp.basename(
            sample.metainfo.get('lidar_path', f'{self._seen - 1:06d}')))[0]
        draw_bev(points, pred.bboxes_3d.tensor[keep].cpu().numpy(),
                 pred.labels_3d[keep].cpu().numpy(),
                 pred.scores_3d[keep].cpu().numpy(), classes, pc_range,
                 osp.join(out_dir, f'{name}.png'))
        return 1



def diagnosis_caption(probs, names, label: Optional[int] = None) -> list:
    """Caption lines of a diagnosis: the predicted class with its
    probability, then (when ``label`` is given) the true class."""
    probs = np.asarray(probs, np.float64).reshape(-1)
    pred = int(probs.argmax())

    def name(i):
        return names[i] if i < len(names) else str(i)

    lines = [f'{name(pred)}: p={probs[pred]:.2f}']
    if label is not None:
        lines.append(f'gt: {name(int(label))}')
    return lines


@HOOKS.register_module()
class LesionVisualizationHook(TestImageHook):
    """Write each test image with its diagnosis (class and probability,
    from the model's ``diag_scores``; the true diagnosis under it) as a
    caption, the detected lesion boxes scoring at least ``score_thr``
    (at most ``max_boxes``, highest first; green, with their scores) and
    the ground-truth boxes (red), as ``{image}.png``: what
    ``demo/image_demo.py`` draws for a TSDDNet checkpoint. A model
    without a diagnosis (a stage-1 detector) gets the boxes only.

    Enabled by ``tools/test.py --show-dir DIR``.

    Args:
        score_thr (float): Boxes below this score are not drawn.
            Defaults to 0.3.
        max_boxes (int, optional): Most boxes drawn per image (None:
            all above ``score_thr``). Defaults to 3.
        diagnoses (Sequence[str], optional): Diagnosis names in label
            order; defaults to the test set's ``diagnoses`` (benign,
            malignant).
        out_dir, interval, max_images: as in :class:`TestImageHook`.
    """

    def __init__(self, out_dir: Optional[str] = None, interval: int = 1,
                 max_images: Optional[int] = None, score_thr: float = 0.3,
                 max_boxes: Optional[int] = 3,
                 diagnoses: Optional[Sequence[str]] = None):
        super().__init__(out_dir, interval, max_images)
        self.score_thr = score_thr
        self.max_boxes = max_boxes
        self.diagnoses = None if diagnoses is None else tuple(diagnoses)

    def _image(self, inp, sample) -> np.ndarray:
        """The original image (RGB), read again from its file, else the
        network input scaled back to the original size."""
        path = sample.metainfo.get('img_path')
        if path and osp.isfile(path):
            img = cv2.imread(path, cv2.IMREAD_COLOR)
            if img is not None:
                return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        img = inp.permute(1, 2, 0).cpu().numpy()
        img = np.clip(img, 0, 255).astype(np.uint8)
        if img.shape[2] == 1:
            img = np.repeat(img, 3, axis=2)
        h, w = sample.metainfo.get('img_shape', img.shape[:2])[:2]
        oh, ow = sample.metainfo.get('ori_shape', (h, w))[:2]
        img = np.ascontiguousarray(img[:h, :w][..., ::-1])  # BGR input
        return cv2.resize(img, (int(ow), int(oh)))

    def draw_sample(self, runner, inp, sample, out_dir: str) -> int:
        img = self._image(inp, sample)
        pred = sample.pred_instances
        keep = top_boxes(pred.scores, self.score_thr, self.max_boxes)
        boxes = pred.bboxes.cpu().numpy()[keep]
        scores = pred.scores.cpu().numpy()[keep]
        lines = []
        if 'diag_scores' in sample:
            names = self.diagnoses or tuple(getattr(
                runner.test_dataloader.dataset, 'diagnoses', None) or
                ('benign', 'malignant'))
            lines = diagnosis_caption(
                sample.diag_scores.cpu().float().numpy(), names,
                sample.metainfo.get('img_label'))
        if not len(keep):
            lines.append(f'no lesion box >= {self.score_thr:.2f}')
        gt = sample.get('gt_instances')
        # in the original image's pixels, as mmdet's DetVisualizationHook
        # draws them (test pipelines load the boxes after the resize)
        gt_boxes = None
        if gt is not None and 'bboxes' in gt:
            gt_boxes = getattr(gt.bboxes, 'tensor', gt.bboxes)
            gt_boxes = np.asarray(gt_boxes.cpu() if hasattr(
                gt_boxes, 'cpu') else gt_boxes).reshape(-1, 4)
        drawn = draw_lesion_result(img, boxes, scores, lines, gt_boxes)
        path = sample.metainfo.get('img_path')
        name = osp.splitext(osp.basename(path))[0] if path else \
            f'{sample.metainfo.get("sample_idx", self._seen - 1):06d}'
        cv2.imwrite(osp.join(out_dir, f'{name}.png'),
                    cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
        return 1


def draw_seg_result(img: np.ndarray, mask: np.ndarray, palette,
                    text_lines=(), alpha: float = 0.5,
                    ignore_index: int = 255,
                    min_side: int = 192) -> np.ndarray:
    """Blend a semantic mask's colours over ``img``.

    Args:
        img (np.ndarray): HxWx3 RGB uint8 image.
        mask (np.ndarray): HxW class indices (the image's size).
        palette: One RGB colour per class.
        text_lines (list[str]): Text written at the top left.
        alpha (float): Mask weight on labelled pixels; class 0
            (background) and ``ignore_index`` are left uncoloured.

    Returns:
        np.ndarray: RGB uint8 image, upscaled so its short side is at least
        ``min_side``.
    """
    if img.ndim == 2 or img.shape[2] == 1:
        img = np.repeat(img.reshape(*img.shape[:2], 1), 3, axis=2)
    if mask.shape != img.shape[:2]:
        raise ValueError(f'mask {mask.shape} and image {img.shape[:2]} '
                         'sizes differ')
    colours = np.zeros((256, 3), np.float32)
    colours[:len(palette)] = np.asarray(palette, np.float32)
    vis = img.astype(np.float32)
    fg = (mask > 0) & (mask != ignore_index)
    vis[fg] = vis[fg] * (1 - alpha) + colours[mask[fg]] * alpha
    return draw_cls_result(vis.astype(np.uint8), text_lines, min_side)
