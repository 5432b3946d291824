# Semi-supervised CIFAR-10 (FixMatch / USB protocol). Expects the official
# "CIFAR-10 python version" extracted under data/cifar10:
#   data/cifar10/cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}
# (https://www.cs.toronto.edu/~kriz/cifar.html). N labels per class drawn
# from the 50,000 training images with data_seed; the rest unlabeled.
dataset_type = 'CIFAR10Dataset'
data_root = 'data/cifar10'
data_seed = 0
num_labels_per_class = 4  # 40 labels
# Per GPU: mmdet's MultiSourceSampler gives every rank a full batch, while
# USB's batch_size is global; on N GPUs use 64 / N to match USB.
labeled_batch_size = 64  # USB batch_size
mu = 7  # USB uratio

branch_field = ['sup', 'unsup_weak', 'unsup_strong']
# Weak (FixMatch, USB): random crop 32 from the image padded by 4 pixels
# (12.5%) with reflection, horizontal flip with p=0.5.
weak_pipeline = [
    dict(type='RandomCropPad', padding=4, padding_mode='reflect'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
# Strong (USB `transform_strong`): weak + RandAugment(3, 5) with Cutout.
strong_pipeline = weak_pipeline + [dict(type='RandAugment', num_ops=3)]
labeled_pipeline = weak_pipeline + [
    dict(type='mmdet.MultiBranch', branch_field=branch_field,
         sup=[dict(type='PackClsInputs')]),
]
unlabeled_pipeline = [
    dict(type='mmdet.MultiBranch', branch_field=branch_field,
         unsup_weak=weak_pipeline + [dict(type='PackClsInputs')],
         unsup_strong=strong_pipeline + [dict(type='PackClsInputs')]),
]
test_pipeline = [dict(type='PackClsInputs')]
infer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='PackClsInputs'),
]

train_dataloader = dict(
    batch_size=labeled_batch_size * (1 + mu),
    num_workers=4,
    persistent_workers=True,
    sampler=dict(
        type='mmdet.MultiSourceSampler',
        batch_size=labeled_batch_size * (1 + mu),
        source_ratio=[1, mu]),
    dataset=dict(
        type='SemiDataset',
        dataset=dict(type=dataset_type, data_root=data_root, split='train'),
        num_labels_per_class=num_labels_per_class,
        seed=data_seed,
        # USB `get_cifar(..., include_lb_to_ulb=True)`: the labeled images
        # are also in the unlabeled stream (split.json keeps them apart).
        include_labeled_in_unlabeled=True,
        labeled_pipeline=labeled_pipeline,
        unlabeled_pipeline=unlabeled_pipeline))
val_dataloader = dict(
    batch_size=256,  # USB eval_batch_size
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='Accuracy', topk=(1, 5)),
    dict(type='SingleLabelMetric'),
]
test_evaluator = val_evaluator
