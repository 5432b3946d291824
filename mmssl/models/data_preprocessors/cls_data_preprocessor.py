# Copyright (c) mmssl contributors. All rights reserved.
import torch
from mmengine.model import ImgDataPreprocessor

from mmssl.registry import MODELS


@MODELS.register_module()
class ClsDataPreprocessor(ImgDataPreprocessor):
    """mmengine's ``ImgDataPreprocessor``, batched for classification.

    Images of one size (every classification batch) are stacked as uint8,
    moved to the device once, converted and normalised as one tensor; the
    data samples are passed on as they are, not copied to the device (heads
    move the few labels they need). mmengine's version converts, normalises
    and copies every image and every data sample one by one, which costs
    more than the forward pass of a small network (see
    ``tools/benchmark/train_speed.py``). Data samples therefore stay on the
    CPU on every device; heads move labels to the logits' device and
    metrics read predictions back with ``.cpu()``. Batches of mixed sizes,
    or with ``pad_size_divisor > 1``, fall back to mmengine's
    implementation (which also moves the samples).

    Args:
        See ``mmengine.model.ImgDataPreprocessor``.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if isinstance(inputs, torch.Tensor) and inputs.dim() == 4:
            batch = inputs
        elif isinstance(inputs, (list, tuple)) and inputs and all(
                isinstance(x, torch.Tensor) and x.dim() == 3
                for x in inputs) and len({x.shape for x in inputs}) == 1:
            batch = torch.stack(inputs)
        else:
            return super().forward(data, training)
        if self.pad_size_divisor > 1:
            return super().forward(data, training)
        if self._enable_normalize and self.mean.shape[0] not in (
                1, batch.shape[1]):
            raise ValueError(
                f'the data preprocessor normalises {self.mean.shape[0]} '
                f'channels but the images have {batch.shape[1]}')
        batch = batch.to(self.device, non_blocking=self._non_blocking)
        if self._channel_conversion and batch.shape[1] == 3:
            batch = batch[:, [2, 1, 0]]
        batch = batch.float()
        if self._enable_normalize:
            batch = (batch - self.mean) / self.std
        return dict(inputs=batch, data_samples=data.get('data_samples'))
