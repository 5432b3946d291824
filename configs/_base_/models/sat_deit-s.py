# SAT (Wu et al., ICCV 2023) on DeiT-Small, as the official
# Model/SAT.py `deit_sat_small_patch16_224`: 224 input, patch 16 (14x14
# patches), 384 dims, 12 blocks, 6 heads, MLP ratio 4, qkv bias, LayerNorm
# eps 1e-6, dropout 0, drop path 0.1; one spatial token; spatial-query
# attention in the last 3 blocks (cur_depth >= 9); conv3x3 + GAP head on
# the patch tokens; loss = CE + |mean M - 0.25| + mean M*(1 - M*).
# Backbone initialised from ImageNet-1k DeiT-S weights
# (deit_small_patch16_224-cd65a155.pth, timm naming, converted on load);
# put the file at `checkpoints/` -- nothing is downloaded.
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        # ImageNet mean/std (train.py Normalize) on the 0..255 scale.
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375]),
    backbone=dict(
        type='SATVisionTransformer',
        img_size=224,
        patch_size=16,
        embed_dims=384,
        num_layers=12,
        num_heads=6,
        mlp_ratio=4,
        qkv_bias=True,
        drop_rate=0.,
        attn_drop_rate=0.,
        drop_path_rate=0.1,
        norm_cfg=dict(type='LN', eps=1e-6),
        spatial_token=True,
        sqa_layers=(9, 10, 11),
        pretrained='checkpoints/deit_small_patch16_224-cd65a155.pth'),
    head=dict(
        type='SATHead',
        num_classes=200,
        in_channels=384,
        area_thr=0.25,  # train.py --area_thr (CUB)
        loss_area_weight=1.0,
        loss_norm_weight=1.0,
        box_threshold=0.4))  # evaluator.py default threshold (CUB)
