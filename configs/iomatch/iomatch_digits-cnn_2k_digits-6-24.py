# IOMatch on open-set digits (classes 0-5 seen with 4 labels each, 6-9 unseen;
# protocol in ../fixmatch/fixmatch_digits-cnn_2k_digits-6-24.py), CPU scale.
# Method defaults from the official CIFAR-10 configs
# (`config/openset_cv/iomatch/iomatch_cifar10_24_0.yaml`,
# IOMatch.get_argument): p_cutoff 0.95, q_cutoff 0.5, mb/ulb/op loss ratios
# 1.0, projection 128, dist_align False (the CIFAR-10 setting; 6 seen classes
# as CIFAR-6), mu 7, EMA 0.999, SGD 0.03 Nesterov, 7/16 cosine. Deviations for
# CPU scale (as the FixMatch digits configs): 2,000 iterations instead of
# 262,144, labeled batch 16 instead of 64, the digits CNN instead of a
# WRN-28-2, and the open-set loss off for the first 8 iterations (the official
# first epoch is 1/256 of training: 1,024 of 262,144 iterations). Test-time
# rule: the paper's, argmax of the (K+1)-way open-set classifier (K = unknown);
# outlier score: its "unknown" probability.
_base_ = ['../fixmatch/fixmatch_digits-cnn_2k_digits-6-24.py']
model = dict(
    head=dict(
        _delete_=True,
        type='IOMatchHead',
        num_classes=6,
        in_channels=128,
        proj_dim=128,
        p_cutoff=0.95,
        q_cutoff=0.5,
        lambda_u=1.0,
        lambda_mb=1.0,
        lambda_op=1.0,
        dist_align=False,
        da_len=128,
        op_warmup_iters=8,
        open_rule='open_head'))
