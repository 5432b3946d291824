# Copyright (c) mmssl contributors. All rights reserved.
"""Per-class precision / recall / F1 and the confusion matrix.

How non-scalar results travel through mmengine 0.10.7 (and why they are
plain Python lists here):

- ``RuntimeInfoHook.after_val_epoch`` puts every metric whose value is not a
  scalar (``_is_scalar``: a number, or a one-element array/tensor) into
  ``message_hub.update_info('val/<key>', value)`` instead of a
  ``HistoryBuffer``.
- ``LoggerHook.after_val_epoch`` calls
  ``LogProcessor.get_log_after_epoch(..., with_non_scalar=False)``: the
  non-scalar values are formatted into the *text* log line with ``str()``
  (tensors and arrays on a new line), and only the scalar tag is passed to
  ``visualizer.add_scalars``, i.e. to ``vis_data/*.json`` and to the
  TensorBoard/WandB backends. Non-scalar values are therefore never written
  to the json log, whatever their type.
- The runtime info is resumable, so the message hub -- the non-scalar metric
  values included -- is saved in every later checkpoint and must survive
  ``torch.load(weights_only=True)`` (see :mod:`mmssl.utils.checkpoint`).

Plain lists of Python ``float``/``int`` print on one line, are accepted by
the weights-only unpickler without any allow-list and can be dumped to json
should a backend ever receive them (a ``torch.Tensor`` could not). Per-class
values that must reach the json log can instead be expanded into one scalar
per class with ``classwise='scalar'``.
"""
import os
import os.path as osp
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from mmssl.registry import METRICS

_CLASSWISE_MODES = ('list', 'scalar', 'none')


def _to_int(value) -> int:
    """First element of a label given as int, array or tensor."""
    if isinstance(value, torch.Tensor):
        return int(value.reshape(-1)[0])
    return int(np.asarray(value).reshape(-1)[0])


def _collect(sample: dict) -> dict:
    """Keep what the metrics need from one predicted sample."""
    if 'pred_score' in sample:
        pred = int(torch.as_tensor(sample['pred_score']).argmax())
        num_classes = int(torch.as_tensor(sample['pred_score']).numel())
    elif 'pred_label' in sample:
        pred = _to_int(sample['pred_label'])
        num_classes = None
    else:
        raise KeyError('a predicted sample needs `pred_score` or '
                       '`pred_label`')
    return dict(pred=pred, label=_to_int(sample['gt_label']),
                num_classes=num_classes)


def _num_classes(results: list, num_classes: Optional[int],
                 dataset_meta: Optional[dict]) -> int:
    """Number of classes: argument, score length, dataset meta, labels."""
    if num_classes is not None:
        return int(num_classes)
    from_scores = [r['num_classes'] for r in results
                   if r['num_classes'] is not None]
    if from_scores:
        return max(from_scores)
    classes = (dataset_meta or {}).get('classes')
    if classes:
        return len(classes)
    return max(max(r['pred'], r['label']) for r in results) + 1


@METRICS.register_module()
class SingleLabelMetric(BaseMetric):
    """Per-class precision, recall and F1-score, in percent.

    The prediction of a sample is the argmax of its ``pred_score``, as in
    :class:`Accuracy`; ``pred_label`` is used only for samples without a
    score. Values come from :func:`sklearn.metrics.
    precision_recall_fscore_support` over all ``num_classes`` classes, with
    0 for a class that is never predicted (precision) or never present
    (recall). The returned keys (with the default prefix) are:

    - ``single-label/precision``, ``single-label/recall``,
      ``single-label/f1-score``: macro averages over the classes.
    - ``classwise='list'`` (default): ``single-label/precision_classwise``,
      ``.../recall_classwise``, ``.../f1-score_classwise`` and
      ``.../support_classwise`` as Python lists, one value per class. They
      appear in the text log; mmengine writes only scalars to the json log.
    - ``classwise='scalar'``: one scalar per class instead,
      ``single-label/precision_<class name>`` etc., which also reach the
      json log and every vis backend.
    - ``classwise='none'``: the macro averages only.

    Args:
        num_classes (int, optional): Number of classes. Defaults to the
            length of ``pred_score``, else ``len(dataset_meta['classes'])``.
        classwise (str): ``'list'``, ``'scalar'`` or ``'none'``, see above.
            Defaults to ``'list'``.
        num_digits (int): Decimals kept in the per-class values.
            Defaults to 4.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'single-label'``.
    """
    default_prefix: Optional[str] = 'single-label'

    def __init__(self,
                 num_classes: Optional[int] = None,
                 classwise: str = 'list',
                 num_digits: int = 4,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if classwise not in _CLASSWISE_MODES:
            raise ValueError(f'classwise must be one of {_CLASSWISE_MODES}, '
                             f'got {classwise!r}')
        self.num_classes = num_classes
        self.classwise = classwise
        self.num_digits = num_digits

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(_collect(sample))

    def _class_names(self, num_classes: int) -> List[str]:
        classes = (self.dataset_meta or {}).get('classes')
        if classes and len(classes) == num_classes:
            return [str(c) for c in classes]
        return [str(i) for i in range(num_classes)]

    def compute_metrics(self, results: list) -> dict:
        num_classes = _num_classes(results, self.num_classes,
                                   self.dataset_meta)
        y_true = np.array([r['label'] for r in results])
        y_pred = np.array([r['pred'] for r in results])
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=np.arange(num_classes), average=None,
            zero_division=0)
        values = {'precision': precision * 100, 'recall': recall * 100,
                  'f1-score': f1 * 100}
        out = {name: float(v.mean()) for name, v in values.items()}
        if self.classwise == 'list':
            for name, v in values.items():
                out[f'{name}_classwise'] = [
                    round(float(x), self.num_digits) for x in v]
            out['support_classwise'] = [int(s) for s in support]
        elif self.classwise == 'scalar':
            names = self._class_names(num_classes)
            for name, v in values.items():
                for cls, x in zip(names, v):
                    out[f'{name}_{cls}'] = float(x)
        return out


