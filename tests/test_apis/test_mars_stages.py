# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's offline stages on files: feature storage (stage B), debiased
labels (stage C) and their statistics, the dense extractors, and the
biased-region metric."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

from mmssl.apis.mars import (
    REMOVED_INDEX,
    debias_dataset,
    extract_features,
    label_stats,
    load_features,
)
from mmssl.datasets import BiasedVOCDataset
from mmssl.datasets.synthetic import make_biased_voc
from mmssl.evaluation.metrics import BiasedRegionMetric
from mmssl.registry import MODELS
from mmssl.utils import register_all_modules

register_all_modules()


@pytest.fixture(scope='module')
def bench(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('bvoc'))
    make_biased_voc(root, num_train=16, num_val=4, size=64, seed=1)
    ds = BiasedVOCDataset(data_root=root,
                          ann_file='ImageSets/Segmentation/train.txt',
                          cls_labels='cls_labels.json')
    return root, ds


def _names(ds):
    return [osp.splitext(osp.basename(ds.get_data_info(i)['img_path']))[0]
            for i in range(len(ds))]


def _read(path):
    return np.asarray(Image.open(path))


def _biased_seeds_and_oracle_features(root, ds, tmp):
    """Seeds = ground truth with the stripe under each train labelled
    train (the CAM bias); features = one axis per texture (sky/grass,
    stripe, train, person) plus noise, stored at full resolution."""
    seeds, feats = tmp / 'seeds', tmp / 'features'
    seeds.mkdir()
    feats.mkdir()
    rng = np.random.default_rng(0)
    biased_px = 0
    for name in _names(ds):
        gt = _read(osp.join(root, 'SegmentationClass', name + '.png'))
        region = _read(osp.join(root, 'BiasedRegion', name + '.png')) > 0
        seed = gt.copy()
        if (gt == 1).any():
            seed[region] = 1
            biased_px += int(region.sum())
        Image.fromarray(seed).save(seeds / (name + '.png'))
        kind = np.where(region, 1, np.where(gt == 1, 2,
                                            np.where(gt == 2, 3, 0)))
        onehot = np.eye(4)[kind].transpose(2, 0, 1)
        noisy = onehot + rng.normal(0, 0.05, onehot.shape)
        np.save(feats / (name + '.npy'), noisy.astype(np.float16))
    (feats / 'meta.json').write_text(json.dumps(dict(stride=1)))
    assert biased_px > 0
    return str(seeds), str(feats)


def test_debias_removes_the_biased_stripe(bench, tmp_path):
    root, ds = bench
    seeds, feats = _biased_seeds_and_oracle_features(root, ds, tmp_path)
    out = str(tmp_path / 'debiased')
    result = debias_dataset(ds, feats, seeds, out,
                            purity_gt_dir=osp.join(root, 'SegmentationClass'))
    assert result['centroids'].shape == (3, 4)
    # the diagnostic: the selected train centroids are the train's own
    # cluster (pure), the rejected ones the stripe's
    purity = result['purity']['train']
    assert purity['selected_purity'] > 90
    assert purity['selected_purity'] > purity['all_purity']
    assert json.load(open(osp.join(out, 'purity.json'))) == result['purity']
    # the train centroid is the train texture (axis 2), not the stripe
    v = result['centroids'][1]
    assert v.argmax() == 2 and v[1] < 0.3 * v[2]
    assert set(result['selected']) == {'train', 'person'}
    assert osp.isfile(osp.join(out, 'centroids.npy'))
    for name in _names(ds):
        seed = _read(osp.join(seeds, name + '.png'))
        db = _read(osp.join(out, name + '.png'))
        region = _read(osp.join(root, 'BiasedRegion', name + '.png')) > 0
        # Eq. 5 only removes foreground; stripe pixels of train seeds go
        assert np.array_equal(db[seed == 0], seed[seed == 0])
        assert set(np.unique(db)) <= {0, 1, 2, REMOVED_INDEX}
        if (seed[region] == 1).any():
            assert (db[region] == REMOVED_INDEX).mean() > 0.9
    region_dir = osp.join(root, 'BiasedRegion')
    gt_dir = osp.join(root, 'SegmentationClass')
    before = label_stats(ds, seeds, gt_dir, region_dir, 1)
    after = label_stats(ds, out, gt_dir, region_dir, 1)
    assert before['biased_fpr'] > 30 and after['biased_fpr'] < 5
    assert after['IoU.train'] > before['IoU.train']
    assert after['removed'] > 0 and before['removed'] == 0


