# Copyright (c) mmssl contributors. All rights reserved.
"""BUSI for TSDDNet: boxes per connected mask region, the folder one level
up, the protocol written by tools/data/busi_to_coco.py (stratified folds,
saved partial-box splits, normal images left out), and real BUSI images
when the data set is at hand."""
import json
import os.path as osp
import shutil

import numpy as np
import pytest
from PIL import Image

from mmssl.datasets.bus import BUSDataset, BUSIDataset, mask_to_boxes
from mmssl.utils import register_all_modules
from tests.helpers.cifar import shared_dataset
from tests.helpers.runner_utils import load_script

register_all_modules()
def _tool():
    return load_script('tools/data/busi_to_coco.py')


def _write(root, folder, name, masks, h=30, w=40):
    (root / folder).mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((h, w), 80, np.uint8)).save(
        root / folder / f'{name}.png')
    for suffix, m in masks.items():
        Image.fromarray(m.astype(np.uint8) * 255).save(
            root / folder / f'{name}{suffix}.png')


def _mask(*boxes, h=30, w=40):
    m = np.zeros((h, w), bool)
    for x0, y0, x1, y1 in boxes:
        m[y0:y1, x0:x1] = True
    return m


def test_one_box_per_connected_region(tmp_path):
    # two lesions in one mask file, a 2-pixel speck, a second mask file
    _write(tmp_path, 'benign', 'benign (1)', {
        '_mask': _mask((8, 5, 20, 10), (30, 20, 35, 25), (0, 28, 2, 29)),
        '_mask_1': _mask((2, 12, 6, 18))})
    path = str(tmp_path / 'benign' / 'benign (1)_mask.png')
    assert mask_to_boxes(path) == [[8., 5., 20., 10.], [30., 20., 35., 25.],
                                   [0., 28., 2., 29.]]
    # diagonal neighbours are one region (8-connectivity)
    _write(tmp_path, 'malignant', 'malignant (1)',
           {'_mask': _mask((0, 0, 4, 4), (4, 4, 8, 8))})
    assert mask_to_boxes(str(tmp_path / 'malignant' /
                             'malignant (1)_mask.png')) == [[0., 0., 8., 8.]]
    ds = BUSIDataset(data_root=str(tmp_path), pipeline=[])
    assert [i['bbox'] for i in ds.get_data_info(0)['instances']] == [
        [8., 5., 20., 10.], [30., 20., 35., 25.], [2., 12., 6., 18.]]
    assert ds.get_data_info(0)['entry']['num_masks'] == 2
    every = BUSIDataset(data_root=str(tmp_path), min_region_area=1,
                        pipeline=[])
    assert len(every.get_data_info(0)['instances']) == 4


def test_folder_one_level_up(tmp_path):
    busi = tmp_path / 'Dataset_BUSI_with_GT'
    _write(busi, 'benign', 'benign (1)', {'_mask': _mask((8, 5, 20, 10))})
    ds = BUSIDataset(data_root=str(tmp_path), pipeline=[])
    info = ds.get_data_info(0)
    assert info['file_name'] == 'Dataset_BUSI_with_GT/benign/benign (1).png'
    assert osp.isfile(info['img_path'])
    with pytest.raises(FileNotFoundError, match='Dataset_BUSI_with_GT'):
        BUSIDataset(data_root=str(tmp_path / 'nothing'), pipeline=[])


def _small_busi(root, per_class=(10, 5, 4)):
    for diagnosis, n in zip(('benign', 'malignant', 'normal'), per_class):
        for i in range(n):
            box = () if diagnosis == 'normal' else ((2 + i, 3, 20, 15), )
            _write(root, diagnosis, f'{diagnosis} ({i + 1})',
                   {'_mask': _mask(*box)})
    return root


