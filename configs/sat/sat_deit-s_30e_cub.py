# SAT on CUB-200-2011, the official CUB recipe (github.com/wpy1999/SAT
# train.py): DeiT-S from ImageNet weights, AdamW lr 1e-4, wd 0.05, batch
# 256, 30 epochs, constant lr, lambda 0.25, seed 6; test-set evaluation
# from epoch 26 at thresholds 0.30-0.45. Paper: Top-1/Top-5/GT-known Loc
# 80.96 / 94.13 / 98.45 (not reproduced here: no GPU, no CUB on this
# machine). Needs data/CUB_200_2011 and checkpoints/deit_small_patch16_224-
# cd65a155.pth.
_base_ = [
    '../_base_/models/sat_deit-s.py', '../_base_/datasets/cub_wsol.py',
    '../_base_/schedules/adamw_const_30e.py', '../_base_/default_runtime.py'
]
randomness = dict(seed=6)  # train.py --seed 6
default_hooks = dict(
    logger=dict(interval=10),
    # train.py keeps best_top1 / best_gt / best_loc checkpoints.
    checkpoint=dict(
        save_best=['wsol/top1_cls', 'wsol/gt_known_loc', 'wsol/top1_loc'],
        rule='greater'))
