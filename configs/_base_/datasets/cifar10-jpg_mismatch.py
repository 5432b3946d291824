# Class-mismatch semi-supervised CIFAR-10 (JPEG copy), WAD's setting as its
# official code defines it (github.com/RUC-DWBI-ML/research, WAD-master/:
# distillation_main.py `target_list = [0, 1]`, argument.py
# `initial_budget 800`, `mismatch 0.8`, datasets.py Get_initial_dataset /
# Get_mismatch_unlabeled_dataset): seen (target) classes 0 and 1 (airplane,
# automobile); 800 labels drawn at random from all their training images
# (not per class); unlabeled = every other airplane/automobile image (9,200)
# plus ceil(0.8 * 9,200 / 0.2) = 36,801 images of the 8 other classes drawn
# at random, so 80 % of the unlabeled set is unseen; labeled images are not
# in the unlabeled set. Deviation: the split is drawn with the run's seed
# (the official code fixes it with seed 0 and varies only the network
# init), so each seed of the benchmark is a different draw, the same one for
# every method. Test: all 10,000 test images, unseen classes labelled 2
# (OpenSetMetric; its closed_acc over the 2,000 airplane/automobile images is
# the official test accuracy). Data layout: cifar10-jpg_ssl.py.
_base_ = ['./cifar10-jpg_ssl.py']
seen_classes = [0, 1]
num_labels = 800
mismatch = 0.8
train_dataloader = dict(
    dataset=dict(seen_classes=seen_classes, num_labels=num_labels,
                 unseen_ratio=mismatch, include_labeled_in_unlabeled=False))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='OpenSetTestDataset',
        dataset=dict(type='CIFAR10JPEGDataset', data_root='data/cifar10-jpg',
                     split='test'),
        seen_classes=seen_classes,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
val_evaluator = [dict(type='OpenSetMetric')]
test_evaluator = val_evaluator
