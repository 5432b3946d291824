# TSDDNet stage 1, classification network, paper scale on BUSI fold 0
# (our choice, configs/tsddnet/README.md explains; [inferred]): ResNet-50
# (ImageNet weights from a local file) on 224 px crops of the manual box, Adam
# 1e-4,
# 50 epochs. Not run here (no GPU on this machine).
#   python tools/train.py configs/tsddnet/lesion-cls_r50_50e_busi-stage1.py
_base_ = [
    '../_base_/models/tsddnet_lesion-cls_r50.py',
    '../_base_/datasets/busi_fold0.py',
    '../_base_/default_runtime.py',
]
model = {{_base_.lesion_classifier}}
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4))
max_epochs = 50
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
    checkpoint=dict(interval=10, max_keep_ckpts=1, save_best='diag/auc',
                    rule='greater'))
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
