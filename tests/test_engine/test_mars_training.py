# Copyright (c) mmssl contributors. All rights reserved.
"""MARS's four stages run from their CPU configs through tools/train.py,
tools/test.py and the stage scripts on a tiny biased-background dataset,
each stage reading the previous one's files by path; the paper-scale VOC
and COCO configs build and run a few iterations on tiny generated data."""
import glob
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from mmssl.datasets.synthetic import make_biased_voc
from tests.helpers.runner_utils import ROOT, set_data_root

MARS_DIR = osp.join(ROOT, 'configs', 'mars')
CAM = osp.join(MARS_DIR, 'cam_r18-d8_30e_biased-voc.py')
USS = osp.join(MARS_DIR, 'uss_simclr_r18-d8_1k_biased-voc.py')
DEBIAS = osp.join(MARS_DIR, 'mars-debias_simclr-r18-d8_biased-voc.py')
SEG = osp.join(MARS_DIR, 'deeplabv3plus_r18-d8_1500i_biased-voc-seeds.py')
MARS = osp.join(MARS_DIR, 'mars_deeplabv3plus_r18-d8_1500i_biased-voc.py')


@pytest.fixture(scope='module')
def bench(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('bvoc'))
    return make_biased_voc(root, num_train=8, num_val=4, size=64, seed=2)


def _cfg(path, work_dir, root, **opts):
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir)
    set_data_root(cfg._cfg_dict, root)
    cfg.merge_from_dict(opts)
    return cfg


def test_four_stages_through_the_tools(bench, tmp_path):
    from tools import test as test_tool
    from tools.mars import debias_labels, extract_features
    # A: the CAM classifier (1 epoch = 2 iterations), then its seeds
    cfg = _cfg(CAM, tmp_path / 'cam', bench, **{
        'train_cfg.max_epochs': 1, 'train_dataloader.batch_size': 4,
        'model.test_scales': [1.0, 0.5]})
    Runner.from_cfg(cfg).train()
    ckpt = str(tmp_path / 'cam' / 'epoch_1.pth')
    seeds = str(tmp_path / 'seeds')
    metrics = test_tool.main([
        CAM, ckpt, '--work-dir', str(tmp_path / 'cam_test'),
        '--cfg-options', f'test_dataloader.dataset.data_root={bench}',
        f'test_evaluator.output_dir={seeds}'])
    assert 0 <= metrics['mIoU'] <= 100 and 'IoU.train' in metrics
    seed0 = np.asarray(Image.open(osp.join(seeds, 'train_0000.png')))
    assert seed0.shape == (64, 64) and set(np.unique(seed0)) <= {0, 1, 2}
    # B: the self-supervised network, then the stored features
    cfg = _cfg(USS, tmp_path / 'uss', bench, **{
        'train_cfg.max_iters': 2, 'train_dataloader.batch_size': 4})
    Runner.from_cfg(cfg).train()
    feats = str(tmp_path / 'features')
    extract_features.main([DEBIAS, '--checkpoint',
                           str(tmp_path / 'uss' / 'iter_2.pth'),
                           '--out-dir', feats, '--cfg-options',
                           f'mars_dataset.data_root={bench}'])
    assert np.load(osp.join(feats, 'train_0000.npy')).shape == (128, 8, 8)
    # C: debiased labels and their statistics
    debiased = str(tmp_path / 'debiased')
    debias_labels.main([DEBIAS, '--seeds', seeds, '--features', feats,
                        '--out-dir', debiased, '--cfg-options',
                        f'mars_dataset.data_root={bench}'])
    stats = json.load(open(osp.join(debiased, 'stats.json')))
    assert set(stats) == {'seeds', 'debiased'}
    assert 'biased_fpr' in stats['debiased']
    db = np.asarray(Image.open(osp.join(debiased, 'train_0000.png')))
    assert set(np.unique(db)) <= {0, 1, 2, 254}
    # D: the baseline on the seeds and MARS on the debiased labels
    for path, labels in ((SEG, seeds), (MARS, debiased)):
        name = osp.basename(path)[:4]
        cfg = _cfg(path, tmp_path / name, bench, **{
            'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2,
            'train_dataloader.batch_size': 2,
            'train_dataloader.dataset.label_dir': labels,
            'default_hooks.checkpoint.interval': 2,
            'default_hooks.logger.interval': 1})
        if path == MARS:
            cfg.model.complement_start_iter = 1
        runner = Runner.from_cfg(cfg)
        runner.train()
        ckpt = str(tmp_path / name / 'iter_2.pth')
        if path == MARS:
            # the labels the final teacher completes (Y^co)
            from mmssl.apis.mars import write_complemented_labels
            from mmssl.datasets import BiasedVOCDataset
            ds = BiasedVOCDataset(
                data_root=bench, ann_file='ImageSets/Segmentation/train.txt',
                cls_labels='cls_labels.json')
            comp = str(tmp_path / 'complemented')
            assert write_complemented_labels(runner.model, ds, labels, comp,
                                             log_interval=0) == len(ds)
            tags = json.load(open(osp.join(bench, 'cls_labels.json')))
            for i in range(len(ds)):
                n = osp.splitext(osp.basename(
                    ds.get_data_info(i)['img_path']))[0]
                db = np.asarray(Image.open(osp.join(labels, n + '.png')))
                co = np.asarray(Image.open(osp.join(comp, n + '.png')))
                kept = db != 254
                assert np.array_equal(co[kept], db[kept])
                # filled with background or the image's own classes only
                assert set(np.unique(co[~kept])) <= {0, *tags[n]}
        show = [] if path == SEG else ['--show-dir',
                                       str(tmp_path / 'show')]
        metrics = test_tool.main([
            path, ckpt, '--work-dir', str(tmp_path / f'{name}_test'),
            *show, '--cfg-options',
            f'test_dataloader.dataset.data_root={bench}',
            f'train_dataloader.dataset.label_dir={labels}',
            f'train_dataloader.dataset.data_root={bench}'])
        assert {'mIoU', 'IoU.train', 'biased/fpr'} <= set(metrics)
    # --show-dir: mmseg's drawing of every test image (mmseg's layout)
    shown = glob.glob(str(tmp_path / 'show' / 'vis_image' / '*.png'))
    assert len(shown) == 4  # num_val
    assert all(osp.getsize(p) > 0 for p in shown)
    log = open(next((tmp_path / 'mars').glob('*/*.log'))).read()
    assert 'loss_wce' in log and 'removed_px' in log
    # the demo: the stage-D checkpoint on a scikit-image photo
    import skimage

    from demo import image_demo
    photo = osp.join(osp.dirname(skimage.__file__), 'data', 'chelsea.png')
    out = image_demo.main([photo, MARS, ckpt, '--show-dir',
                           str(tmp_path / 'demo')])
    pred = out['predictions'][0]
    assert pred['mask'].shape == (300, 451)
    assert sum(pred['share'].values()) == pytest.approx(100)
    overlay = np.asarray(Image.open(out['visualization'][0]))
    assert overlay.shape == (300, 451, 3)
    with pytest.raises(ValueError, match='stage D'):
        image_demo.main([photo, CAM, str(tmp_path / 'cam' / 'epoch_1.pth')])


