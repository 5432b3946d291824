# TSDDNet stage 1, classification network (our choice,
# configs/tsddnet/README.md explains): benign/malignant from the crop of the
# manual box (grown by a 0.1 context
# margin, RoIAlign-resized), trained on the images that have a box.
#   python tools/train.py \
#       configs/tsddnet/lesion-cls_r18_50e_synthetic-bus-stage1.py
# Validation crops the exact lesion box (ROI-given diagnosis).
# Deviations from the paper-scale [inferred] defaults (ResNet-50 pretrained,
# 224 px crops, Adam 1e-4, 50 epochs), for a 2-core CPU: ResNet-18 from
# scratch (no downloads), 64 px crops, Adam 1e-3 (from scratch).
_base_ = [
    '../_base_/models/tsddnet_lesion-cls_r18.py',
    '../_base_/datasets/synthetic_bus.py',
    '../_base_/default_runtime.py',
]
model = {{_base_.lesion_classifier}}
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=1e-4))
max_epochs = 50  # [inferred]: classifier 50 epochs
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
val_evaluator = [dict(type='DiagnosisMetric')]
test_evaluator = val_evaluator
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=10, max_keep_ckpts=1, save_best='diag/auc',
                    rule='greater'))
# which training images kept their box: split.json in the work dir
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
