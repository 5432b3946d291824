# TSDDNet stage 2, paper scale on BUSI fold 0 (our choice,
# configs/tsddnet/README.md explains; [inferred]): the fusion network of the
# R50-FPN detector and
# the ResNet-50 classifier, self-distillation alpha 0.5, T 3, beta 0.01,
# SGD lr 0.005, 24 epochs. Not run here (no GPU on this machine).
#   python tools/tsddnet/select_candidates.py \
#       configs/tsddnet/tsddnet_r50_fpn_24e_busi.py \
#       --det-checkpoint DET.pth --cls-checkpoint CLS.pth \
#       --split-file data/busi_coco/fold0_train_box20_seed0.json \
#       --out data/busi_coco/fold0_train_selected.json
#   python tools/train.py configs/tsddnet/tsddnet_r50_fpn_24e_busi.py
_base_ = [
    './faster-rcnn_r50_fpn_12e_busi-stage1.py',
    '../_base_/models/tsddnet_lesion-cls_r50.py',
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
        ann_file='busi_coco/fold0_train_selected.json',
        split_file=None,  # the selected json's boxes are all kept
        subset='all'))
selection = dict(
    dataset=dict(
        ann_file='busi_coco/fold0_train.json',
        split_file={{_base_.box_split}},
        subset='all',
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
val_evaluator = [
    dict(type='mmdet.CocoMetric',
         ann_file='data/busi_coco/fold0_test.json', metric='bbox'),
    dict(type='DiagnosisMetric'),
]
test_evaluator = val_evaluator
# [inferred]: stage 2 SGD lr 0.005, 24 epochs
optim_wrapper = dict(optimizer=dict(lr=0.005))
max_epochs = 24
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[16, 22], gamma=0.1),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=4)
default_hooks = dict(
    checkpoint=dict(interval=4, save_best='diag/auc', rule='greater'),
    # tools/test.py --show-dir: the diagnosis as a caption and the lesion
    # boxes scoring >= score_thr (at most max_boxes, highest first)
    visualization=dict(
        _delete_=True, type='LesionVisualizationHook', score_thr=0.3,
        max_boxes=3))
# the stage-1 detector and classifier, merged by select_candidates.py
load_from = 'work_dirs/tsddnet_select/stage1.pth'
