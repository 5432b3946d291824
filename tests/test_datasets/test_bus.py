# Copyright (c) mmssl contributors. All rights reserved.
"""Breast-ultrasound datasets: COCO json with partial boxes, the BUSI
folder layout (boxes from masks), the box-fraction split, clear errors,
and the synthetic generator."""
import json
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from mmssl.datasets import BUSDataset, BUSIDataset, mask_to_box, write_bus_coco
from mmssl.datasets.synthetic import make_ultrasound_dataset
from mmssl.utils import register_all_modules

register_all_modules()


def _coco(tmp_path, images, anns):
    img_dir = tmp_path / 'img'
    img_dir.mkdir(exist_ok=True)
    for im in images:
        Image.fromarray(np.zeros((im['height'], im['width']), np.uint8)).save(
            img_dir / im['file_name'])
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(
        images=images, annotations=anns,
        categories=[dict(id=1, name='lesion')])))
    return str(path), str(img_dir)


def _images(n=4, diag=('benign', 'malignant')):
    return [dict(id=10 + i, file_name=f'{i}.png', height=32, width=40,
                 diagnosis=diag[i % len(diag)]) for i in range(n)]


def test_coco_partial_boxes(tmp_path):
    anns = [dict(id=1, image_id=10, category_id=1, bbox=[2, 3, 10, 8]),
            dict(id=2, image_id=12, category_id=1, bbox=[0, 0, 40, 32])]
    ann, img_dir = _coco(tmp_path, _images(), anns)
    ds = BUSDataset(ann_file=ann, data_prefix=dict(img=img_dir),
                    pipeline=[])
    assert len(ds) == 4
    first = ds.get_data_info(0)
    assert first['img_id'] == 10 and first['has_box']
    assert first['instances'][0]['bbox'] == [2, 3, 12, 11]
    assert first['img_label'] == 0 and first['gt_label'] == 0
    second = ds.get_data_info(1)
    assert not second['has_box'] and second['instances'] == []
    assert second['img_label'] == 1
    assert ds.split['labeled'] == [0, 2]
    boxed = BUSDataset(ann_file=ann, data_prefix=dict(img=img_dir),
                       subset='boxed', pipeline=[])
    assert [boxed.get_data_info(i)['img_id'] for i in range(2)] == [10, 12]
    only = BUSDataset(ann_file=ann, data_prefix=dict(img=img_dir),
                      subset='class_only', pipeline=[])
    assert len(only) == 2


def test_box_fraction_split_is_saved_and_reused(tmp_path):
    anns = [dict(id=i + 1, image_id=10 + i, category_id=1,
                 bbox=[1, 1, 5, 5]) for i in range(10)]
    ann, img_dir = _coco(tmp_path, _images(10), anns)
    kw = dict(ann_file=ann, data_prefix=dict(img=img_dir), pipeline=[])
    a = BUSDataset(box_fraction=0.3, seed=1, **kw)
    assert len(a.split['labeled']) == 3 and len(a.split['unlabeled']) == 7
    assert sum(a.get_data_info(i)['has_box'] for i in range(10)) == 3
    assert BUSDataset(box_fraction=0.3, seed=1, **kw).split == a.split
    assert BUSDataset(box_fraction=0.3, seed=2, **kw).split != a.split
    split_file = tmp_path / 'split.json'
    split_file.write_text(json.dumps(a.split))
    b = BUSDataset(split_file=str(split_file), **kw)
    assert b.split['labeled'] == a.split['labeled']
    # more boxes asked for than the annotations have
    with pytest.raises(ValueError, match='needs 5 boxed images, the '
                       'annotations have only 3'):
        BUSDataset(box_fraction=0.5, **dict(kw, ann_file=_coco(
            tmp_path, _images(10), anns[:3])[0]))


