# Copyright (c) mmssl contributors. All rights reserved.
import json

import numpy as np
import pytest

from mmssl.datasets import (
    DigitsDataset,
    OpenSetTestDataset,
    SemiDataset,
    SemiSplitDataset,
    load_split,
    make_openset_split,
    make_ssl_split,
    save_split,
)

LABELS = np.repeat(np.arange(5), 20)  # 5 classes x 20 samples


def test_ssl_split_same_seed_same_split():
    a = make_ssl_split(LABELS, 3, seed=7)
    b = make_ssl_split(LABELS, 3, seed=7)
    c = make_ssl_split(LABELS, 3, seed=8)
    assert a['labeled'] == b['labeled']
    assert a['labeled'] != c['labeled']


def test_ssl_split_partition_and_counts():
    split = make_ssl_split(LABELS, 3, seed=0)
    lab, unlab = set(split['labeled']), set(split['unlabeled'])
    assert not lab & unlab, 'a labeled sample is also unlabeled'
    assert lab | unlab == set(range(len(LABELS)))
    counts = np.bincount(LABELS[sorted(lab)], minlength=5)
    assert counts.tolist() == [3] * 5


def test_ssl_split_too_many_labels():
    with pytest.raises(ValueError, match='fewer than'):
        make_ssl_split(LABELS, 21, seed=0)


def test_openset_split_has_no_unseen_labeled():
    split = make_openset_split(LABELS, seen_classes=[0, 2], seed=0,
                               num_labels_per_class=4, unseen_ratio=0.5)
    labeled = LABELS[split['labeled']]
    assert set(labeled.tolist()) == {0, 2}
    assert np.bincount(labeled).tolist()[0] == 4
    unlabeled = LABELS[split['unlabeled']]
    unseen = np.isin(unlabeled, [1, 3, 4])
    # 32 seen unlabeled samples, unseen share 0.5 -> 32 unseen samples.
    assert (~unseen).sum() == 32 and unseen.sum() == 32
    assert not set(split['labeled']) & set(split['unlabeled'])


def test_openset_split_keeps_all_unseen_by_default():
    split = make_openset_split(LABELS, [1], 2, seed=3)
    unlabeled = LABELS[split['unlabeled']]
    assert (unlabeled != 1).sum() == 80 and (unlabeled == 1).sum() == 18


def test_split_file_roundtrip_and_wrong_dataset(tmp_path):
    split = make_ssl_split(LABELS, 2, seed=1)
    path = save_split(split, str(tmp_path / 'a' / 'split.json'))
    assert load_split(path, LABELS) == split
    with pytest.raises(ValueError, match='another dataset'):
        load_split(path, LABELS[::-1])
    (tmp_path / 'bad.json').write_text('{not json')
    with pytest.raises(ValueError, match='not valid JSON'):
        load_split(str(tmp_path / 'bad.json'))
    with pytest.raises(FileNotFoundError):
        load_split(str(tmp_path / 'missing.json'))


def test_semi_dataset_on_digits_and_split_file(tmp_path):
    train = DigitsDataset(split='train', seed=0)
    ds = SemiDataset(train, num_labels_per_class=4, seed=0)
    assert len(ds.labeled) == 40
    assert len(ds.labeled) + len(ds.unlabeled) == len(train)
    assert ds.cumulative_sizes == [40, len(train)]
    assert 'gt_label' not in ds.unlabeled[0]
    labels = [ds.labeled[i]['gt_label'] for i in range(40)]
    assert np.bincount(labels).tolist() == [4] * 10
    usb = SemiDataset(train, num_labels_per_class=4, seed=0,
                      include_labeled_in_unlabeled=True)
    assert len(usb.unlabeled) == len(train)
    assert usb.split['labeled'] == ds.split['labeled']
    path = save_split(ds.split, str(tmp_path / 'split.json'))
    again = SemiSplitDataset(train, 'labeled', split_file=path, seed=123)
    assert again.indices == ds.labeled.indices
    assert json.load(open(path))['labeled'] == ds.split['labeled']


def test_openset_datasets_remap_labels():
    train = DigitsDataset(split='train', seed=0)
    seen = [3, 5, 7]
    lab = SemiSplitDataset(train, 'labeled', num_labels_per_class=2,
                           seed=0, seen_classes=seen)
    assert sorted({lab[i]['gt_label'] for i in range(len(lab))}) == [0, 1, 2]
    assert lab.metainfo['classes'] == ('3', '5', '7')
    test = OpenSetTestDataset(DigitsDataset(split='test', seed=0), seen)
    labels = np.array([test[i]['gt_label'] for i in range(len(test))])
    orig = test.dataset.get_gt_labels()
    assert (labels[orig == 5] == 1).all()
    assert (labels[~np.isin(orig, seen)] == 3).all()
    assert test.metainfo['classes'][-1] == 'unseen'
