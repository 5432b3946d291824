# Copyright (c) mmssl contributors. All rights reserved.
"""Tiny CIFAR-10/100 in the official python-pickle layout, written by the
tests themselves."""
import pickle

import numpy as np


def _images(labels, offset):
    """Rows of (N, 3072): R, G, B planes, every pixel ``(offset + i) % 100``
    but a marker ``100 + label`` at channel 2 (B), row 3, column 5."""
    data = np.zeros((len(labels), 3072), np.uint8)
    for i, label in enumerate(labels):
        data[i] = (offset + i) % 100
        data[i, 2 * 1024 + 3 * 32 + 5] = 100 + label
    return data


def _dump(path, obj, legacy_numpy_name=False):
    raw = pickle.dumps(obj, protocol=2)
    if legacy_numpy_name:  # as in the original (Python 2, NumPy 1) files
        raw = raw.replace(b'numpy._core.multiarray', b'numpy.core.multiarray')
    path.write_bytes(raw)


def write_cifar10(root, per_class=1, num_classes=10, test_per_class=3):
    folder = root / 'cifar-10-batches-py'
    folder.mkdir(parents=True)
    for b in range(1, 6):
        labels = [c for c in range(num_classes) for _ in range(per_class)]
        _dump(folder / f'data_batch_{b}', {
            b'batch_label': f'training batch {b} of 5'.encode(),
            b'labels': labels,
            b'data': _images(labels, offset=10 * b),
            b'filenames': [b'x.png'] * len(labels)
        }, legacy_numpy_name=(b == 1))
    test_labels = [c for c in range(num_classes)
                   for _ in range(test_per_class)]
    _dump(folder / 'test_batch', {
        b'batch_label': b'testing batch 1 of 1', b'labels': test_labels,
        b'data': _images(test_labels, offset=0)})
    _dump(folder / 'batches.meta', {
        b'num_cases_per_batch': 10000,
        b'label_names': [f'class{c}'.encode() for c in range(num_classes)],
        b'num_vis': 3072})
    return folder


def write_cifar100(root, num_classes=100, per_class=2, test_per_class=1):
    folder = root / 'cifar-100-python'
    folder.mkdir(parents=True)
    for split, n in (('train', per_class), ('test', test_per_class)):
        labels = [c for c in range(num_classes) for _ in range(n)]
        _dump(folder / split, {
            b'filenames': [b'x.png'] * len(labels),
            b'batch_label': split.encode(),
            b'fine_labels': labels,
            b'coarse_labels': [c // 5 for c in labels],
            b'data': _images(labels, offset=1)})
    _dump(folder / 'meta', {
        b'fine_label_names': [f'fine{c}'.encode()
                              for c in range(num_classes)],
        b'coarse_label_names': [f'coarse{c}'.encode() for c in range(20)]})
    return folder


CIFAR10_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                 'frog', 'horse', 'ship', 'truck')


def write_cifar10_jpeg(root, train_per_class=6, test_per_class=3):
    """A tiny CIFAR-10 in the JPEG-folder layout
    ``root/{train,test}/<class>/NNNN.jpg`` (32x32 images whose mean colour
    encodes the class)."""
    import cv2
    for split, n in (('train', train_per_class), ('test', test_per_class)):
        for c, name in enumerate(CIFAR10_NAMES):
            folder = root / split / name
            folder.mkdir(parents=True)
            for i in range(n):
                img = np.full((32, 32, 3), 20 * c + i, np.uint8)
                cv2.imwrite(str(folder / f'{i:04d}.jpg'), img)
    return root


def shared_dataset(name: str):
    """A real dataset for tests: ``data/<name>`` in the repository (as a
    user links it; CI may instead provide a copy in a data folder beside
    the checkout); skips the test, saying so, when neither exists."""
    import os.path as osp

    import pytest
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    for path in (osp.join(root, 'data', name),
                 osp.join(osp.dirname(root), 'shared', 'data', name)):
        if osp.isdir(path):
            return path
    pytest.skip(f'real dataset {name!r} not found: link it at '
                f'data/{name}')
