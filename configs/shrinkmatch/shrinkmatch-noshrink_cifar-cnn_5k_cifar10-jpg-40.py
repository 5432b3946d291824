# Ablation of the cifar10-cpu suite's standard-40 setting: ShrinkMatch with
# the shrink loss switched off (`use_shrink=False`): the FixMatch+DA
# baseline of the official CIFAR code's ablation logs (CIFAR-100@400:
# 64.40 / 57.51 against ShrinkMatch 65.00 / 63.47 on seeds 0 / 1), i.e.
# the soft-target certain-set loss after distribution alignment, no
# shrunk class space.
# It separates what the shrink loss adds from what alignment adds to
# FixMatch at 4 labels per class.
# Otherwise shrinkmatch_cifar-cnn_5k_cifar10-jpg-40.py (same split, recipe
# and CPU-scale deviations).
_base_ = ['./shrinkmatch_cifar-cnn_5k_cifar10-jpg-40.py']
model = dict(head=dict(use_shrink=False))
