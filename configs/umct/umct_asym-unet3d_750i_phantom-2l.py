# UMCT at CPU scale on the phantom benchmark: 2 labeled + 8 unlabeled
# training volumes, 3 views (axial, coronal, sagittal permutations), one
# AsymUNet3D per view. As in the full-scale configs (configs/umct/README.md
# says which values are the papers' and which are ours): 3x3x1 encoder kernels,
# 0.5 CE + 0.5 soft Dice, MC-dropout variance -> confidence 1/(U + 1e-6),
# soft fused pseudo labels from the other views, lambda_cot 0.2, SGD
# 7e-3 (stage 1) then constant 1e-3 (stage 2), sliding-window inference
# with overlap 0.5 and Gaussian blending, mean fusion of the views.
# Deviations for a 2-core CPU: 600 + 150 iterations instead of 20k + 5k
# (the same 4:1 ratio; 300 in all was too short to learn the lesion),
# 32^3 patches and batch 2 + 4 instead of 96^3 and 4 + 16, widths
# (8, 16, 32), K = 4 MC samples instead of 8-10, no ImageNet-pretrained
# ResNet-18 encoder (an asymmetric 3-D U-Net keeps the n x n x 1 kernels
# that give the views their diversity).
_base_ = [
    '../_base_/datasets/phantom_msd.py',
    '../_base_/schedules/umct_sgd_2stage.py',
    '../_base_/default_runtime.py'
]
stage1_iters = 600
stage2_iters = 150
model = dict(
    type='UMCTSegmentor',
    backbone=dict(type='AsymUNet3D', in_channels=1, channels=(8, 16, 32),
                  dropout=0.5),
    num_classes=3,
    views=[(1, 2, 0), (2, 0, 1), (1, 0, 2)],
    lambda_cot=0.2,
    cot_start_iter=stage1_iters,
    mc_samples=4,
    uncertainty=True,
    hard_pseudo_label=False,
    test_cfg=dict(roi_size=(32, 32, 32), overlap=0.5, mode='gaussian',
                  sw_batch_size=4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, milestones=[stage1_iters],
         gamma=1e-3 / 7e-3)
]
train_cfg = dict(max_iters=stage1_iters + stage2_iters,
                 val_interval=stage1_iters + stage2_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=25),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=stage1_iters, max_keep_ckpts=2,
                    save_last=True),
    # --show-dir: NIfTI label volumes and PNG montages
    visualization=dict(type='VolumeSegVisualizationHook'))
log_processor = dict(by_epoch=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