def test_cross_fit_folds_leave_out_one_fold(tmp_path):
    from mmssl.datasets.bus import box_folds
    anns = [dict(id=i + 1, image_id=10 + i, category_id=1,
                 bbox=[1, 1, 5, 5]) for i in range(9)]
    ann, img_dir = _coco(tmp_path, _images(10), anns)
    kw = dict(ann_file=ann, data_prefix=dict(img=img_dir), pipeline=[],
              subset='boxed')
    full = BUSDataset(**kw)
    folds = box_folds(full.split, num_folds=3, seed=0)
    assert sorted(folds) == full.split['labeled']
    assert sorted(list(folds.values()).count(k) for k in range(3)) == \
        [3, 3, 3]
    assert box_folds(full.split, 3, seed=0) == folds
    part = BUSDataset(cross_fit=dict(num_folds=3, held_out=1), **kw)
    kept = [part.get_data_info(i)['img_id'] - 10 for i in range(len(part))]
    assert len(kept) == 6 and all(folds[i] != 1 for i in kept)
    # held_out=None marks the folds and keeps every image (selection)
    marked = BUSDataset(cross_fit=dict(num_folds=3, held_out=None),
                        **dict(kw, subset='all'))
    assert len(marked) == 10
    assert marked.get_data_info(9)['box_fold'] is None  # class-only
    assert marked.get_data_info(0)['box_fold'] == folds[0]
    with pytest.raises(ValueError, match='num_folds and held_out'):
        BUSDataset(cross_fit=dict(num_folds=3), **kw)


def test_errors_name_the_image(tmp_path):
    anns = [dict(id=1, image_id=11, category_id=1, bbox=[30, 20, 20, 5])]
    ann, img_dir = _coco(tmp_path, _images(), anns)
    with pytest.raises(ValueError, match=r'1\.png.*outside the 40x32'):
        BUSDataset(ann_file=ann, data_prefix=dict(img=img_dir), pipeline=[])
    anns[0]['bbox'] = [1, 1, 5, 5]
    ann, img_dir = _coco(tmp_path, _images(), anns)
    os.remove(osp.join(img_dir, '2.png'))
    with pytest.raises(FileNotFoundError, match=r"image '2\.png' of .*"
                       r'ann\.json not found'):
        BUSDataset(ann_file=ann, data_prefix=dict(img=img_dir), pipeline=[])
    images = _images()
    del images[3]['diagnosis']
    ann, img_dir = _coco(tmp_path, images, anns)
    with pytest.raises(ValueError, match=r"'3\.png' has no \"diagnosis\""):
        BUSDataset(ann_file=ann, data_prefix=dict(img=img_dir), pipeline=[])
    with pytest.raises(FileNotFoundError, match='annotation file not found'):
        BUSDataset(ann_file=str(tmp_path / 'nope.json'), pipeline=[])


@pytest.mark.parametrize('change, message', [
    (dict(bbox=None), r'annotation id 7 \(image 11\) has no "bbox"'),
    (dict(bbox=[1, 1, 5]), r'annotation id 7 \(image 11\) has bbox '
     r'\[1, 1, 5\]; expected four'),
    (dict(category_id=3), r'annotation id 7 \(image 11\) has category_id '
     r'3, which is not among the categories of the file \(\[1\]\)'),
])
def test_bad_annotation_names_file_and_id(tmp_path, change, message):
    ann = dict(id=7, image_id=11, category_id=1, bbox=[1, 1, 5, 5])
    ann.update(change)
    if ann['bbox'] is None:
        del ann['bbox']
    path, img_dir = _coco(tmp_path, _images(), [ann])
    with pytest.raises(ValueError, match=r'ann\.json: ' + message):
        BUSDataset(ann_file=path, data_prefix=dict(img=img_dir),
                   pipeline=[])


def _busi(root):
    def write(folder, name, h, w, masks):
        os.makedirs(root / folder, exist_ok=True)
        Image.fromarray(np.full((h, w), 80, np.uint8)).save(
            root / folder / f'{name}.png')
        for suffix, m in masks.items():
            Image.fromarray(m.astype(np.uint8) * 255).save(
                root / folder / f'{name}{suffix}.png')
    m = np.zeros((30, 40), bool)
    m[5:10, 8:20] = True
    m2 = np.zeros((30, 40), bool)
    m2[20:25, 30:35] = True
    write('benign', 'benign (1)', 30, 40, {'_mask': m, '_mask_1': m2})
    write('malignant', 'malignant (1)', 30, 40, {'_mask': m})
    write('normal', 'normal (1)', 30, 40, {'_mask': np.zeros((30, 40))})
    return root


