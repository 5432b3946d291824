# MARS stage A at paper scale: IRNet's CAM classifier on VOC 2012
# train_aug (jiwoon-ahn/irn: net/resnet50_cam.py, step/train_cam.py,
# step/make_cam.py, run_sample.py). ResNet-50 (torchvision layout; IRNet
# strides (2, 2, 2, 1) = output stride 16), BN frozen, stem + stages 1-2
# frozen (IRNet detaches after stage 2), bias-free 1x1 classifier, GAP,
# multi-label soft margin loss; SGD without momentum (IRNet's
# PolyOptimizer), lr 0.1 backbone / 1.0 classifier, weight decay 1e-4,
# poly 0.9, batch 16, 5 epochs; CAMs at scales 1.0/0.5/1.5/2.0 with flips,
# background threshold 0.15. The paper's main baseline is RS+EPM
# (ResNet-101), whose training code is unreleased; IRNet's CAM is the
# CAM classifier the benchmark uses.
# ImageNet weights: torchvision's resnet50-19c8e357.pth (the same keys as
# mmseg's ResNet) in checkpoints/; nothing is downloaded.
#   python tools/train.py configs/mars/cam_r50_5e_voc12.py
# Seeds of train_aug (seed mIoU needs SegmentationClassAug):
#   python tools/test.py configs/mars/cam_r50_5e_voc12.py CKPT \
#       --cfg-options test_evaluator.output_dir=work_dirs/mars/seeds
_base_ = [
    '../_base_/datasets/voc12_wsss.py',
    '../_base_/default_runtime.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='CAMSegmentor',
    data_preprocessor=dict(
        type='mmseg.SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],  # RGB images
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=False,
        pad_val=0,
        seg_pad_val=255,
        size=(512, 512),
        test_cfg=dict(size_divisor=16)),
    backbone=dict(
        type='mmseg.ResNet',
        depth=50,
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        out_indices=(3, ),
        frozen_stages=2,
        norm_cfg=norm_cfg,
        norm_eval=True,
        init_cfg=dict(type='Pretrained',
                      checkpoint='checkpoints/resnet50-19c8e357.pth')),
    num_classes=21,
    in_channels=2048,
    bg_threshold=0.15,
    test_scales=(1.0, 0.5, 1.5, 2.0),
    test_flip=True,
    # stage A's optional dense CRF of the seeds: dict() for IRNet's
    # crf_inference_label values (pip install pydensecrf2); off by default
    crf=None)
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type={{_base_.dataset_type}},
                 data_root={{_base_.data_root}},
                 ann_file={{_base_.train_split}},
                 cls_labels='cls_labels.json',
                 data_prefix=dict(img_path='JPEGImages', seg_map_path=None),
                 pipeline={{_base_.cls_train_pipeline}}))
# seeds of train_aug, scored against its SBD masks
test_dataloader = dict(
    dataset=dict(ann_file={{_base_.train_split}},
                 data_prefix=dict(img_path='JPEGImages',
                                  seg_map_path={{_base_.gt_dir}})))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'classifier': dict(lr_mult=10.)}))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., by_epoch=True, begin=0,
         end=5, convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1,
                    save_last=True),
    visualization=dict(_delete_=True, type='mmseg.SegVisualizationHook'))
visualizer = dict(type='mmseg.SegLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
