# Stage 2 of UMCT's co-training benchmark, the fully supervised gate: every
# one of the 18 training volumes labeled, 10 labeled patches per step (as
# many patches as UMCT's 2 + 8), the stage-2 schedule of
# supervised-mv_asym-unet3d_ft180i_phantom-v2-2l, started (load_from) from
# a stage 1 that also had all 18 labels (umct-stage1_* with
# train_dataloader.dataset.num_labeled=18; tools/benchmark/umct_benchmark.py
# runs both).
# The benchmark is only informative if this arm beats the 2-label
# supervised arm clearly (the driver checks >= 5 Dice points): otherwise
# there is nothing for unlabeled data to recover.
_base_ = ['./supervised-mv_asym-unet3d_ft180i_phantom-v2-2l.py']
num_labeled = 18
train_dataloader = dict(
    batch_size={{_base_.train_batch_size}},
    dataset=dict(num_labeled=num_labeled))
