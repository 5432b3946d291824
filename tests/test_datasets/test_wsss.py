# Copyright (c) mmssl contributors. All rights reserved.
"""WSSS datasets: VOC layout with tags from masks or cls_labels, COCO json
to tags and semantic masks, the biased-background generator, and clear
errors for broken masks."""
import json
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from mmssl.datasets import BiasedVOCDataset, COCOWSSSDataset, VOCWSSSDataset
from mmssl.datasets.synthetic import make_biased_voc
from mmssl.datasets.transforms import LoadImageFromFile, LoadSegAnnotations
from mmssl.datasets.wsss import coco_semantic_mask, write_cls_labels
from mmssl.utils import register_all_modules

register_all_modules()


@pytest.fixture(scope='module')
def biased(tmp_path_factory):
    root = tmp_path_factory.mktemp('bvoc')
    return str(make_biased_voc(str(root), num_train=12, num_val=4, size=64))


def test_generator_layout_and_determinism(biased, tmp_path):
    names = open(osp.join(biased, 'ImageSets/Segmentation/train.txt')
                 ).read().split()
    assert len(names) == 12
    lab = Image.open(osp.join(biased, 'SegmentationClass', names[0] + '.png'))
    assert lab.mode == 'P' and lab.size == (64, 64)
    again = make_biased_voc(str(tmp_path / 'again'), num_train=12,
                            num_val=4, size=64)
    for n in names[:3]:
        a = np.asarray(Image.open(osp.join(biased, 'JPEGImages', n + '.jpg')))
        b = np.asarray(Image.open(osp.join(again, 'JPEGImages', n + '.jpg')))
        assert np.array_equal(a, b)
    tags = json.load(open(osp.join(biased, 'cls_labels.json')))
    for n in names:
        mask = np.asarray(Image.open(
            osp.join(biased, 'SegmentationClass', n + '.png')))
        region = np.asarray(Image.open(
            osp.join(biased, 'BiasedRegion', n + '.png')))
        assert set(np.unique(mask)) <= {0, 1, 2}
        assert tags[n] == sorted(int(c) for c in np.unique(mask) if c)
        assert not (region.astype(bool) & (mask > 0)).any()  # stripe is bg


def test_control_never_puts_the_stripe_alone(tmp_path):
    """The negative control keeps the co-occurrence but never lays the
    stripe alone in a training image; the validation split is the same."""
    root = make_biased_voc(str(tmp_path / 'c'), num_train=40, num_val=6,
                           mode='control', size=64)
    names = open(osp.join(root, 'ImageSets/Segmentation/train.txt')
                 ).read().split()
    tags = json.load(open(osp.join(root, 'cls_labels.json')))
    under = 0
    for n in names:
        region = np.asarray(Image.open(
            osp.join(root, 'BiasedRegion', n + '.png')))
        if 1 in tags[n]:
            under += region.any()
        else:
            assert region.sum() == 0
    assert under > 0
    b = make_biased_voc(str(tmp_path / 'b'), num_train=40, num_val=6,
                        size=64)
    for i in range(6):
        p = f'SegmentationClass/val_{i:04d}.png'
        assert np.array_equal(np.asarray(Image.open(osp.join(root, p))),
                              np.asarray(Image.open(osp.join(b, p))))


def test_stripe_sizes_and_far_region(tmp_path):
    """At 96 px: the stripe under a train is at least 3 cells of a
    stride-8 map tall, a stripe alone is a band of about a quarter of the
    image, and BiasedRegionFar keeps the stripe pixels more than 8 px from
    any train."""
    from scipy.ndimage import distance_transform_edt
    root = make_biased_voc(str(tmp_path / 'b96'), num_train=40, num_val=4)
    tags = json.load(open(osp.join(root, 'cls_labels.json')))
    alone = []
    for n in sorted(tags):
        label = np.asarray(Image.open(
            osp.join(root, 'SegmentationClass', n + '.png')))
        region = np.asarray(Image.open(
            osp.join(root, 'BiasedRegion', n + '.png'))) > 0
        far = np.asarray(Image.open(
            osp.join(root, 'BiasedRegionFar', n + '.png'))) > 0
        assert not (far & ~region).any()
        if not region.any():
            continue
        rows = np.nonzero(region.any(1))[0]
        assert rows.max() - rows.min() + 1 >= 24
        if 1 in tags[n]:
            dist = distance_transform_edt(label != 1)
            assert (dist[far] > 8).all()
            assert np.array_equal(far, region & (dist > 8))
        else:
            assert np.array_equal(far, region)
            alone.append(region.mean())
    assert alone and min(alone) > 0.2


