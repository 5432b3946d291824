# scikit-learn's bundled digits (1,797 real 8x8 grayscale images, shipped
# with scikit-learn, nothing downloaded). Protocol of the mmssl digits
# benchmark: 30% stratified test split with random_state=seed.
dataset_type = 'DigitsDataset'
data_seed = 0

train_pipeline = [
    # Random translation by up to 1 pixel (12.5% of the 8-pixel side, the
    # FixMatch weak-view ratio); no flip: digits are not mirror-symmetric.
    dict(type='RandomCropPad', padding=1, padding_mode='constant'),
    dict(type='PackClsInputs'),
]
test_pipeline = [dict(type='PackClsInputs')]
# Turns a photo (any size, dark ink on light paper) into the 8x8 input the
# digits models were trained on; used by demo/ and the inferencer.
infer_pipeline = [
    dict(type='LoadImageFromFile', color_type='grayscale'),
    dict(type='Resize', scale=(8, 8), keep_ratio=False),
    dict(type='PackClsInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, split='train', seed=data_seed,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, split='test', seed=data_seed,
        pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