def test_feature_storage_and_errors(bench, tmp_path, capsys):
    root, ds = bench
    encoder = dict(
        type='SimCLR',
        backbone=dict(type='mmseg.ResNetV1c', depth=18, stem_channels=8,
                      base_channels=8, strides=(1, 2, 1, 1),
                      dilations=(1, 1, 2, 4), out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'), in_channels=64,
        proj_dim=16, feature_augment=None)
    ext = MODELS.build(dict(type='SimCLRDenseFeatures', encoder=encoder,
                            stride=8))
    assert not any(p.requires_grad for p in ext.parameters())
    ext.train()
    assert not ext.training  # frozen
    out = str(tmp_path / 'f')
    capsys.readouterr()
    n = len(ds)
    assert extract_features(ext, ds, out, log_interval=2) == n
    # the progress: a line every 2 images and one at the end, with ETA
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split(' (')[0] for ln in lines] == [
        f'MARS features of {n} images to {out}: {i}/{n}'
        for i in sorted({*range(2, n + 1, 2), n})]
    assert all('ETA' in ln for ln in lines)
    name = _names(ds)[0]
    arr = np.load(osp.join(out, name + '.npy'))
    assert arr.dtype == np.float16 and arr.shape == (64, 8, 8)
    assert json.load(open(osp.join(out, 'meta.json')))['stride'] == 8
    up = load_features(out, name, (64, 64))
    assert up.shape == (64, 64, 64)
    # a checkpoint of this SimCLR round-trips into the extractor
    ckpt = tmp_path / 'simclr.pth'
    torch.save(dict(state_dict=ext.encoder.state_dict()), ckpt)
    ext2 = MODELS.build(dict(type='SimCLRDenseFeatures', encoder=encoder,
                             checkpoint=str(ckpt), stride=8))
    x = torch.rand(1, 3, 64, 64) * 255
    assert torch.equal(ext(x), ext2(x))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        MODELS.build(dict(type='SimCLRDenseFeatures', encoder=encoder,
                          checkpoint=str(tmp_path / 'missing.pth')))
    with pytest.raises(FileNotFoundError, match='extract_features'):
        load_features(out, 'nothere', (64, 64))
    with pytest.raises(ValueError, match='do not cover'):
        load_features(out, name, (80, 64))


def test_vit_dense_features_and_stego_head(tmp_path):
    arch = dict(embed_dims=32, num_layers=2, num_heads=2, patch_size=8)
    torch.manual_seed(0)
    ref = MODELS.build(dict(type='ViTDenseFeatures', checkpoint=None,
                            arch=arch, img_size=64))
    vit_file = tmp_path / 'dino.pth'
    torch.save(ref.vit.state_dict(), vit_file)
    head = {
        'net.cluster1.0.weight': torch.randn(5, 32, 1, 1),
        'net.cluster1.0.bias': torch.randn(5),
        'net.cluster2.0.weight': torch.randn(32, 32, 1, 1),
        'net.cluster2.0.bias': torch.randn(32),
        'net.cluster2.2.weight': torch.randn(5, 32, 1, 1),
        'net.cluster2.2.bias': torch.randn(5),
    }
    head_file = tmp_path / 'stego_head.pth'
    torch.save(head, head_file)
    ext = MODELS.build(dict(type='ViTDenseFeatures',
                            checkpoint=str(vit_file),
                            stego_checkpoint=str(head_file), arch=arch,
                            code_dim=5, img_size=64))
    x = torch.rand(2, 3, 64, 96) * 255
    code = ext(x)
    assert code.shape == (2, 5, 8, 12) and ext.stride == 8
    feat = ref(x)
    expected = torch.nn.functional.conv2d(
        feat, head['net.cluster1.0.weight'], head['net.cluster1.0.bias'])
    hidden = torch.relu(torch.nn.functional.conv2d(
        feat, head['net.cluster2.0.weight'], head['net.cluster2.0.bias']))
    expected = expected + torch.nn.functional.conv2d(
        hidden, head['net.cluster2.2.weight'], head['net.cluster2.2.bias'])
    assert torch.allclose(code, expected, atol=1e-4)
    with pytest.raises(ValueError, match='multiple of the patch size'):
        ext(torch.rand(1, 3, 60, 64))
    with pytest.raises(FileNotFoundError, match='DINO ViT weights'):
        MODELS.build(dict(type='ViTDenseFeatures',
                          checkpoint=str(tmp_path / 'none.pth'), arch=arch))


