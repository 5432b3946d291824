# UMCT on NIH Pancreas-CT with 10 % labels (6 labeled + 56 unlabeled of
# the 62 training volumes, 20 test volumes), the MedIA paper's main setting
# (as third-party notes give it):
# 3 views, lambda_cot 0.2, K = 8 MC-dropout samples, stage 1 = 20k
# supervised iterations with SGD 7e-3 (momentum 0.9, wd 4e-5), stage 2 =
# 5k co-training iterations at a constant 1e-3, batch 4 + 16 patches of
# 96^3, sliding-window inference (96^3, overlap 0.5, Gaussian) and mean
# fusion of the views. Network: AsymUNet3D (3x3x1 encoder, widths 32-256)
# instead of the paper's ImageNet-inflated ResNet-18.
# Paper (MedIA, via a third-party summary; not reproduced here, no GPU):
# 3-view UMCT about 75.6 % Dice, 6-view 77.87 %, supervised 66.75 %.
_base_ = [
    '../_base_/datasets/nih_pancreas_msd.py',
    '../_base_/schedules/umct_sgd_2stage.py',
    '../_base_/default_runtime.py'
]
model = dict(
    type='UMCTSegmentor',
    backbone=dict(type='AsymUNet3D', in_channels=1,
                  channels=(32, 64, 128, 256), dropout=0.5),
    num_classes=2,
    views=[(1, 2, 0), (2, 0, 1), (1, 0, 2)],
    lambda_cot=0.2,
    cot_start_iter={{_base_.stage1_iters}},
    mc_samples=8,
    test_cfg=dict(roi_size=(96, 96, 96), overlap=0.5, mode='gaussian',
                  sw_batch_size=4))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=5000,
                    max_keep_ckpts=2, save_last=True),
    # --show-dir: NIfTI label volumes and PNG montages
    visualization=dict(type='VolumeSegVisualizationHook'))
log_processor = dict(by_epoch=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
