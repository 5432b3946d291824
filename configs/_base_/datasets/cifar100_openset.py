# Open-set semi-supervised CIFAR-100, IOMatch's protocol
# (`get_cifar_openset` in semilearn/datasets/cv_datasets/cifar.py): the seen
# classes are the fine classes whose super-class index is below K/5, in the
# official fixed 100-entry super-class table (CIFAR-100's coarse labels);
# K = 50 here (10 super-classes), children set K = 20 or 80. Seen classes
# are mapped to 0..K-1 in ascending order; the unlabeled set is the whole
# training set (labeled images included, `include_lb_to_ulb=True`); test:
# all 10,000 images, unseen labelled K. Data layout: see cifar100_ssl.py.
_base_ = './cifar100_ssl.py'
# fine classes with super-class < 10
seen_classes = [
    0, 1, 3, 4, 5, 6, 7, 9, 10, 12, 14, 16, 17, 18, 20, 22, 24, 25, 28, 30, 32,
    37, 39, 40, 42, 43, 51, 53, 54, 55, 57, 61, 62, 67, 68, 70, 72, 73, 76, 82,
    83, 84, 86, 87, 88, 91, 92, 94, 95, 97
]
train_dataloader = dict(dataset=dict(seen_classes=seen_classes))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='OpenSetTestDataset',
        dataset=dict(type='CIFAR100Dataset', data_root='data/cifar100',
                     split='test'),
        seen_classes=seen_classes,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
val_evaluator = [dict(type='OpenSetMetric')]
test_evaluator = val_evaluator
