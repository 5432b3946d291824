# Supervised baseline on scikit-learn's digits: all 1,257 training labels
# (the 70% train split of seed 0), the 540-image test split for evaluation.
# The main job of the README: trains in about a minute on 2 CPU cores.
_base_ = [
    '../_base_/models/digits_cnn.py',
    '../_base_/datasets/digits.py',
    '../_base_/schedules/sgd_cosine_30e.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(logger=dict(interval=10))
