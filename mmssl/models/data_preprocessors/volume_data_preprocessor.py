# Copyright (c) mmssl contributors. All rights reserved.
from typing import Optional

import torch
from mmengine.model import BaseDataPreprocessor

from mmssl.registry import MODELS


@MODELS.register_module()
class VolumeDataPreprocessor(BaseDataPreprocessor):
    """Stack (C, D, H, W) volumes into a (B, C, D, H, W) batch on the
    model's device. Intensities are already normalised by the pipeline
    (``ScaleIntensityWindow``); data samples stay on the CPU (the model
    moves the labels it needs). Volumes of different shapes (whole test
    volumes) need a batch size of 1.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            shapes = {tuple(x.shape) for x in inputs}
            if len(shapes) > 1:
                raise ValueError(
                    f'volumes of different shapes {sorted(shapes)} cannot '
                    'be batched: use batch_size=1 for whole volumes')
            inputs = torch.stack(list(inputs))
        return dict(inputs=inputs.to(self.device).float(),
                    data_samples=data.get('data_samples'))

    def cast_data(self, data: Optional[dict]) -> Optional[dict]:
        return data
