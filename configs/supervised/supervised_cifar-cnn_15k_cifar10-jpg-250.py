# The supervised-only baseline of the cifar10-cpu suite's `standard-15k`
# probe: supervised_cifar-cnn_5k_cifar10-jpg-250.py (the same 250 labeled
# images, network, batch, augmentation and EMA evaluation) trained for
# 15,000 iterations like fixmatch_cifar-cnn_15k_cifar10-jpg-250.py, so the
# two arms see the same schedule.
_base_ = ['./supervised_cifar-cnn_5k_cifar10-jpg-250.py']
max_iters = 15000
train_cfg = dict(max_iters=max_iters)
