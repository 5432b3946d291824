# FixMatch on open-set digits, the baseline of the open-set digits
# leaderboard: the digits protocol with classes 0-5 seen (4 labels each, 24
# labeled images, mapped to 0..5) and 6-9 unseen. Unseen images are only in
# the unlabeled set (with every other training image) and in the test set,
# where all of them are labelled 6 ("unknown") for OpenSetMetric (closed-set
# accuracy on seen classes, AUROC of the outlier score, balanced accuracy
# over 6+1 classes; FixMatch has no outlier detector, so its outlier score
# is 1 - max softmax probability, MSP). Like IOMatch's
# `get_cifar_openset`, with the digits protocol's 30% test split and without
# putting the labeled images into the unlabeled stream. Everything else
# (method defaults, CPU-scale schedule, fast path) as the 4-labels config.
_base_ = ['./fixmatch_digits-cnn_2k_digits-4.py']
seen_classes = [0, 1, 2, 3, 4, 5]
model = dict(head=dict(num_classes=6))
train_dataloader = dict(dataset=dict(seen_classes=seen_classes))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='OpenSetTestDataset',
        dataset=dict(type='DigitsDataset', split='test', seed=0),
        seen_classes=seen_classes,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
val_evaluator = [dict(type='OpenSetMetric')]
test_evaluator = val_evaluator