def _tiny_voc(root, classes):
    """VOC-layout images with masks of the given class indices."""
    for sub in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'):
        (root / sub).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    tags = {}
    for i in range(4):
        name = f'2007_{i:06d}'
        Image.fromarray(rng.integers(0, 255, (48, 64, 3), np.uint8)).save(
            root / 'JPEGImages' / f'{name}.jpg')
        mask = np.zeros((48, 64), np.uint8)
        mask[8:30, 10:40] = classes[i % len(classes)]
        Image.fromarray(mask).save(root / 'SegmentationClass' / f'{name}.png')
        tags[name] = [int(classes[i % len(classes)])]
    for split in ('train_aug', 'val'):
        (root / 'ImageSets/Segmentation' / f'{split}.txt').write_text(
            '\n'.join(tags) + '\n')
    (root / 'cls_labels.json').write_text(json.dumps(tags))
    return str(root)


def _shrink(cfg, crop=32):
    """Few tiny iterations on the CPU: small crops, plain BN, no ImageNet
    file, no workers."""
    text = json.dumps(cfg._cfg_dict.to_dict())
    text = text.replace('"SyncBN"', '"BN"')
    cfg.merge_from_dict(json.loads(text))
    for dl in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[dl].num_workers = 0
        cfg[dl].persistent_workers = False
    cfg.train_dataloader.batch_size = 2
    for t in cfg.train_dataloader.dataset.pipeline:
        if t['type'] == 'mmseg.RandomCrop':
            t['crop_size'] = (crop, crop)
        if t['type'] == 'mmseg.RandomResize':
            t['scale'] = (crop * 2, crop)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)


@pytest.mark.parametrize('name', ['cam_r50_5e_voc12.py',
                                  'deeplabv3plus_r101-d8_100e_voc12-seeds.py',
                                  'mars_deeplabv3plus_r101-d8_100e_voc12.py'])
