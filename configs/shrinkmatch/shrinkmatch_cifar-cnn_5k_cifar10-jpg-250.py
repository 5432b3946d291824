# ShrinkMatch on CIFAR-10 (JPEG copy) with 250 labels (25 per class), CPU
# scale (the cifar10-cpu suite; same split, network, schedule, batch and
# fast path as ../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-250.py). Method
# defaults from the official CIFAR code (github.com/LiheYoung/ShrinkMatch,
# CIFAR/shrinkmatch.py, CIFAR/network/shrinkmatch.py,
# CIFAR/script/dist_train.sh): threshold 0.95, soft-target FixMatch loss on
# certain samples, distribution alignment with a queue of 32 batch means,
# the shrink loss on an auxiliary MLP head fed with the strong views,
# principle 1 (top-1 confidence) and principle 2 (EMA 0.999 of the certain
# ratio, restarted every 1,024 iterations as the CIFAR code restarts it
# every epoch), lambda_u 1, wd 5e-4. CPU-scale deviations: those of the
# FixMatch config (5,000 iterations, labeled batch 8, the small CNN).
_base_ = ['../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-250.py']
model = dict(
    head=dict(
        _delete_=True,
        type='ShrinkMatchHead',
        num_classes=10,
        in_channels=128,
        p_cutoff=0.95,
        lambda_u=1.0,
        hard_label=False,
        dist_align='queue',
        da_len=32,
        aux_rows='strong',
        rank_by='probs',
        ratio_momentum=0.999,
        # The CIFAR code's epoch is 1,024 iterations whatever the schedule;
        # kept literally, so four restarts in 5,000.
        ema_reset_interval=1024,
        # ShrinkMatch's BackBone: PyTorch's default init for fc too.
        init_cfg=None))
