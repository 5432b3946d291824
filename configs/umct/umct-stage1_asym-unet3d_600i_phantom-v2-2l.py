# Stage 1 of UMCT's co-training benchmark on the version-2 phantoms
# (tools/benchmark/umct_benchmark.py): the papers' view-wise supervised
# training, here of the 3 view networks on the 2 labeled volumes only.
# Its checkpoint is shared by every stage-2 arm of a seed
# (umct_*_ft*, umct-eqw_*_ft*, supervised-*_ft*), so the arms differ only
# in what stage 2 does. Sources of the values:
# - views, AsymUNet3D (3x3x1 encoder kernels, widths 8-16-32), dropout 0.5
#   before the last decoder stage and the classifier: as the phantom
#   config umct_asym-unet3d_750i_phantom-2l.py (README: the paper's
#   ResNet-18 is not used);
# - dropout_type='element' (nn.Dropout, p 0.5; the papers: "dropout",
#   not channel-wise), measured on seed 0 against 'channel' (Dropout3d,
#   which zeroes whole maps of the 8-channel classifier input): with
#   channel dropout the 2-label stage 1 left the sagittal view predicting
#   no organ (test Dice 0, and through its confident background the
#   other views' fused pseudo labels fell to Dice 1-6), with element-wise
#   dropout every view learned (configs/umct/README.md);
# - SGD lr 7e-3, momentum 0.9, weight decay 4e-5, constant: the papers'
#   stage 1 (third-party notes);
# - 0.5 CE + 0.5 soft Dice: the unofficial script's loss (README).
# Deviations for a 2-core CPU: 600 iterations instead of 20k, batch 2
# labeled 32^3 patches instead of 4 x 96^3 (patches are cubic in voxels:
# 32 x 32 x 80 mm at the phantoms' 1 x 1 x 2.5 mm), no isotropic
# resampling (the anisotropy is the point of this benchmark).
_base_ = [
    '../_base_/datasets/phantom_msd_v2.py',
    '../_base_/default_runtime.py'
]
stage1_iters = 600
model = dict(
    type='UMCTSegmentor',
    backbone=dict(type='AsymUNet3D', in_channels=1, channels=(8, 16, 32),
                  dropout=0.5, dropout_type='element'),
    num_classes=2,
    views=[(1, 2, 0), (2, 0, 1), (1, 0, 2)],
    lambda_cot=0.0,  # stage 1: supervised only
    cot_start_iter=0,
    mc_samples=4,
    uncertainty=True,
    hard_pseudo_label=False,
    test_cfg=dict(roi_size=(32, 32, 32), overlap=0.5, mode='gaussian',
                  sw_batch_size=4))
# labeled volumes only (the split drawn with the run's seed, saved to
# <work_dir>/split.json by SaveSplitHook; stage 2 reads it back)
train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.labeled_batch_size}},
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='VolumeSplitDataset',
        subset='labeled',
        dataset=dict(type={{_base_.dataset_type}},
                     data_root={{_base_.data_root}},
                     cases={{_base_.train_cases}}),
        num_labeled={{_base_.num_labeled}},
        seed={{_base_.data_seed}},
        pipeline={{_base_.labeled_pipeline}}))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=7e-3, momentum=0.9, weight_decay=4e-5))
param_scheduler = []
train_cfg = dict(type='IterBasedTrainLoop', max_iters=stage1_iters,
                 val_interval=stage1_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=25),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=stage1_iters, max_keep_ckpts=1,
                    save_last=True),
    # --show-dir: NIfTI label volumes and PNG montages
    visualization=dict(type='VolumeSegVisualizationHook'))
log_processor = dict(by_epoch=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='SaveSplitHook')]