def test_paper_voc_configs_run(name, tmp_path):
    root = _tiny_voc(tmp_path / 'voc', [15, 19])
    cfg = Config.fromfile(osp.join(MARS_DIR, name))
    cfg.work_dir = str(tmp_path / 'run')
    set_data_root(cfg._cfg_dict, root)
    _shrink(cfg)
    if name.startswith('cam'):
        assert cfg.train_cfg.max_epochs == 5 and cfg.model.num_classes == 21
        cfg.model.backbone.init_cfg = None
        cfg.model.data_preprocessor.size = (32, 32)
        cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)
    else:
        assert cfg.train_cfg.max_iters == 66100
        seg = cfg.model.get('segmentor', cfg.model)
        seg.backbone.init_cfg = None
        seg.backbone.depth = 50  # the R101 graph at R50 cost
        for m in (cfg.model, seg):
            if 'data_preprocessor' in m:
                m.data_preprocessor.size = (32, 32)
        cfg.train_dataloader.dataset.label_dir = osp.join(
            root, 'SegmentationClass')
        cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
        if 'complement_start_iter' in cfg.model:
            cfg.model.complement_start_iter = 0
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2


def _tiny_coco(root):
    (root / 'train2014').mkdir(parents=True)
    (root / 'annotations').mkdir()
    rng = np.random.default_rng(0)
    images, anns = [], []
    for i in range(1, 5):
        fn = f'COCO_train2014_{i:012d}.jpg'
        Image.fromarray(rng.integers(0, 255, (40, 56, 3), np.uint8)).save(
            root / 'train2014' / fn)
        images.append(dict(id=i, file_name=fn, height=40, width=56))
        anns.append(dict(id=i, image_id=i, category_id=1 if i % 2 else 18,
                         iscrowd=0, area=200, bbox=[5, 5, 20, 10],
                         segmentation=[[5, 5, 25, 5, 25, 15, 5, 15]]))
    js = dict(images=images, annotations=anns,
              categories=[dict(id=1, name='person'), dict(id=18,
                                                           name='dog')])
    path = root / 'annotations' / 'instances_train2014.json'
    path.write_text(json.dumps(js))
    return str(path)


@pytest.mark.parametrize('name', ['cam_r50_5e_coco14.py',
                                  'mars_deeplabv3plus_r101-d8_100e_coco14.py'])
def test_paper_coco_configs_run(name, tmp_path):
    from tools.data import coco_semantic_masks
    root = tmp_path / 'coco'
    ann = _tiny_coco(root)
    sem = str(root / 'SegmentationClass' / 'train2014')
    coco_semantic_masks.main([ann, sem])
    cfg = Config.fromfile(osp.join(MARS_DIR, name))
    cfg.work_dir = str(tmp_path / 'run')
    set_data_root(cfg._cfg_dict, str(root))
    _shrink(cfg)
    if name.startswith('cam'):
        assert cfg.model.num_classes == 81
        cfg.model.backbone.init_cfg = None
        cfg.model.data_preprocessor.size = (32, 32)
        cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)
    else:
        assert cfg.model.segmentor.decode_head.num_classes == 81
        cfg.model.segmentor.backbone.init_cfg = None
        cfg.model.segmentor.backbone.depth = 50
        cfg.model.data_preprocessor.size = (32, 32)
        cfg.model.complement_start_iter = 0
        cfg.train_dataloader.dataset.label_dir = sem
        cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2


@pytest.mark.parametrize('name', ['mars-debias_stego-vitb8_voc12.py',
                                  'mars-debias_stego-vitb8_coco14.py'])
def test_paper_debias_configs_build(name, tmp_path):
    """The ViT-B/8 (+ STEGO head) extractor of the paper-scale configs
    builds, and a missing weights file is a clear error."""
    from mmssl.registry import MODELS
    cfg = Config.fromfile(osp.join(MARS_DIR, name))
    assert cfg.debias.alpha == 0.4 and cfg.debias.k_bg == 2
    with pytest.raises(FileNotFoundError, match='dino_vitbase8'):
        MODELS.build(cfg.feature_extractor)
    ext_cfg = cfg.feature_extractor.copy()
    ext_cfg.update(checkpoint=None, stego_checkpoint=None, img_size=64)
    ext = MODELS.build(ext_cfg)
    import torch
    assert ext(torch.zeros(1, 3, 64, 48)).shape == (1, 768, 8, 6)
