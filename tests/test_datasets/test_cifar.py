# Copyright (c) mmssl contributors. All rights reserved.
import os
import pickle

import numpy as np
import pytest

from mmssl.datasets import CIFAR10Dataset, CIFAR100Dataset, SemiSplitDataset
from mmssl.datasets.cifar import (
    CIFARUnpickler,
    UnsafePickleError,
    load_cifar_pickle,
)
from tests.helpers.cifar import _dump, _images, write_cifar10, write_cifar100


def test_cifar10_train_and_test(tmp_path):
    folder = write_cifar10(tmp_path)
    train = CIFAR10Dataset(data_root=str(tmp_path), split='train')
    assert len(train) == 50
    assert train.classes == tuple(f'class{c}' for c in range(10))
    assert list(train.get_gt_labels()) == list(range(10)) * 5
    info = train.get_data_info(13)  # batch 2, sample 3 (label 3)
    img = info['img']
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8
    assert img[3, 5, 2] == 103 and info['gt_label'] == 3
    assert img[3, 5, 0] == img[0, 0, 2] == 23  # offset 20 + 3
    assert img.flags['C_CONTIGUOUS']
    test = CIFAR10Dataset(data_root=str(folder), split='test',
                          pipeline=[dict(type='PackClsInputs')])
    assert len(test) == 30 and list(test.get_gt_labels()[:4]) == [0, 0, 0, 1]
    item = test[4]
    assert item['inputs'].shape == (3, 32, 32)
    assert int(item['inputs'][2, 3, 5]) == 101
    assert int(item['data_samples'].gt_label) == 1
    with pytest.raises(ValueError, match='split'):
        CIFAR10Dataset(data_root=str(tmp_path), split='val')


def test_cifar100_both_root_forms(tmp_path):
    folder = write_cifar100(tmp_path)
    for root in (tmp_path, folder):
        train = CIFAR100Dataset(data_root=str(root))
        assert len(train) == 200 and len(train.classes) == 100
        assert train.classes[7] == 'fine7'
        assert train.get_gt_labels()[15] == 7
        assert train.get_data_info(15)['img'][3, 5, 2] == 107
    test = CIFAR100Dataset(data_root=str(folder), split='test')
    assert len(test) == 100 and test.get_cat_ids(99) == [99]
    # user-given classes override the meta file
    named = CIFAR100Dataset(data_root=str(folder), split='test',
                            classes=[str(c) for c in range(100)])
    assert named.classes[5] == '5'


def test_missing_files_name_the_layout(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r'expected layout.*data_batch_1.*kriz/cifar'):
        CIFAR10Dataset(data_root=str(tmp_path / 'nothing'))
    with pytest.raises(FileNotFoundError,
                       match=r'cifar-100-python/\{meta,test,train\}'):
        CIFAR100Dataset(data_root=str(tmp_path))
    folder = write_cifar10(tmp_path)
    os.remove(folder / 'data_batch_4')
    with pytest.raises(FileNotFoundError, match='missing data_batch_4 in'):
        CIFAR10Dataset(data_root=str(tmp_path))
    # the test split does not need the training batches
    assert len(CIFAR10Dataset(data_root=str(tmp_path), split='test')) == 30


def test_truncated_or_wrong_file_is_a_value_error(tmp_path):
    folder = write_cifar10(tmp_path)
    raw = (folder / 'data_batch_3').read_bytes()
    (folder / 'data_batch_3').write_bytes(raw[:len(raw) // 2])
    with pytest.raises(ValueError, match='data_batch_3.*truncated'):
        CIFAR10Dataset(data_root=str(tmp_path))
    _dump(folder / 'test_batch', [1, 2, 3])
    with pytest.raises(ValueError, match='test_batch holds a list'):
        CIFAR10Dataset(data_root=str(tmp_path), split='test')
    _dump(folder / 'test_batch', {b'data': np.zeros((2, 3072), np.uint8)})
    with pytest.raises(ValueError, match="test_batch has no 'labels'"):
        CIFAR10Dataset(data_root=str(tmp_path), split='test')


class _Evil:

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


def test_disallowed_global_is_refused(tmp_path):
    folder = write_cifar10(tmp_path)
    marker = tmp_path / 'pwned'
    labels = list(range(10))
    _dump(folder / 'data_batch_2', {
        b'labels': labels, b'data': _images(labels, 0),
        b'x': _Evil(marker)})
    with pytest.raises(UnsafePickleError,
                       match=r'data_batch_2.*system is not allowed'):
        CIFAR10Dataset(data_root=str(tmp_path))
    assert not marker.exists()
    _dump(tmp_path / 'eval.pkl', {b'x': eval})
    with pytest.raises(pickle.UnpicklingError, match="eval is not allowed"):
        load_cifar_pickle(str(tmp_path / 'eval.pkl'))


def test_unpickler_allow_list(tmp_path):
    import io
    up = CIFARUnpickler(io.BytesIO(b''))
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        assert callable(up.find_class(module, '_reconstruct'))
    assert up.find_class('numpy', 'ndarray') is np.ndarray
    encode = up.find_class('_codecs', 'encode')
    assert encode('\xff', 'latin1') == b'\xff'
    with pytest.raises(pickle.UnpicklingError, match='not allowed'):
        encode('x', 'rot13')
    with pytest.raises(UnsafePickleError, match='numpy.load'):
        up.find_class('numpy', 'load')


def test_semi_split_on_cifar10(tmp_path):
    write_cifar10(tmp_path)
    labeled = SemiSplitDataset(
        dataset=dict(type='CIFAR10Dataset', data_root=str(tmp_path)),
        subset='labeled', num_labels_per_class=2, seed=0,
        pipeline=[dict(type='PackClsInputs')])
    assert len(labeled) == 20
    labels = [int(labeled[i]['data_samples'].gt_label)
              for i in range(len(labeled))]
    assert sorted(labels) == sorted(list(range(10)) * 2)
    assert labeled.metainfo['classes'][0] == 'class0'
    unlabeled = SemiSplitDataset(
        dataset=dict(type='CIFAR10Dataset', data_root=str(tmp_path)),
        subset='unlabeled', num_labels_per_class=2, seed=0)
    assert len(unlabeled) == 30
    assert 'gt_label' not in unlabeled.get_data_info(0)
    assert not set(labeled.indices) & set(unlabeled.indices)
