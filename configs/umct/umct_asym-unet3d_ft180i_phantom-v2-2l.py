# Stage 2 of UMCT's co-training benchmark: UMCT co-training from the
# stage-1 networks (load_from, set by tools/benchmark/umct_benchmark.py),
# 2 labeled + 8 unlabeled 32^3 patches per step, the stage-2 schedule of
# supervised-mv_asym-unet3d_ft180i_phantom-v2-2l.py. Values:
# - lambda_cot 0.2, constant from the first step, soft fused pseudo labels
#   from the other views with confidence 1 / (MC variance + 1e-6): the
#   MedIA paper's formulas (third-party notes) and our choices, as in
#   configs/umct/README.md;
# - mc_samples K = 4 (ours; the papers' K is not known; 8-10 in the
#   paper-scale configs), dropout as stage 1 (element-wise, p 0.5:
#   the stage-1 config says why);
# - the unlabeled volumes keep their true labels as `log_seg` for the
#   log only (LabelForLoggingOnly): pl_dice/* is the Dice of each view's
#   MC mean and of each fused pseudo label on the unlabeled patches.
# Deviations for a 2-core CPU: 180 iterations of 2 + 8 patches instead of
# 5k of 4 + 16 (1,440 unlabeled patches in stage 2: 2.4 times the earlier
# phantom config's 150 x 4).
_base_ = ['./supervised-mv_asym-unet3d_ft180i_phantom-v2-2l.py']
model = dict(lambda_cot=0.2, cot_start_iter=0)
train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.train_batch_size}},
    num_workers=0,
    sampler=dict(
        type='mmdet.MultiSourceSampler',
        batch_size={{_base_.train_batch_size}},
        source_ratio=[{{_base_.labeled_batch_size}},
                      {{_base_.unlabeled_batch_size}}]),
    dataset=dict(
        type='VolumeSemiDataset',
        dataset=dict(type={{_base_.dataset_type}},
                     data_root={{_base_.data_root}},
                     cases={{_base_.train_cases}}),
        num_labeled={{_base_.num_labeled}},
        seed={{_base_.data_seed}},
        log_unlabeled_labels=True,
        labeled_pipeline={{_base_.labeled_pipeline}},
        unlabeled_pipeline={{_base_.unlabeled_pipeline}}))
