# FixMatch under WAD's class distribution mismatch on CIFAR-10 (JPEG copy),
# CPU scale: seen classes 0 and 1 (airplane, automobile) with 800 labels
# drawn at random from them, unlabeled = the other 9,200 airplane and
# automobile images + 36,801 images of the 8 other classes (mismatch 0.8),
# labeled images not in the unlabeled set; WAD's official setting, as
# ../_base_/datasets/cifar10-jpg_mismatch.py describes (its keys are
# repeated here: mmengine refuses a second dataset base beside the parent
# config). Test: all 10,000 test images, unseen classes labelled 2
# (OpenSetMetric; closed_acc is the official two-class test accuracy;
# outlier score 1 - max softmax). Method, network, schedule and fast path
# as fixmatch_cifar-cnn_5k_cifar10-jpg-250.py.
_base_ = ['./fixmatch_cifar-cnn_5k_cifar10-jpg-250.py']
seen_classes = [0, 1]
num_labels_per_class = None  # WAD draws 800 in total (num_labels)
model = dict(head=dict(num_classes=2))
train_dataloader = dict(
    dataset=dict(seen_classes=seen_classes, num_labels_per_class=None,
                 num_labels=800, unseen_ratio=0.8,
                 include_labeled_in_unlabeled=False))
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
