# Copyright (c) mmssl contributors. All rights reserved.
"""CUB-layout and VOC-XML localization datasets, the synthetic CUB writer,
and clear errors for bad files."""
import hashlib
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.dataset import Compose

from mmssl.datasets import CUBDataset, VOCBoxClsDataset
from mmssl.datasets.synthetic import make_synthetic_cub

TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(64, 64), keep_ratio=False),
    dict(type='CenterCrop', crop_size=56),
    dict(type='PackClsInputs'),
]


@pytest.fixture(scope='module')
def cub(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('cub') / 'CUB_200_2011')
    return make_synthetic_cub(root, num_classes=3, train_per_class=2,
                              test_per_class=1, seed=1)


def _digest(root):
    h = hashlib.sha1()
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            with open(osp.join(dirpath, f), 'rb') as fh:
                h.update(f.encode() + fh.read())
    return h.hexdigest()


def test_synthetic_cub_layout_and_determinism(cub, tmp_path):
    for name in ('images.txt', 'image_class_labels.txt',
                 'train_test_split.txt', 'bounding_boxes.txt', 'classes.txt',
                 'README.txt'):
        assert osp.isfile(osp.join(cub, name))
    lines = open(osp.join(cub, 'images.txt')).read().split('\n')
    assert lines[0] == '1 001.Red_disc/Red_disc_0000.jpg'
    assert 'synthetic' in open(osp.join(cub, 'README.txt')).read()
    again = make_synthetic_cub(str(tmp_path / 'again'), num_classes=3,
                               train_per_class=2, test_per_class=1, seed=1)
    assert _digest(cub) == _digest(again)


def test_cub_dataset_splits_labels_and_boxes(cub):
    train = CUBDataset(cub, split='train')
    test = CUBDataset(cub, split='test')
    assert len(train) == 6 and len(test) == 3
    assert train.metainfo['classes'] == ('001.Red_disc', '002.Green_square',
                                         '003.Blue_triangle')
    assert sorted(test.get_gt_labels().tolist()) == [0, 1, 2]
    info = test.get_data_info(0)
    x, y, w, h = (float(v) for v in open(osp.join(
        cub, 'bounding_boxes.txt')).read().split('\n')[2].split()[1:])
    np.testing.assert_allclose(info['gt_bboxes'], [[x, y, x + w, y + h]])
    # boxes follow the resize and the centre crop into the packed sample
    out = Compose(TEST_PIPELINE)(dict(info))
    img = cv2.imread(info['img_path'])
    sx, sy = 64 / img.shape[1], 64 / img.shape[0]
    expected = np.array([x * sx, y * sy, (x + w) * sx, (y + h) * sy]) - 4
    np.testing.assert_allclose(out['data_samples'].gt_bboxes[0].numpy(),
                               np.clip(expected, 0, 56), atol=1e-3)
    assert tuple(out['inputs'].shape) == (3, 56, 56)


def _copy_cub(src, dst):
    import shutil
    shutil.copytree(src, dst)
    return str(dst)


def test_corrupt_image_error_names_the_file(cub, tmp_path):
    root = _copy_cub(cub, tmp_path / 'c')
    ds = CUBDataset(root, split='test', pipeline=TEST_PIPELINE)
    path = ds.get_data_info(1)['img_path']
    with open(path, 'wb') as f:
        f.write(b'\xff\xd8 not a jpeg')
    with pytest.raises(ValueError, match=osp.basename(path)):
        ds[1]


def test_box_outside_the_image_error_names_the_file(cub, tmp_path):
    root = _copy_cub(cub, tmp_path / 'b')
    path = osp.join(root, 'bounding_boxes.txt')
    lines = open(path).read().split('\n')
    lines[0] = '1 10.0 10.0 5000.0 20.0'
    open(path, 'w').write('\n'.join(lines))
    ds = CUBDataset(root, split='train', with_bbox=True,
                    pipeline=TEST_PIPELINE)
    with pytest.raises(ValueError, match='Red_disc_0000.jpg.*outside'):
        ds[0]
    # the training split carries no boxes by default: nothing to check
    assert 'gt_bboxes' not in CUBDataset(root, split='train').get_data_info(0)


def test_missing_or_malformed_metadata(cub, tmp_path):
    with pytest.raises(FileNotFoundError, match='CUB-200-2011 release'):
        CUBDataset(str(tmp_path / 'nowhere'))
    root = _copy_cub(cub, tmp_path / 'm')
    os.remove(osp.join(root, 'train_test_split.txt'))
    with pytest.raises(FileNotFoundError, match='train_test_split.txt'):
        CUBDataset(root)
    root = _copy_cub(cub, tmp_path / 'n')
    with open(osp.join(root, 'bounding_boxes.txt'), 'a') as f:
        f.write('7 1.0 2.0\n')
    with pytest.raises(ValueError, match='bounding_boxes.txt, line 10'):
        CUBDataset(root)


def _voc_xml(path, filename, objects):
    objs = ''.join(
        f'<object><name>{n}</name><bndbox><xmin>{b[0]}</xmin>'
        f'<ymin>{b[1]}</ymin><xmax>{b[2]}</xmax><ymax>{b[3]}</ymax>'
        '</bndbox></object>' for n, b in objects)
    with open(path, 'w') as f:
        f.write(f'<annotation><filename>{filename}</filename>{objs}'
                '</annotation>')


def test_voc_xml_validation_set(tmp_path):
    img_dir = tmp_path / 'Data' / 'CLS-LOC' / 'val'
    ann_dir = tmp_path / 'Annotations' / 'CLS-LOC' / 'val'
    img_dir.mkdir(parents=True)
    ann_dir.mkdir(parents=True)
    img = np.zeros((40, 50, 3), np.uint8)
    for i, (wnid, boxes) in enumerate([
            ('n02', [(1, 2, 20, 30), (25, 5, 45, 35)]),
            ('n01', [(0, 0, 49, 39)])]):
        stem = f'ILSVRC2012_val_{i:08d}'
        cv2.imwrite(str(img_dir / f'{stem}.JPEG'), img)
        _voc_xml(ann_dir / f'{stem}.xml', stem, [(wnid, b) for b in boxes])
    (tmp_path / 'LOC_synset_mapping.txt').write_text(
        'n01 tench\nn02 goldfish\nn03 shark\n')
    ds = VOCBoxClsDataset(str(tmp_path),
                          classes_file='LOC_synset_mapping.txt',
                          pipeline=TEST_PIPELINE)
    assert ds.metainfo['classes'] == ('n01', 'n02', 'n03')
    assert ds.get_gt_labels().tolist() == [1, 0]
    np.testing.assert_allclose(ds.get_data_info(0)['gt_bboxes'],
                               [[1, 2, 20, 30], [25, 5, 45, 35]])
    assert ds[0]['data_samples'].gt_bboxes.shape == (2, 4)
    # without a classes file: the sorted classes found in the XML files
    assert VOCBoxClsDataset(str(tmp_path)).metainfo['classes'] == ('n01',
                                                                   'n02')
    (ann_dir / 'ILSVRC2012_val_00000001.xml').write_text('<annotation>')
    with pytest.raises(ValueError, match='ILSVRC2012_val_00000001.xml'):
        VOCBoxClsDataset(str(tmp_path))
