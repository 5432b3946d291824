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


def test_wad_split_random_total_and_official_ceil():
    # WAD's setting in small: 2 seen classes of 50, 8 unseen of 50.
    labels = np.repeat(np.arange(10), 50)
    split = make_openset_split(labels, [0, 1], None, seed=3, num_labels=20,
                               unseen_ratio=0.8)
    lab = labels[split['labeled']]
    assert len(lab) == 20 and set(lab.tolist()) <= {0, 1}
    assert split['num_labels'] == 20 and split['num_labels_per_class'] is None
    unl = labels[split['unlabeled']]
    seen_unl = int(np.isin(unl, [0, 1]).sum())
    assert seen_unl == 80
    # ceil(0.8 * 80 / 0.2) in float arithmetic, as the official code
    assert len(unl) - seen_unl == 321
    again = make_openset_split(labels, [0, 1], None, seed=3, num_labels=20,
                               unseen_ratio=0.8)
    assert again['labeled'] == split['labeled']
    with pytest.raises(ValueError, match='num_labels must be in 1..100'):
        make_openset_split(labels, [0, 1], None, seed=0, num_labels=101)
    # mismatch 0: seen images only
    clean = make_openset_split(labels, [0, 1], None, seed=3, num_labels=20,
                               unseen_ratio=0.0)
    assert clean['labeled'] == split['labeled']
    assert set(labels[clean['unlabeled']].tolist()) == {0, 1}


def _usb_files(tmp_path, lb, ulb, name='lb_labels10_1.0_seed0_idx.npy'):
    folder = tmp_path / 'labeled_idx'
    folder.mkdir(exist_ok=True)
    np.save(folder / name, np.asarray(lb))
    if ulb is not None:
        np.save(folder / ('u' + name), np.asarray(ulb))
    return str(folder / name)


def test_usb_labeled_idx_files_read_as_split(tmp_path):
    lb = [c * 20 + 3 for c in range(5)] + [c * 20 + 7 for c in range(5)]
    ulb = sorted(set(range(100)) - set(lb))
    path = _usb_files(tmp_path, lb, ulb)
    split = load_split(path, LABELS)
    assert split['type'] == 'usb' and split['labeled'] == sorted(lb)
    assert split['unlabeled'] == ulb and split['num_labels_per_class'] == 2
    # the ulb_ file given instead of the lb_ one
    assert load_split(path.replace('lb_labels', 'ulb_labels'),
                      LABELS)['labeled'] == sorted(lb)
    ds = SemiDataset(dataset=_FakeLabels(LABELS), split_file=path)
    assert len(ds.labeled) == 10 and len(ds.unlabeled) == 90


class _FakeLabels:
    """A dataset of labels only (what the split code reads)."""
    metainfo = dict(classes=tuple('abcde'))

    def __init__(self, labels):
        self.labels = labels

    def get_gt_labels(self):
        return np.asarray(self.labels)

    def __len__(self):
        return len(self.labels)

    def get_data_info(self, i):
        return dict(img=np.zeros((2, 2, 1), np.uint8),
                    gt_label=int(self.labels[i]))


def test_usb_split_errors(tmp_path):
    path = _usb_files(tmp_path, [0, 200], None)
    with pytest.raises(ValueError, match='training set has 100 samples'):
        load_split(path, LABELS)
    path = _usb_files(tmp_path, [1, 2], [2, 3],
                      name='lb_labels2_1.0_seed1_idx.npy')
    with pytest.raises(ValueError, match='overlap'):
        load_split(path, LABELS)
    obj = tmp_path / 'labeled_idx' / 'lb_labels3_1.0_seed2_idx.npy'
    np.save(obj, np.array([{'evil': 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match='cannot read USB split file'):
        load_split(str(obj), LABELS)
    with pytest.raises(FileNotFoundError, match='lb_labels'):
        load_split(str(tmp_path / 'lb_labels9_1.0_seed0_idx.npy'))
    # without the ulb file every other sample is unlabeled
    only = _usb_files(tmp_path, [0, 20], None,
                      name='lb_labels4_1.0_seed4_idx.npy')
    assert len(load_split(only, LABELS)['unlabeled']) == 98


def test_split_file_with_seen_classes_is_checked(tmp_path):
    path = _usb_files(tmp_path, [0, 20], None)  # classes 0 and 1
    ok = SemiSplitDataset(_FakeLabels(LABELS), 'labeled', split_file=path,
                          seen_classes=[0, 1, 2])
    assert ok.label_map == {0: 0, 1: 1, 2: 2}
    with pytest.raises(ValueError, match='not in seen_classes'):
        SemiSplitDataset(_FakeLabels(LABELS), 'labeled', split_file=path,
                         seen_classes=[1, 2])


def test_true_labels_only_when_asked():
    split = make_openset_split(LABELS, [0, 1], 2, seed=0)
    plain = SemiSplitDataset(_FakeLabels(LABELS), 'unlabeled', split=split)
    assert 'true_label' not in plain.get_data_info(0)
    logged = SemiSplitDataset(
        _FakeLabels(LABELS), 'unlabeled', split=split, log_true_labels=True,
        pipeline=[dict(type='PackClsInputs')])
    infos = [logged.get_data_info(i) for i in range(len(logged))]
    assert all('gt_label' not in i for i in infos)
    true = [i['true_label'] for i in infos]
    orig = LABELS[logged.indices]
    assert true == [int(c) if c in (0, 1) else -1 for c in orig]
    sample = logged[0]['data_samples']
    assert 'gt_label' not in sample and sample.true_label == true[0]
