# Copyright (c) mmssl contributors. All rights reserved.
import os
import os.path as osp
from typing import List

from mmssl.registry import DATASETS

from .base_cls_dataset import BaseClsDataset

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif',
                  '.tiff', '.webp')

LAYOUT = ('expected layout: <data_root>/<class_name>/<image>.{jpg,png,...}, '
          'one sub-folder per class')


@DATASETS.register_module()
class ImageFolderDataset(BaseClsDataset):
    """Images in one sub-folder per class (torchvision's ImageFolder layout).

    Classes are the sub-folder names in sorted order unless ``classes`` is
    given. Images are read by the pipeline (``LoadImageFromFile``).

    Args:
        data_root (str): The folder holding one sub-folder per class.
        extensions (tuple[str]): File suffixes taken as images.
        **kwargs: Passed to :class:`BaseClsDataset`.
    """

    def __init__(self,
                 data_root: str,
                 extensions: tuple = IMG_EXTENSIONS,
                 **kwargs):
        self.extensions = tuple(e.lower() for e in extensions)
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
        return data_list
