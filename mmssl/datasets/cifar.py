# Copyright (c) mmssl contributors. All rights reserved.
"""CIFAR-10 and CIFAR-100 read from the official python-pickle archives.

The archives of https://www.cs.toronto.edu/~kriz/cifar.html are Python 2
pickles. Plain :func:`pickle.load` would run any code a tampered file asks
for, so they are read with :class:`CIFARUnpickler`, which only rebuilds
NumPy arrays (the only objects besides dicts, lists, ints and byte strings
in these files) and refuses every other global with a one-line error.
"""
import codecs
import os.path as osp
import pickle
from typing import Any, Dict, List, Tuple

import numpy as np

from mmssl.registry import DATASETS

from .base_cls_dataset import BaseClsDataset

CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/cifar.html'


def _latin1_encode(obj: str, encoding: str = 'latin1') -> bytes:
    """``codecs.encode`` for the only use protocol-2 pickles make of it:
    Python 3 writes ``bytes`` as ``_codecs.encode(text, 'latin1')``."""
    if codecs.lookup(encoding).name != 'iso8859-1' or \
            not isinstance(obj, str):
        raise pickle.UnpicklingError(
            f'codecs.encode({type(obj).__name__}, {encoding!r}) is not '
            'allowed in a CIFAR pickle')
    return codecs.encode(obj, 'latin1')


def _allowed_globals() -> Dict[Tuple[str, str], Any]:
    try:  # NumPy >= 2
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # pragma: no cover - NumPy 1.x
        from numpy.core.multiarray import _reconstruct
    reconstruct_modules = ('numpy.core.multiarray', 'numpy._core.multiarray')
    allowed = {(m, '_reconstruct'): _reconstruct
               for m in reconstruct_modules}
    allowed[('numpy', 'ndarray')] = np.ndarray
    allowed[('numpy', 'dtype')] = np.dtype
    allowed[('_codecs', 'encode')] = _latin1_encode
    allowed[('codecs', 'encode')] = _latin1_encode
    return allowed


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle asked for a global outside the CIFAR allow-list."""


class CIFARUnpickler(pickle.Unpickler):
    """Unpickler that rebuilds only NumPy arrays (and bytes).

    ``find_class`` resolves ``numpy.ndarray``, ``numpy.dtype``,
    ``numpy[._]core.multiarray._reconstruct`` and a latin-1-only
    ``codecs.encode``; anything else (``os.system``, ``builtins.eval``,
    ...) raises :class:`UnsafePickleError` before it can run.
    """

    def __init__(self, file, **kwargs):
        super().__init__(file, **kwargs)
        self._allowed = _allowed_globals()

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f'global {module}.{name} is not allowed in a CIFAR pickle '
                '(only NumPy arrays are), so it was refused and nothing ran'
            ) from None


def load_cifar_pickle(path: str) -> dict:
    """Load one file of the CIFAR python archives safely.

    Args:
        path (str): The pickle file (``data_batch_1``, ``meta`` ...).

    Returns:
        dict: Its content, with ``bytes`` keys (``encoding='bytes'``).

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        UnsafePickleError: If the file needs a global that is not allowed.
        ValueError: If the file is truncated, corrupt or not a dict.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'CIFAR file not found: {path}')
    try:
        with open(path, 'rb') as f:
            obj = CIFARUnpickler(f, encoding='bytes').load()
    except UnsafePickleError as e:
        raise UnsafePickleError(f'refused to load {path}: {e}') from None
    except Exception as e:  # EOFError, UnpicklingError, ValueError ...
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ValueError(
            f'CIFAR file {path} is truncated or corrupt and cannot be read '
            f'({msg}); download it again from {CIFAR_URL}') from None
    if not isinstance(obj, dict):
        raise ValueError(f'CIFAR file {path} holds a {type(obj).__name__}, '
                         'not a dict; is it a CIFAR python-version file?')
    return obj


def _get(obj: dict, key: bytes, path: str) -> Any:
    if key in obj:
        return obj[key]
    str_key = key.decode()
    if str_key in obj:
        return obj[str_key]
    raise ValueError(f'CIFAR file {path} has no {str_key!r} entry; is it '
                     'a CIFAR python-version file?')


