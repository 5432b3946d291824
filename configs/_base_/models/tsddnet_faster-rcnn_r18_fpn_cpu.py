# TSDDNet's stage-1 detection network at CPU scale, shared by the synthetic
# benchmark (faster-rcnn_r18_fpn_40e_synthetic-bus-stage1.py) and the BUSI
# CPU suite (faster-rcnn_r18_fpn_12e_busi-cpu-stage1.py), whose headers say
# where each value comes from: a class-agnostic ("lesion") Faster R-CNN,
# deviating from the [inferred] paper scale (ImageNet ResNet-50,
# 256-channel FPN) for a 2-core CPU: ResNet-18 from scratch (no downloads),
# 64-channel FPN/RPN/RoI features and a 256-wide box head (4x faster than
# 256/1024 on 2 cores), fewer proposals; the [inferred] paper-scale SGD.
_base_ = ['./mmdet_faster-rcnn_r50_fpn.py']
model = dict(
    # ultrasound is gray (a few BUSI scans are RGB): channel order is
    # irrelevant
    data_preprocessor=dict(bgr_to_rgb=False),
    backbone=dict(depth=18, frozen_stages=-1, norm_eval=False,
                  init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
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
