# The WAD ablation with every weight = 1 (the teacher's pseudo labels used
# without weight-aware distillation), otherwise exactly
# wad_cifar-cnn_6x500_cifar10-jpg-2-50-m0.8.py (same split, teacher,
# student, rounds and transfers; the cifar10-cpu suite hands it the teacher
# the WAD run of the same seed trained). If WAD does not beat it, its
# weights are not what helps.
_base_ = ['./wad_cifar-cnn_6x500_cifar10-jpg-2-50-m0.8.py']
train_cfg = dict(uniform_weights=True)
