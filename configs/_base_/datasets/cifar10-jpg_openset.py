# Open-set semi-supervised CIFAR-10 (JPEG copy), IOMatch's protocol
# (`get_cifar_openset` in the official semilearn/datasets/cv_datasets/
# cifar.py): the 6 animal classes 2..7 seen (labeled, mapped to 0..5 in
# ascending order), the vehicles 0, 1, 8, 9 unseen (in the unlabeled and
# test sets only); the unlabeled set is the whole training set, labeled
# images included (`include_lb_to_ulb=True`). Test: all 10,000 images,
# unseen ones labelled 6 (OpenSetMetric). Data layout: cifar10-jpg_ssl.py.
_base_ = ['./cifar10-jpg_ssl.py']
seen_classes = [2, 3, 4, 5, 6, 7]
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
