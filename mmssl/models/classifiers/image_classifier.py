# Copyright (c) mmssl contributors. All rights reserved.
from typing import List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel

from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample


@MODELS.register_module()
class ImageClassifier(BaseModel):
    """Backbone + optional neck + head, with mmengine's model contract.

    ``forward(inputs, data_samples, mode)`` dispatches to :meth:`loss`
    (``mode='loss'``), :meth:`predict` (``'predict'``) or :meth:`_forward`
    (``'tensor'``). The semi-supervised classifier subclasses it.

    Args:
        backbone (dict): Backbone config (an mmssl or, by scope, mmdet /
            mmseg backbone).
        head (dict): Head config.
        neck (dict, optional): Neck config. Defaults to None.
        data_preprocessor (dict, optional): Batch normalisation/stacking,
            e.g. :class:`~mmssl.models.ClsDataPreprocessor` (the default).
        channels_last (bool): Keep weights and inputs in the channels-last
            memory format (NHWC), the fast layout of oneDNN convolutions on
            CPU and of tensor cores on GPU; the values are unchanged.
            Defaults to False.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 channels_last: bool = False,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='ClsDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.head = MODELS.build(head)
        self.channels_last = channels_last
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def init_weights(self) -> None:
        super().init_weights()
        if self.channels_last:  # initialisers may replace the tensors
            self.to(memory_format=torch.channels_last)

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor]:
        if self.channels_last and inputs.dim() == 4:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        feats = self.backbone(inputs)
        if isinstance(feats, torch.Tensor):
            feats = (feats, )
        if self.neck is not None:
            feats = self.neck(feats)
        return feats

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[ClsDataSample]] = None,
                mode: str = 'tensor') -> Union[dict, list, torch.Tensor]:
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise RuntimeError(f"invalid mode {mode!r}: use 'loss', 'predict' "
                           "or 'tensor'")

    def _forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.head(self.extract_feat(inputs))

    def loss(self, inputs: torch.Tensor,
             data_samples: List[ClsDataSample]) -> dict:
        return self.head.loss(self.extract_feat(inputs), data_samples)

    def predict(
        self,
        inputs: torch.Tensor,
        data_samples: Optional[List[ClsDataSample]] = None
    ) -> List[ClsDataSample]:
        return self.head.predict(self.extract_feat(inputs), data_samples)
