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
    '../_base_/models/tsddnet_faster-rcnn_r18_fpn_cpu.py',
    '../_base_/datasets/synthetic_bus.py',
    '../_base_/default_runtime.py',
]
# anchors of scale 4 (16-256 px): the lesions are 19-51 px
model = dict(rpn_head=dict(anchor_generator=dict(scales=[4])))
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
