# TSDDNet stage 2 (our choice, configs/tsddnet/README.md explains): the fusion
# network (one Faster R-CNN with a diagnosis branch reading the lesion ROI
# through
# the detector's RoIAlign features and the classifier's crop features),
# trained end-to-end with self-distillation on every training image: the
# refined manual boxes and accepted pseudo boxes written by candidate
# selection, and class-only images (diagnosis losses only).
#   python tools/tsddnet/select_candidates.py ...  (configs/tsddnet/README.md)
#   python tools/train.py \
#       configs/tsddnet/tsddnet_r18_fpn_6e_synthetic-bus.py
# Initialised from the stage-1 networks (load_from: the merged checkpoint
# select_candidates.py writes). Deviations from our [inferred] paper-scale
# defaults (SGD lr
# 0.005, 24 epochs, ResNet-50): the stage-1 CPU networks, 6 epochs (600
# images, initialised from stage 1).
_base_ = [
    './faster-rcnn_r18_fpn_40e_synthetic-bus-stage1.py',
    '../_base_/models/tsddnet_lesion-cls_r18.py',
    '../_base_/tsddnet_selection.py',
]
model = dict(
    type='TSDDNet',
    _scope_='mmssl',
    classifier={{_base_.lesion_classifier}},
    num_classes=2,
    fusion=True,
    det_channels=1024,  # [inferred]: f_det = FC 1024 on the 7x7x256 RoIAlign
    fuse_channels=512,  # [inferred] width of the fusion MLP's hidden layer
    alpha=0.5,  # [inferred]: distillation weight
    temperature=3.,  # [inferred]: T = 3
    hint_weight=0.01)  # [inferred]: beta of the feature hints
train_dataloader = dict(
    dataset=dict(
        # written by tools/tsddnet/select_candidates.py
        ann_file='annotations/train_selected.json',
        box_fraction=None,
        subset='all'))
# candidate selection: the stage-1 training set (every image, stage 1's
# box split), read with the test pipeline
selection = dict(
    dataset=dict(
        ann_file='annotations/train.json',
        box_fraction={{_base_.box_fraction}},
        subset='all',
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file='data/synthetic_bus/annotations/val.json', metric='bbox'),
    dict(type='DiagnosisMetric'),
]
test_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file='data/synthetic_bus/annotations/test.json', metric='bbox'),
    dict(type='DiagnosisMetric'),
]
# [inferred]: stage 2 SGD lr 0.005
optim_wrapper = dict(optimizer=dict(lr=0.005))
max_epochs = 6
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[5], gamma=0.1),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=3)
default_hooks = dict(
    checkpoint=dict(interval=3, save_best='diag/auc', rule='greater'),
    # tools/test.py --show-dir: the diagnosis as a caption and the lesion
    # boxes scoring >= score_thr (at most max_boxes, highest first)
    visualization=dict(
        _delete_=True, type='LesionVisualizationHook', score_thr=0.3,
        max_boxes=3))
# the stage-1 detector and classifier, merged by select_candidates.py
load_from = 'work_dirs/tsddnet_select/stage1.pth'
