# ImageNet-1k (ILSVRC CLS-LOC) for weakly supervised object localization:
# training images in class folders (Data/CLS-LOC/train/<wnid>/*.JPEG, image
# labels only), validation images with one Pascal VOC XML of boxes each
# (Data/CLS-LOC/val/*.JPEG, Annotations/CLS-LOC/val/*.xml); class order
# from LOC_synset_mapping.txt (sorted WordNet ids), as in the ILSVRC
# release. Pipelines as SAT's train_ImageNet.py / DataLoader/ILSVRC.py.
_base_ = ['./cub_wsol.py']
data_root = 'data/ILSVRC'
train_dataloader = dict(
    # train_ImageNet.py: 128 per GPU x 4 GPUs (DDP, drop_last).
    batch_size=128,
    dataset=dict(
        _delete_=True,
        type='ImageFolderDataset',
        data_root=data_root + '/Data/CLS-LOC/train',
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='VOCBoxClsDataset',
        data_root=data_root,
        img_dir='Data/CLS-LOC/val',
        ann_dir='Annotations/CLS-LOC/val',
        classes_file='LOC_synset_mapping.txt',
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
# evaluator_ImageNet.py: a single threshold, 0.3.
val_evaluator = dict(type='WSOLMetric', thresholds=(0.3, ))
test_evaluator = val_evaluator