def test_busi_masks_to_boxes(tmp_path):
    root = _busi(tmp_path / 'busi')
    assert mask_to_box(str(root / 'benign' / 'benign (1)_mask.png')) == \
        [8., 5., 20., 10.]
    assert mask_to_box(str(root / 'normal' / 'normal (1)_mask.png')) is None
    ds = BUSIDataset(data_root=str(root), pipeline=[])
    assert len(ds) == 2  # normal/ is not a diagnosis class by default
    benign = ds.get_data_info(0)
    assert benign['file_name'] == 'benign/benign (1).png'
    assert [i['bbox'] for i in benign['instances']] == [
        [8., 5., 20., 10.], [30., 20., 35., 25.]]
    assert ds.get_data_info(1)['img_label'] == 1
    three = BUSIDataset(data_root=str(root),
                        diagnoses=('normal', 'benign', 'malignant'),
                        pipeline=[])
    normal = three.get_data_info(2)
    assert normal['diagnosis'] == 'normal' and not normal['has_box']
    # a mask of another size than its image
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(
        root / 'malignant' / 'malignant (1)_mask.png')
    with pytest.raises(ValueError, match=r'malignant \(1\)_mask\.png is '
                       r'10x10, its image 40x30'):
        BUSIDataset(data_root=str(root), pipeline=[])
    with pytest.raises(FileNotFoundError, match='BUSI layout'):
        BUSIDataset(data_root=str(tmp_path / 'empty'), pipeline=[])


def test_write_bus_coco_round_trip(tmp_path):
    root = _busi(tmp_path / 'busi')
    ds = BUSIDataset(data_root=str(root), pipeline=[])
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    out = write_bus_coco(infos, str(tmp_path / 'sel.json'),
                         boxes={0: [1., 2., 11., 12.], 1: None},
                         extra={0: dict(selection='refined')})
    again = BUSDataset(ann_file=out, data_prefix=dict(img=str(root)),
                       pipeline=[])
    a, b = again.get_data_info(0), again.get_data_info(1)
    assert a['instances'][0]['bbox'] == [1., 2., 11., 12.]
    assert a['entry']['selection'] == 'refined'
    assert not b['has_box'] and b['diagnosis'] == 'malignant'
    assert a['img_id'] == infos[0]['img_id']


def test_synthetic_generator(tmp_path):
    counts = make_ultrasound_dataset(str(tmp_path), num_train=6, num_val=2,
                                     num_test=3, size=64, seed=3)
    assert counts == dict(train=6, val=2, test=3)
    train = json.load(open(tmp_path / 'annotations' / 'train.json'))
    exact = json.load(open(tmp_path / 'annotations' / 'train_exact.json'))
    assert len(train['annotations']) == len(exact['annotations']) == 6
    assert {im['diagnosis'] for im in train['images']} <= {'benign',
                                                           'malignant'}
    assert {im['annotator'] for im in train['images']} <= {'tight', 'noisy'}
    # coarse boxes differ from the exact ones
    assert any(a['bbox'] != b['bbox'] for a, b in
               zip(train['annotations'], exact['annotations']))
    img = np.asarray(Image.open(tmp_path / 'images' / 'test' /
                                'test_00000.png'))
    assert img.shape == (64, 64) and img.dtype == np.uint8
    make_ultrasound_dataset(str(tmp_path / 'again'), num_train=2, num_val=2,
                            num_test=3, size=64, seed=3)
    # the test split does not depend on the training size
    again = np.asarray(Image.open(tmp_path / 'again' / 'images' / 'test' /
                                  'test_00000.png'))
    assert np.array_equal(img, again)
    ds = BUSDataset(ann_file=str(tmp_path / 'annotations' / 'test.json'),
                    data_prefix=dict(img=str(tmp_path / 'images' / 'test')),
                    pipeline=[])
    assert len(ds) == 3 and all(ds.get_data_info(i)['has_box']
                                for i in range(3))
