# FixMatch on open-set CIFAR-10 (JPEG copy), the baseline of IOMatch's
# setting at CPU scale: classes 2-7 seen with 25 labels each (150 labeled
# images, "CIFAR-6-150"), the vehicles 0, 1, 8, 9 unseen, in the unlabeled
# set (40 % of it, labeled images included) and in the test set, where all
# of them are labelled 6 ("unknown"); IOMatch's `get_cifar_openset`, as
# ../_base_/datasets/cifar10-jpg_openset.py describes (mmengine refuses a
# second dataset base beside the parent config, so its keys are repeated
# here). FixMatch has no outlier detector: OpenSetMetric's outlier score is
# 1 - max softmax (MSP), unknown when above 0.5. Everything else as the
# 250-label config.
_base_ = ['./fixmatch_cifar-cnn_5k_cifar10-jpg-250.py']
seen_classes = [2, 3, 4, 5, 6, 7]
model = dict(head=dict(num_classes=6))
train_dataloader = dict(dataset=dict(seen_classes=seen_classes))
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