class _CIFARDataset(BaseClsDataset):
    """Shared loader of :class:`CIFAR10Dataset` and :class:`CIFAR100Dataset`.

    Subclasses set the archive folder name, the file names of each split,
    the label key and the meta file / class-name key.
    """
    BASE_FOLDER: str = ''
    SPLIT_FILES: Dict[str, Tuple[str, ...]] = {}
    META_FILE: str = ''
    LABEL_KEY: bytes = b''
    CLASSES_KEY: bytes = b''
    NAME: str = ''

    def __init__(self, data_root: str, split: str = 'train', **kwargs):
        if split not in self.SPLIT_FILES:
            raise ValueError(
                f"{type(self).__name__} split must be 'train' or 'test', "
                f'got {split!r}')
        self.split = split
        super().__init__(data_root=data_root, **kwargs)

    @classmethod
    def _layout(cls) -> str:
        files = sorted({f for fs in cls.SPLIT_FILES.values() for f in fs}
                       | {cls.META_FILE})
        return (f'expected layout: <data_root>/{cls.BASE_FOLDER}/'
                f'{{{",".join(files)}}} (the "{cls.NAME} python version" '
                f'archive from {CIFAR_URL}, extracted)')

    def _folder(self) -> str:
        root = self.data_root
        folder = osp.join(root, self.BASE_FOLDER)
        if not osp.isdir(folder):  # data_root is the archive folder itself
            folder = root
        needed = self.SPLIT_FILES[self.split] + (self.META_FILE, )
        missing = [f for f in needed if not osp.isfile(osp.join(folder, f))]
        if missing:
            raise FileNotFoundError(
                f'{self.NAME} not found at {root!r} (missing '
                f'{", ".join(missing)} in {folder!r}); {self._layout()}')
        return folder

    def load_data_list(self) -> List[dict]:
        folder = self._folder()
        images, labels = [], []
        for fname in self.SPLIT_FILES[self.split]:
            path = osp.join(folder, fname)
            batch = load_cifar_pickle(path)
            data = np.asarray(_get(batch, b'data', path))
            label = np.asarray(_get(batch, self.LABEL_KEY, path))
            if data.dtype != np.uint8 or data.ndim != 2 or \
                    data.shape[1] != 3 * 32 * 32 or \
                    label.shape != (len(data), ):
                raise ValueError(
                    f'CIFAR file {path} has data {data.dtype}{data.shape} '
                    f'and {label.shape[0] if label.ndim else 0} labels; '
                    f'expected uint8 (N, 3072) and N labels')
            images.append(data)
            labels.append(label.astype(np.int64))
        # (N, 3072) rows are R, G, B planes of 32x32 -> (N, 32, 32, 3) RGB
        images = np.ascontiguousarray(
            np.concatenate(images).reshape(-1, 3, 32, 32).transpose(
                0, 2, 3, 1))
        labels = np.concatenate(labels)

        if not self.classes:
            meta_path = osp.join(folder, self.META_FILE)
            names = _get(load_cifar_pickle(meta_path), self.CLASSES_KEY,
                         meta_path)
            self._metainfo['classes'] = tuple(
                n.decode() if isinstance(n, bytes) else str(n)
                for n in names)
        num_classes = len(self.classes)
        if len(labels) and (labels.min() < 0 or
                            labels.max() >= num_classes):
            raise ValueError(
                f'{self.NAME} labels in {folder!r} range over '
                f'{labels.min()}..{labels.max()}, but there are '
                f'{num_classes} classes')
        return [
            dict(img=images[i], gt_label=int(labels[i]), source_idx=i)
            for i in range(len(labels))
        ]


@DATASETS.register_module()
class CIFAR10Dataset(_CIFARDataset):
    """CIFAR-10 (50,000 train / 10,000 test 32x32 RGB images, 10 classes).

    Reads the official "CIFAR-10 python version" archive extracted under
    ``data_root``: ``cifar-10-batches-py/`` with ``data_batch_1`` ..
    ``data_batch_5``, ``test_batch`` and ``batches.meta``. ``data_root`` may
    also be that folder itself. The pickles are loaded with a restricted
    unpickler (see :class:`CIFARUnpickler`). Images are kept in memory as
    (32, 32, 3) uint8 RGB arrays; class names come from ``batches.meta``.

    Args:
        data_root (str): The folder holding ``cifar-10-batches-py`` (or
            that folder itself).
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Passed to :class:`BaseClsDataset`.
    """
    BASE_FOLDER = 'cifar-10-batches-py'
    SPLIT_FILES = dict(
        train=tuple(f'data_batch_{i}' for i in range(1, 6)),
        test=('test_batch', ))
    META_FILE = 'batches.meta'
    LABEL_KEY = b'labels'
    CLASSES_KEY = b'label_names'
    NAME = 'CIFAR-10'


@DATASETS.register_module()
class CIFAR100Dataset(_CIFARDataset):
    """CIFAR-100 (50,000 train / 10,000 test 32x32 RGB images, 100 fine
    classes).

    Reads the official "CIFAR-100 python version" archive extracted under
    ``data_root``: ``cifar-100-python/`` with ``train``, ``test`` and
    ``meta``. ``data_root`` may also be that folder itself. Labels are the
    fine labels; class names come from ``meta``'s ``fine_label_names``.

    Args:
        data_root (str): The folder holding ``cifar-100-python`` (or that
            folder itself).
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Passed to :class:`BaseClsDataset`.
    """
    BASE_FOLDER = 'cifar-100-python'
    SPLIT_FILES = dict(train=('train', ), test=('test', ))
    META_FILE = 'meta'
    LABEL_KEY = b'fine_labels'
    CLASSES_KEY = b'fine_label_names'
    NAME = 'CIFAR-100'