def _tags(ds):
    return [ds.get_data_info(i)['img_labels'] for i in range(len(ds))]


def test_tags_from_masks_and_from_cls_labels(biased):
    from_masks = BiasedVOCDataset(
        data_root=biased, ann_file='ImageSets/Segmentation/train.txt')
    from_json = BiasedVOCDataset(
        data_root=biased, ann_file='ImageSets/Segmentation/train.txt',
        cls_labels='cls_labels.json',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=None))
    assert len(from_masks) == 12
    assert any(1 in t for t in _tags(from_masks))
    assert any(2 in t for t in _tags(from_masks))
    assert _tags(from_masks) == \
        _tags(from_json)
    assert from_json.metainfo['classes'] == ('background', 'train', 'person')
    assert 'seg_map_path' not in from_json.get_data_info(0)
    pseudo = BiasedVOCDataset(
        data_root=biased, ann_file='ImageSets/Segmentation/train.txt',
        tag_mask_dir='SegmentationClass',
        data_prefix=dict(img_path='JPEGImages', seg_map_path='BiasedRegion'))
    assert _tags(pseudo) == \
        _tags(from_masks)


def test_write_cls_labels_round_trip(biased, tmp_path):
    ds = BiasedVOCDataset(data_root=biased,
                          ann_file='ImageSets/Segmentation/val.txt')
    out = write_cls_labels(ds, str(tmp_path / 'cls.json'))
    assert out == {k: v for k, v in json.load(open(
        osp.join(biased, 'cls_labels.json'))).items() if k.startswith('val')}


def test_voc_dataset_errors(biased, tmp_path):
    with pytest.raises(FileNotFoundError, match='ImageSets/Segmentation'):
        VOCWSSSDataset(data_root=str(tmp_path),
                       ann_file='ImageSets/Segmentation/train_aug.txt')
    with pytest.raises(FileNotFoundError, match='make_cls_labels'):
        BiasedVOCDataset(data_root=biased,
                         ann_file='ImageSets/Segmentation/val.txt',
                         cls_labels='missing.json')
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps({'val_0000': [7]}))
    with pytest.raises(ValueError, match='not foreground classes'):
        BiasedVOCDataset(data_root=biased,
                         ann_file=osp.join(biased,
                                           'ImageSets/Segmentation/val.txt'),
                         cls_labels=str(bad))


def _load(biased, name, seg_path):
    results = dict(img_path=osp.join(biased, 'JPEGImages', name + '.jpg'),
                   seg_map_path=seg_path, seg_fields=[],
                   reduce_zero_label=False)
    results = LoadImageFromFile()(results)
    return LoadSegAnnotations()(results)


def test_load_seg_annotations_and_clear_errors(biased, tmp_path):
    good = osp.join(biased, 'SegmentationClass', 'val_0000.png')
    out = _load(biased, 'val_0000', good)
    assert out['gt_seg_map'].shape == (64, 64)
    assert np.array_equal(out['gt_seg_map'], np.asarray(Image.open(good)))
    corrupt = tmp_path / 'corrupt.png'
    corrupt.write_bytes(open(good, 'rb').read()[:40])
    with pytest.raises(ValueError, match='corrupt.png'):
        _load(biased, 'val_0000', str(corrupt))
    small = tmp_path / 'small.png'
    Image.fromarray(np.zeros((32, 48), np.uint8)).save(small)
    with pytest.raises(ValueError, match=r'small.png is 48x32 but image'):
        _load(biased, 'val_0000', str(small))
    with pytest.raises(FileNotFoundError, match='nothere.png'):
        _load(biased, 'val_0000', str(tmp_path / 'nothere.png'))