def test_colour_stats_features_are_centred_and_whitened(bench, tmp_path):
    root, ds = bench
    ext = MODELS.build(dict(type='ColourStatsDenseFeatures', stride=8))
    with pytest.raises(RuntimeError, match='no statistics'):
        ext(torch.zeros(1, 3, 16, 16))
    # extract_features fits the statistics on the images it describes
    out = str(tmp_path / 'colour')
    assert extract_features(ext, ds, out, log_interval=0) == len(ds)
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert meta['stride'] == 8 and meta['dim'] == 6
    assert len(meta['fitted_statistics']['whitening']) == 6
    feats = np.concatenate([
        np.load(osp.join(out, n + '.npy')).reshape(6, -1).T
        for n in _names(ds)]).astype(np.float64)
    assert np.abs(feats.mean(0)).max() < 0.02  # centred: signed code
    cov = np.cov(feats.T, bias=True)
    # whitened: every direction of unit variance, shrunk (lambda / (lambda
    # + eps)) where an eigenvalue is near eps
    evals = np.linalg.eigvalsh(cov)
    assert evals.min() > 0.5 and evals.max() < 1.05
    # given statistics rebuild the same extractor
    again = MODELS.build(dict(type='ColourStatsDenseFeatures',
                              **meta['fitted_statistics']))
    img = torch.from_numpy(_read(ds.get_data_info(0)['img_path']).copy())
    img = img.permute(2, 0, 1)[None]
    assert torch.allclose(again(img), ext(img), atol=1e-5)
    with pytest.raises(ValueError, match='both'):
        MODELS.build(dict(type='ColourStatsDenseFeatures', mean=[0] * 6))


def test_biased_region_metric(bench):
    root, _ = bench
    name = 'val_0000'
    region = _read(osp.join(root, 'BiasedRegion', name + '.png')) > 0
    if not region.any():
        pytest.skip('no stripe in this validation image')
    pred = torch.zeros(1, 64, 64, dtype=torch.long)
    ys, xs = np.nonzero(region)
    half = len(ys) // 2
    pred[0, ys[:half], xs[:half]] = 1
    metric = BiasedRegionMetric(biased_class='train')
    metric.dataset_meta = dict(classes=('background', 'train', 'person'))
    img_path = osp.join(root, 'JPEGImages', name + '.jpg')
    metric.process({}, [dict(pred_sem_seg=dict(data=pred),
                             img_path=img_path)])
    out = metric.evaluate(1)
    assert out['biased/fpr'] == pytest.approx(half / len(ys) * 100)
    # the stripe pixels far from any train, from BiasedRegionFar/
    far = _read(osp.join(root, 'BiasedRegionFar', name + '.png')) > 0
    far_metric = BiasedRegionMetric(biased_class=1,
                                    region_subdir='BiasedRegionFar',
                                    prefix='biased_far')
    far_metric.process({}, [dict(pred_sem_seg=dict(data=pred),
                                 img_path=img_path)])
    expect = (far & (pred[0].numpy() == 1)).sum() / max(far.sum(), 1) * 100
    assert far_metric.evaluate(1)['biased_far/fpr'] == pytest.approx(expect)
    bad = BiasedRegionMetric(biased_class='boat')
    bad.dataset_meta = metric.dataset_meta
    with pytest.raises(KeyError, match='boat'):
        bad.process({}, [dict(pred_sem_seg=dict(data=pred),
                              img_path=img_path)])


def test_label_dir_must_exist(bench, tmp_path):
    root, _ = bench
    os.makedirs(tmp_path / 'empty')
    with pytest.raises(FileNotFoundError, match='previous stage'):
        BiasedVOCDataset(data_root=root,
                         ann_file='ImageSets/Segmentation/train.txt',
                         cls_labels='cls_labels.json',
                         label_dir=str(tmp_path / 'empty'))
