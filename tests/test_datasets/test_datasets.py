# Copyright (c) mmssl contributors. All rights reserved.
import cv2
import numpy as np
import pytest

from mmssl.datasets import DigitsDataset, ImageFolderDataset, digits_split
from mmssl.datasets.transforms import (
    LoadImageFromFile,
    PackClsInputs,
    RandomCropPad,
)


def test_digits_split_is_the_protocol():
    images, labels, train, test = digits_split(seed=0)
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert len(test) == 540 and len(train) == 1257
    assert not set(train) & set(test)
    # stratified: every class has 30% (+-1) of its samples in test
    for c in range(10):
        n = (labels == c).sum()
        assert abs((labels[test] == c).sum() - 0.3 * n) <= 1
    # same seed, same split; another seed, another split
    assert np.array_equal(digits_split(seed=0)[3], test)
    assert not np.array_equal(digits_split(seed=1)[3], test)


def test_digits_dataset_items():
    ds = DigitsDataset(split='test', seed=0, pipeline=[dict(
        type='PackClsInputs')])
    assert len(ds) == 540 and ds.classes == tuple('0123456789')
    item = ds[0]
    assert item['inputs'].shape == (1, 8, 8)
    assert int(item['data_samples'].gt_label) == ds.get_gt_labels()[0]
    with pytest.raises(ValueError, match='split'):
        DigitsDataset(split='val')


def _write_folder(root, n=2):
    for cls in ('cat', 'dog'):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            cv2.imwrite(str(root / cls / f'{i}.png'),
                        np.full((6, 5, 3), 50 * i, np.uint8))
    (root / 'dog' / 'notes.txt').write_text('not an image')


def test_image_folder_dataset(tmp_path):
    _write_folder(tmp_path)
    ds = ImageFolderDataset(
        data_root=str(tmp_path),
        pipeline=[dict(type='LoadImageFromFile'), dict(type='PackClsInputs')])
    assert ds.classes == ('cat', 'dog') and len(ds) == 4
    assert list(ds.get_gt_labels()) == [0, 0, 1, 1]
    assert ds[3]['inputs'].shape == (3, 6, 5)


def test_image_folder_missing_names_layout(tmp_path):
    with pytest.raises(FileNotFoundError, match='expected layout'):
        ImageFolderDataset(data_root=str(tmp_path / 'nothing'))
    with pytest.raises(FileNotFoundError, match='no class sub-folders'):
        ImageFolderDataset(data_root=str(tmp_path))


def test_load_image_errors_name_the_file(tmp_path):
    bad = tmp_path / 'bad.jpg'
    bad.write_bytes(b'\xff\xd8\xff garbage')
    with pytest.raises(ValueError, match='bad.jpg'):
        LoadImageFromFile()(dict(img_path=str(bad)))
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match='empty.png'):
        LoadImageFromFile()(dict(img_path=str(empty)))
    with pytest.raises(FileNotFoundError, match='gone.png'):
        LoadImageFromFile()(dict(img_path=str(tmp_path / 'gone.png')))


def test_load_grayscale_keeps_channel_axis(tmp_path):
    path = str(tmp_path / 'g.png')
    cv2.imwrite(path, np.arange(12, dtype=np.uint8).reshape(3, 4))
    out = LoadImageFromFile(color_type='grayscale')(dict(img_path=path))
    assert out['img'].shape == (3, 4, 1)
    assert out['img'][..., 0].tolist() == np.arange(12).reshape(3, 4).tolist()


def test_random_crop_pad_is_a_translation():
    img = np.arange(64, dtype=np.uint8).reshape(8, 8, 1)
    np.random.seed(0)
    seen = set()
    for _ in range(50):
        out = RandomCropPad(padding=1, padding_mode='constant')(
            dict(img=img.copy()))['img']
        assert out.shape == img.shape
        # the crop is the image shifted by at most one pixel
        ys, xs = np.nonzero(out[..., 0] == img[4, 4, 0])
        seen.add((int(ys[0]) - 4, int(xs[0]) - 4))
    assert seen <= {(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
    assert len(seen) > 3
    # reflect padding: the default FixMatch weak view (12.5% of the side)
    out = RandomCropPad()(dict(img=np.zeros((32, 32, 3), np.uint8)))
    assert out['img'].shape == (32, 32, 3)


def test_pack_cls_inputs():
    img = np.random.randint(0, 255, (5, 6, 3), dtype=np.uint8)
    out = PackClsInputs()(dict(img=img, gt_label=3, sample_idx=7))
    assert out['inputs'].shape == (3, 5, 6)
    assert out['inputs'][1, 2, 4] == img[2, 4, 1]
    assert out['data_samples'].gt_label.tolist() == [3]
    assert out['data_samples'].sample_idx == 7