def _tiny_coco(root):
    """Two images: a person + a dog (and a crowd region), and a car."""
    imgs = root / 'train2014'
    imgs.mkdir(parents=True)
    for i in (1, 2):
        Image.fromarray(np.full((20, 30, 3), 100 * i, np.uint8)).save(
            imgs / f'COCO_train2014_{i:012d}.jpg')
    cats = [dict(id=1, name='person'), dict(id=3, name='car'),
            dict(id=18, name='dog')]

    def box(x, y, w, h, **kw):
        return dict(bbox=[x, y, w, h], area=w * h, iscrowd=0,
                    segmentation=[[x, y, x + w, y, x + w, y + h, x, y + h]],
                    **kw)

    anns = [
        box(2, 2, 10, 10, id=1, image_id=1, category_id=1),
        box(14, 4, 8, 6, id=2, image_id=1, category_id=18),
        box(24, 12, 4, 4, id=3, image_id=1, category_id=1),
        box(5, 5, 6, 6, id=4, image_id=2, category_id=3),
    ]
    anns[2]['iscrowd'] = 1
    js = dict(images=[dict(id=i, file_name=f'COCO_train2014_{i:012d}.jpg',
                           height=20, width=30) for i in (1, 2)],
              annotations=anns, categories=cats)
    (root / 'annotations').mkdir()
    path = root / 'annotations' / 'instances_train2014.json'
    path.write_text(json.dumps(js))
    return str(path)


def test_coco_tags_and_semantic_masks(tmp_path):
    from pycocotools.coco import COCO
    ann = _tiny_coco(tmp_path)
    ds = COCOWSSSDataset(data_root=str(tmp_path),
                         ann_file='annotations/instances_train2014.json',
                         data_prefix=dict(img_path='train2014',
                                          seg_map_path=None))
    classes = ds.metainfo['classes']
    assert len(classes) == 81 and classes[0] == 'background'
    person, car, dog = (classes.index(n) for n in ('person', 'car', 'dog'))
    assert (person, car, dog) == (1, 3, 17)
    assert _tags(ds) == [[person, dog], [car]]
    coco = COCO(ann)
    mask = coco_semantic_mask(coco, 1, ds.category_labels(coco))
    assert mask.shape == (20, 30)
    assert mask[5, 5] == person and mask[6, 17] == dog
    assert mask[13, 25] == 255 and mask[0, 29] == 0
    js = json.load(open(ann))
    js['images'][1]['file_name'] = 'missing.jpg'
    json.dump(js, open(ann, 'w'))
    with pytest.raises(FileNotFoundError, match="'missing.jpg'"):
        COCOWSSSDataset(data_root=str(tmp_path),
                        ann_file='annotations/instances_train2014.json',
                        data_prefix=dict(img_path='train2014',
                                         seg_map_path=None))


def test_data_tools(biased, tmp_path, capsys):
    from tools.data import coco_semantic_masks, make_cls_labels
    out = make_cls_labels.main([biased, '--split',
                                'ImageSets/Segmentation/val.txt',
                                '--masks', 'SegmentationClass',
                                '--dataset', 'BiasedVOCDataset',
                                '--out', str(tmp_path / 'cls.json')])
    assert json.load(open(out))['val_0000'] == json.load(open(
        osp.join(biased, 'cls_labels.json')))['val_0000']
    ann = _tiny_coco(tmp_path / 'coco')
    capsys.readouterr()
    seg_dir = coco_semantic_masks.main([ann, str(tmp_path / 'coco' / 'sem')])
    out = capsys.readouterr().out
    n = len(json.load(open(ann))['images'])
    assert f'writing {n} semantic masks to {seg_dir}: {n}/{n} (100%)' in out
    assert 'ETA' in out
    ds = COCOWSSSDataset(data_root=str(tmp_path / 'coco'),
                         ann_file='annotations/instances_train2014.json',
                         data_prefix=dict(img_path='train2014',
                                          seg_map_path='sem'))
    info = ds.get_data_info(0)
    mask = np.asarray(Image.open(info['seg_map_path']))
    assert osp.dirname(info['seg_map_path']) == seg_dir
    assert mask[5, 5] == 1 and mask[6, 17] == 17
