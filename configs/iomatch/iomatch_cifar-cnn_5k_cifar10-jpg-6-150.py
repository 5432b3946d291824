# IOMatch on open-set CIFAR-10 (JPEG copy), CIFAR-6-150 at CPU scale (classes
# 2-7 seen with 25 labels each, 0, 1, 8, 9 unseen; protocol in
# ../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-6-150.py). Method defaults
# from the official config `config/openset_cv/iomatch/
# iomatch_cifar10_150_0.yaml` and IOMatch.get_argument
# (github.com/nukezil/IOMatch): p_cutoff 0.95, q_cutoff 0.5, mb/ulb/op loss
# ratios 1.0, projection 128, dist_align False (the CIFAR-10 yamls), mu 7,
# EMA 0.999, SGD 0.03 Nesterov wd 5e-4, 7/16 cosine. Deviations for CPU
# scale: those of the FixMatch CPU configs (5,000 iterations instead of
# 262,144, labeled batch 8 instead of 64, the small CNN instead of
# WRN-28-2, fast path), and the open-set loss off for the first 20
# iterations (the official first epoch is 1/256 of training: 1,024 of
# 262,144). Test-time rule: the paper's, argmax of the (K+1)-way open-set
# classifier (K = unknown); outlier score: its "unknown" probability.
_base_ = ['../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-6-150.py']
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
        op_warmup_iters=20,
        open_rule='open_head'))
