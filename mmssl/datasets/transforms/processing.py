# Copyright (c) mmssl contributors. All rights reserved.
import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmssl.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomCropPad(BaseTransform):
    """Pad an image by ``padding`` pixels, then crop it back to its size at a
    random position (the "random translation" of FixMatch's weak view).

    FixMatch (Sohn et al. 2020) / USB use a crop of the original size from
    the image padded by 12.5% of its side with reflection
    (``RandomCrop(32, padding=4, padding_mode='reflect')`` for 32x32).

    Args:
        padding (int | float): Pixels to pad on each side; a float in (0, 1)
            is a fraction of the image side. Defaults to 0.125.
        padding_mode (str): ``'reflect'``, ``'constant'`` or ``'edge'``
            (NumPy names). Defaults to ``'reflect'``.
    """

    # NumPy padding mode -> OpenCV border type (cv2.copyMakeBorder is
    # several times faster than np.pad on small images).
    BORDERS = dict(reflect=cv2.BORDER_REFLECT_101,
                   constant=cv2.BORDER_CONSTANT,
                   edge=cv2.BORDER_REPLICATE)

    def __init__(self, padding=0.125, padding_mode: str = 'reflect'):
        if padding_mode not in self.BORDERS:
            raise ValueError(f'unknown padding_mode {padding_mode!r}')
        self.padding = padding
        self.padding_mode = padding_mode

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        pad = self.padding
        if isinstance(pad, float) and pad < 1:
            pad = int(round(pad * min(h, w)))
        pad = int(pad)
        if pad <= 0:
            return results
        if self.padding_mode == 'reflect' and pad >= min(h, w):
            raise ValueError(f'reflect padding of {pad} pixels needs an '
                             f'image larger than {pad}, got {h}x{w}')
        top, left = np.random.randint(0, 2 * pad + 1, size=2).tolist()
        padded = cv2.copyMakeBorder(img, pad, pad, pad, pad,
                                    self.BORDERS[self.padding_mode],
                                    value=0)
        if padded.ndim < img.ndim:  # OpenCV drops a single channel axis
            padded = padded[..., None]
        results['img'] = np.ascontiguousarray(
            padded[top:top + h, left:left + w])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(padding={self.padding}, '
                f'padding_mode={self.padding_mode!r})')