def test_protocol_folds_partial_boxes_normal(tmp_path):
    busi = _small_busi(tmp_path / 'busi' / 'Dataset_BUSI_with_GT')
    out = tmp_path / 'coco'
    tool = _tool()
    tool.main([str(busi.parent), '--out-dir', str(out), '--folds', '2',
               '--box-fraction', '0.4', '--box-seeds', '0', '1'])
    split = json.loads((out / 'split.json').read_text())
    assert split['folds'] == 2 and len(split['images']) == 19
    # stratified: each diagnosis split evenly between the folds
    for diagnosis, n in (('benign', 10), ('malignant', 5), ('normal', 4)):
        folds = [im['fold'] for im in split['images']
                 if im['diagnosis'] == diagnosis]
        assert sorted(np.bincount(folds)) == [n // 2, n - n // 2]
    train = json.loads((out / 'fold0_train.json').read_text())
    test = json.loads((out / 'fold0_test.json').read_text())
    # normal images are in the folds, not in the benign/malignant jsons
    assert len(train['images']) + len(test['images']) == 15
    assert {im['diagnosis'] for im in train['images']} == {'benign',
                                                           'malignant'}
    assert len(test['annotations']) == len(test['images'])
    # 40 % of each diagnosis' training lesion images keep their box
    box_split = out / 'fold0_train_box40_seed0.json'
    saved = json.loads(box_split.read_text())
    assert saved['strata'] == {'benign': [5, 2], 'malignant': [2, 1]}
    ds = BUSDataset(ann_file=str(out / 'fold0_train.json'),
                    data_prefix=dict(img=str(busi.parent)),
                    split_file=str(box_split), pipeline=[])
    assert sum(ds.get_data_info(i)['has_box'] for i in range(len(ds))) == 3
    other = json.loads((out / 'fold0_train_box40_seed1.json').read_text())
    assert other['names_checksum'] == saved['names_checksum']
    # --split reuses the folds; the draw itself is seeded
    tool.main([str(busi.parent), '--out-dir', str(tmp_path / 'again'),
               '--split', str(out / 'split.json'), '--box-fraction', '0.4',
               '--box-seeds', '0'])
    for name in ('fold1_test.json', 'fold0_train_box40_seed0.json'):
        assert (tmp_path / 'again' / name).read_text() == \
            (out / name).read_text()
    shutil.rmtree(busi / 'normal')
    with pytest.raises(ValueError, match='other images'):
        tool.main([str(busi), '--out-dir', str(tmp_path / 'x'),
                   '--split', str(out / 'split.json')])


# real BUSI: two single-mask images, two with two mask files, one whose
# mask has a speck (a stray pixel) beside the lesion, one normal image
REAL = [('benign', 'benign (1)'), ('benign', 'benign (4)'),
        ('benign', 'benign (98)'), ('malignant', 'malignant (1)'),
        ('malignant', 'malignant (53)'), ('normal', 'normal (1)')]


def test_real_busi_images(tmp_path):
    root = shared_dataset('busi')  # data/busi, or the shared copy
    sub = 'Dataset_BUSI_with_GT' if osp.isdir(
        osp.join(root, 'Dataset_BUSI_with_GT')) else ''
    busi = tmp_path / 'busi'
    for folder, stem in REAL:
        src = osp.join(root, sub, folder)
        (busi / folder).mkdir(parents=True, exist_ok=True)
        for suffix in ('', '_mask', '_mask_1'):
            if osp.isfile(osp.join(src, f'{stem}{suffix}.png')):
                shutil.copy(osp.join(src, f'{stem}{suffix}.png'),
                            busi / folder)
    out = tmp_path / 'coco'
    _tool().main([str(busi), '--out-dir', str(out), '--folds', '2',
                  '--box-seeds', '0', '--box-fraction', '0.6'])
    split = json.loads((out / 'split.json').read_text())
    masks = {im['file_name']: (im['masks'], im['boxes'])
             for im in split['images']}
    assert masks['benign/benign (4).png'] == (2, 2)
    assert masks['benign/benign (98).png'] == (2, 2)  # specks dropped
    assert masks['malignant/malignant (53).png'] == (2, 2)
    assert masks['normal/normal (1).png'] == (1, 0)
    # the speck of benign (98)_mask.png gives no box and no longer
    # stretches the lesion's box
    speck = osp.join(busi, 'benign', 'benign (98)_mask.png')
    assert len(mask_to_boxes(speck)) == 2
    assert len(mask_to_boxes(speck, min_region_area=16)) == 1
    from mmssl.registry import DATASETS
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='mmdet.LoadAnnotations', with_bbox=True),
                dict(type='mmdet.Resize', scale=(320, 256), keep_ratio=True),
                dict(type='mmdet.PackDetInputs',
                     meta_keys=('img_id', 'img_path', 'img_shape',
                                'img_label', 'has_box'))]
    seen = 0
    for part in ('train', 'test'):
        ds = DATASETS.build(dict(
            type='BUSDataset', ann_file=str(out / f'fold0_{part}.json'),
            data_prefix=dict(img=str(busi)), pipeline=pipeline,
            test_mode=part == 'test'))
        for i in range(len(ds)):
            sample = ds[i]
            img = sample['inputs']
            assert img.shape[0] == 3 and max(img.shape[1:]) <= 320
            assert sample['data_samples'].img_label in (0, 1)
            seen += 1
    assert seen == 5  # the normal image is left out


def test_real_busi_counts():
    root = shared_dataset('busi')
    ds = BUSIDataset(data_root=root, diagnoses=('benign', 'malignant',
                                                'normal'),
                     pipeline=[], test_mode=True)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert len(infos) == 780
    lesion = [d for d in infos if d['instances']]
    assert len(lesion) == 647 and {d['diagnosis'] for d in lesion} == {
        'benign', 'malignant'}
    assert sum(len(d['instances']) for d in infos) == 665
    assert sum(d['entry']['num_masks'] >= 2 for d in infos) == 17
