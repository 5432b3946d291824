# TSDDNet stage 1, detection network (our choice, configs/tsddnet/README.md
# explains): a class-agnostic ("lesion") Faster R-CNN trained on the images
# that have
# a (coarse) manual box. CPU scale on the synthetic benchmark.
#   python tools/train.py \
#       configs/tsddnet/faster-rcnn_r18_fpn_40e_synthetic-bus-stage1.py
# Deviations from the paper-scale [inferred] defaults (faster-rcnn_r50_fpn,
# pretrained, 12 epochs, short side 512), all for a 2-core CPU: ResNet-18
# from scratch (no downloads), 128 px images, anchors of scale 4 (16-256
# px, the lesions are 19-51 px), 64-channel FPN/RPN/RoI features and a
# 256-wide box head (4x faster than 256/1024 on 2 cores), fewer proposals,
# 40 epochs.
_base_ = [
    '../_base_/models/mmdet_faster-rcnn_r50_fpn.py',
    '../_base_/datasets/synthetic_bus.py',
    '../_base_/default_runtime.py',
]
model = dict(
    # the images are gray: channel order is irrelevant
    data_preprocessor=dict(bgr_to_rgb=False),
    backbone=dict(depth=18, frozen_stages=-1, norm_eval=False,
                  init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64,
                  anchor_generator=dict(scales=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        # [inferred]: detection is localisation only ("lesion")
        bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=1)),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=300),
        rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=300)))
# [inferred]: SGD momentum 0.9, wd 1e-4, lr 0.01 for batch 8; step decay
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
max_epochs = 40
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[30, 37], gamma=0.1),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# the detector alone has no diagnosis: lesion AP only
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file='data/synthetic_bus/annotations/val.json', metric='bbox')
]
test_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file='data/synthetic_bus/annotations/test.json', metric='bbox')
]
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=10, max_keep_ckpts=1,
                    save_best='coco/bbox_mAP_50', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
visualizer = dict(type='mmdet.DetLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
log_processor = dict(by_epoch=True)
# which training images kept their box: split.json in the work dir
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
