# TSDDNet stage 1, detection network, paper scale on BUSI fold 0
# (every choice ours, configs/tsddnet/README.md explains; the
# paper's detector is not known): mmdet's Faster R-CNN R50-FPN,
# class-agnostic, ImageNet weights from checkpoints/resnet50-19c8e357.pth
# (nothing is downloaded), short side 512, SGD lr 0.01 for batch 8,
# 12 epochs with step decay. Not run here (no GPU on this machine).
#   python tools/train.py \
#       configs/tsddnet/faster-rcnn_r50_fpn_12e_busi-stage1.py
_base_ = [
    '../_base_/models/mmdet_faster-rcnn_r50_fpn.py',
    '../_base_/datasets/busi_fold0.py',
    '../_base_/default_runtime.py',
]
model = dict(
    # mmssl's LoadImageFromFile reads RGB
    data_preprocessor=dict(bgr_to_rgb=False),
    backbone=dict(init_cfg=dict(type='Pretrained',
                                checkpoint='checkpoints/'
                                'resnet50-19c8e357.pth')),
    # [inferred]: detection is localisation only ("lesion")
    roi_head=dict(bbox_head=dict(num_classes=1)))
# [inferred]: SGD momentum 0.9, wd 1e-4, lr 0.01 for batch 8, 12 epochs
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
max_epochs = 12
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[8, 11], gamma=0.1),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=4)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file='data/busi_coco/fold0_test.json', metric='bbox')
]
test_evaluator = val_evaluator
default_hooks = dict(
    checkpoint=dict(interval=4, max_keep_ckpts=1,
                    save_best='coco/bbox_mAP_50', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
visualizer = dict(type='mmdet.DetLocalVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
