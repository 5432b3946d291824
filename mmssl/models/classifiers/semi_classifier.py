# Copyright (c) mmssl contributors. All rights reserved.
import logging
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from mmdet.models.data_preprocessors import MultiBranchDataPreprocessor
from mmengine.logging import print_log

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

from ..data_preprocessors import SemiDataPreprocessor
from .image_classifier import ImageClassifier


@MODELS.register_module()
class SemiClassifier(ImageClassifier):
    """A semi-supervised image classifier trained in one forward pass.

    In training, the batch comes from mmdet's ``MultiBranch`` transform and
    ``MultiBranchDataPreprocessor`` as dicts keyed by branch: ``'sup'``
    (labeled images), ``'unsup_weak'`` and ``'unsup_strong'`` (the weak and
    strong views of the same unlabeled images). :meth:`loss` concatenates
    them, runs the backbone and neck ONCE over ``cat([x_lb, x_ulb_w,
    x_ulb_s])`` (so batch-norm statistics are those of the whole batch, as
    USB with ``use_cat=True``) and hands the features to the head's
    ``loss_semi``, which computes the method's losses. A plain labeled batch
    (a tensor) trains the supervised part only.

    Evaluation and inference use the closed-set classifier of the head,
    exactly like :class:`ImageClassifier`; with mmengine's ``EMAHook`` the
    weights evaluated are the EMA ones.

    The ``data_preprocessor`` of the model config (an
    ``ClsDataPreprocessor``, as for :class:`ImageClassifier`) is wrapped in
    :class:`~mmssl.models.SemiDataPreprocessor` (mmdet's
    ``MultiBranchDataPreprocessor`` that also passes plain batches), so
    model configs are shared between supervised and semi-supervised
    experiments.

    The unlabeled branches are the head's ``unlabeled_branches`` (default
    ``('unsup_weak', 'unsup_strong')``; WAD's head uses one view,
    ``('unsup', )``). A head with ``separate_forward = True`` (WAD's) gets
    one forward pass per part instead of one over the concatenation.

    Args:
        train_augment (dict, optional): A batch augmentation applied to the
            concatenated normalised training batch inside the forward pass
            (e.g. WAD's :class:`~mmssl.models.utils.WADStudentAugment`,
            which its official WRN applies in ``forward`` in train mode).
        **kwargs: See :class:`ImageClassifier`. The head must be a
            :class:`~mmssl.models.heads.SemiClsHead`.
    """

    def __init__(self, *args, data_preprocessor: Optional[dict] = None,
                 train_augment: Optional[dict] = None, **kwargs):
        dp = data_preprocessor or dict(type='ClsDataPreprocessor')
        if isinstance(dp, nn.Module):
            if not isinstance(dp, MultiBranchDataPreprocessor):
                dp = SemiDataPreprocessor(data_preprocessor=dp)
        else:
            kind = dp.get('type', '')
            name = getattr(kind, '__name__', str(kind)).split('.')[-1]
            if name not in ('SemiDataPreprocessor',
                            'MultiBranchDataPreprocessor'):
                dp = dict(type='SemiDataPreprocessor', data_preprocessor=dp)
        super().__init__(*args, data_preprocessor=dp, **kwargs)
        self.train_augment = MODELS.build(train_augment) \
            if isinstance(train_augment, dict) else train_augment
        self._warned_plain = False
        if not hasattr(self.head, 'loss_semi'):
            raise TypeError(
                f'SemiClassifier needs a semi-supervised head (FixMatchHead, '
                f'SupervisedHead, ...), got {type(self.head).__name__}')

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.train_augment is None else self.train_augment(x)

    def loss(self, inputs: Union[torch.Tensor, Dict[str, torch.Tensor]],
             data_samples: Union[List[ClsDataSample],
                                 Dict[str, List[ClsDataSample]]]) -> dict:
        if not isinstance(inputs, dict):
            inputs, data_samples = dict(sup=inputs), dict(sup=data_samples)
        if 'sup' not in inputs:
            raise KeyError(f"training batch has no 'sup' (labeled) branch; "
                           f'got {sorted(inputs)}')
        parts = [inputs['sup']]
        branches = tuple(getattr(self.head, 'unlabeled_branches',
                                 ('unsup_weak', 'unsup_strong')))
        present = [b for b in branches if b in inputs]
        if present and len(present) != len(branches):
            raise KeyError('a semi-supervised batch of '
                           f'{type(self.head).__name__} needs the unlabeled '
                           f'branches {list(branches)}; got {sorted(inputs)}')
        has_unlabeled = bool(present)
        if self.head.uses_unlabeled and not has_unlabeled and \
                not self._warned_plain:
            self._warned_plain = True
            print_log(
                f'{type(self.head).__name__} uses unlabeled data but the '
                'training batches hold labeled images only: only the '
                'supervised loss is trained. Check that the train '
                'dataloader is a SemiDataset with MultiSourceSampler.',
                logger='current', level=logging.WARNING)
        if self.head.uses_unlabeled and has_unlabeled:
            shapes = {b: tuple(inputs[b].shape) for b in branches}
            if len(set(shapes.values())) > 1:
                raise ValueError('the unlabeled views differ in shape: '
                                 + ', '.join(f'{b} {v}'
                                             for b, v in shapes.items()))
            parts += [inputs[b] for b in branches]
        sizes = [len(p) for p in parts]
        if getattr(self.head, 'separate_forward', False) and len(parts) > 1:
            # One forward per part (batch-norm statistics and augmentation
            # draws per part), as WAD's official training step.
            per_part = [self.extract_feat(self._augment(p)) for p in parts]
            feats = tuple(torch.cat(level) for level in zip(*per_part))
        else:
            x = torch.cat(parts) if len(parts) > 1 else parts[0]
            feats = self.extract_feat(self._augment(x))
        return self.head.loss_semi(feats, sizes, data_samples)
