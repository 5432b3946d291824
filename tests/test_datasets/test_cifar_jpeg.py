# Copyright (c) mmssl contributors. All rights reserved.
"""CIFAR-10 as JPEG folders: the generated tiny copy (always) and the real
JPEG copy (skipped, saying why, when it is not at hand)."""
import numpy as np
import pytest

from mmssl.datasets import CIFAR10JPEGDataset, ImageFolderDataset
from mmssl.datasets.image_folder import CIFAR10_CLASSES
from tests.helpers.cifar import shared_dataset, write_cifar10_jpeg


def test_cifar10_jpeg_layout_labels_and_memory(tmp_path):
    write_cifar10_jpeg(tmp_path, train_per_class=3, test_per_class=2)
    ds = CIFAR10JPEGDataset(str(tmp_path), 'train',
                            pipeline=[dict(type='PackClsInputs')])
    assert ds.classes == CIFAR10_CLASSES and len(ds) == 30
    # official label order (airplane 0 ... truck 9), images in memory
    assert list(ds.get_gt_labels()) == [c for c in range(10)
                                        for _ in range(3)]
    info = ds.get_data_info(7)
    assert info['img'].shape == (32, 32, 3) and info['source_idx'] == 7
    # the mean colour written for class 2, image 1 survives the JPEG
    assert abs(float(info['img'].mean()) - 41) < 3
    assert ds[7]['inputs'].shape == (3, 32, 32)
    test = CIFAR10JPEGDataset(str(tmp_path), 'test')
    assert len(test) == 20


def test_cifar10_jpeg_errors_name_layout_and_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='expected layout.*airplane'):
        CIFAR10JPEGDataset(str(tmp_path / 'missing'))
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        CIFAR10JPEGDataset(str(tmp_path), 'val')
    write_cifar10_jpeg(tmp_path, train_per_class=1, test_per_class=1)
    bad = tmp_path / 'train' / 'dog' / '0000.jpg'
    bad.write_bytes(b'\xff\xd8\xff not a jpeg')
    with pytest.raises(ValueError, match='0000.jpg'):
        CIFAR10JPEGDataset(str(tmp_path), 'train')
    # lazily read folders only fail when the image is loaded
    lazy = ImageFolderDataset(str(tmp_path / 'train'))
    assert len(lazy) == 10


def test_real_cifar10_jpeg_copy():
    root = shared_dataset('cifar10-jpg')
    test = CIFAR10JPEGDataset(root, 'test')
    labels = test.get_gt_labels()
    assert len(test) == 10000
    assert np.bincount(labels).tolist() == [1000] * 10
    img = test.get_data_info(0)['img']
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8