@METRICS.register_module()
class ConfusionMatrix(BaseMetric):
    """Confusion matrix of single-label classification.

    ``confusion_matrix/result`` is a list of ``num_classes`` rows (one per
    true class) of ``num_classes`` ints (one per predicted class), computed
    with :func:`sklearn.metrics.confusion_matrix`. It is a nested Python list
    so that it prints on one line of the text log and is safe in checkpoints
    and json (see the module docstring); ``np.array(result)`` gives the
    matrix. The prediction of a sample is the argmax of ``pred_score``, or
    ``pred_label`` for samples without a score.

    Args:
        num_classes (int, optional): Number of classes. Defaults to the
            length of ``pred_score``, else ``len(dataset_meta['classes'])``.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'confusion_matrix'``.
    """
    default_prefix: Optional[str] = 'confusion_matrix'

    def __init__(self,
                 num_classes: Optional[int] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_classes = num_classes

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(_collect(sample))

    def compute_metrics(self, results: list) -> dict:
        num_classes = _num_classes(results, self.num_classes,
                                   self.dataset_meta)
        matrix = confusion_matrix(
            [r['label'] for r in results], [r['pred'] for r in results],
            labels=np.arange(num_classes))
        return {'result': matrix.astype(int).tolist()}

    @staticmethod
    def plot(matrix: Union[Sequence[Sequence[int]], np.ndarray,
                           torch.Tensor],
             classes: Optional[Sequence[str]] = None,
             out_file: Optional[str] = None,
             normalize: bool = False,
             title: str = 'Confusion matrix'):
        """Draw a confusion matrix with matplotlib.

        Args:
            matrix (list | np.ndarray | torch.Tensor): The (C, C) matrix,
                rows true classes and columns predicted classes, e.g.
                ``metrics['confusion_matrix/result']``.
            classes (Sequence[str], optional): Class names. Defaults to the
                class indices.
            out_file (str, optional): Save the figure there (the format
                follows the extension) and close it. Defaults to None.
            normalize (bool): Show each row as fractions of its true class.
                Defaults to False.
            title (str): Figure title. Defaults to ``'Confusion matrix'``.

        Returns:
            matplotlib.figure.Figure: The figure, drawn without pyplot (no
            window opens; display it in a notebook or save it).

        Raises:
            ImportError: If matplotlib is not installed.
        """
        try:
            # The object-oriented API: no pyplot state, no GUI backend.
            from matplotlib.figure import Figure
        except ImportError as e:
            raise ImportError('ConfusionMatrix.plot needs matplotlib: '
                              'pip install matplotlib') from e
        if isinstance(matrix, torch.Tensor):
            matrix = matrix.cpu().numpy()
        matrix = np.asarray(matrix, dtype=float)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f'expected a square matrix, got shape '
                             f'{matrix.shape}')
        num_classes = matrix.shape[0]
        if classes is None:
            classes = [str(i) for i in range(num_classes)]
        if len(classes) != num_classes:
            raise ValueError(f'{len(classes)} class names for a '
                             f'{num_classes}x{num_classes} matrix')
        if normalize:
            rows = matrix.sum(axis=1, keepdims=True)
            matrix = np.divide(matrix, rows, out=np.zeros_like(matrix),
                               where=rows > 0)
        size = max(4.0, 0.5 * num_classes + 2)
        fig = Figure(figsize=(size, size))
        ax = fig.subplots()
        image = ax.imshow(matrix, cmap='Blues')
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        ax.set_xticks(np.arange(num_classes))
        ax.set_yticks(np.arange(num_classes))
        ax.set_xticklabels(classes, rotation=45, ha='right')
        ax.set_yticklabels(classes)
        ax.set(xlabel='Predicted label', ylabel='True label', title=title)
        threshold = matrix.max() / 2 if matrix.size else 0
        for i in range(num_classes):
            for j in range(num_classes):
                text = (f'{matrix[i, j]:.2f}' if normalize else
                        f'{int(matrix[i, j])}')
                ax.text(j, i, text, ha='center', va='center', fontsize=8,
                        color='white' if matrix[i, j] > threshold else
                        'black')
        fig.tight_layout()
        if out_file is not None:
            os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
            fig.savefig(out_file)
        return fig
