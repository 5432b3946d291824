# Copyright (c) mmssl contributors. All rights reserved.
from typing import Dict, List, Optional, Union

import torch

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample

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

    Args:
        See :class:`ImageClassifier`. The head must be a
        :class:`~mmssl.models.heads.SemiClsHead`.
    """

    def __init__(self, *args, data_preprocessor: Optional[dict] = None,
                 **kwargs):
        dp = dict(data_preprocessor or dict(type='ClsDataPreprocessor'))
        if str(dp.get('type', '')).split('.')[-1] not in (
                'SemiDataPreprocessor', 'MultiBranchDataPreprocessor'):
            dp = dict(type='SemiDataPreprocessor', data_preprocessor=dp)
        super().__init__(*args, data_preprocessor=dp, **kwargs)
        if not hasattr(self.head, 'loss_semi'):
            raise TypeError(
                f'SemiClassifier needs a semi-supervised head (FixMatchHead, '
                f'SupervisedHead, ...), got {type(self.head).__name__}')

    def loss(self, inputs: Union[torch.Tensor, Dict[str, torch.Tensor]],
             data_samples: Union[List[ClsDataSample],
                                 Dict[str, List[ClsDataSample]]]) -> dict:
        if not isinstance(inputs, dict):
            inputs, data_samples = dict(sup=inputs), dict(sup=data_samples)
        if 'sup' not in inputs:
            raise KeyError(f"training batch has no 'sup' (labeled) branch; "
                           f'got {sorted(inputs)}')
        parts = [inputs['sup']]
        if self.head.uses_unlabeled and 'unsup_weak' in inputs:
            if inputs['unsup_weak'].shape != inputs['unsup_strong'].shape:
                raise ValueError('the weak and strong unlabeled views differ '
                                 'in shape: '
                                 f"{tuple(inputs['unsup_weak'].shape)} vs "
                                 f"{tuple(inputs['unsup_strong'].shape)}")
            parts += [inputs['unsup_weak'], inputs['unsup_strong']]
        sizes = [len(p) for p in parts]
        x = torch.cat(parts) if len(parts) > 1 else parts[0]
        feats = self.extract_feat(x)
        return self.head.loss_semi(feats, sizes, data_samples)
