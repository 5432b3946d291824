# Supervised multi-view baseline of the phantom benchmark: UMCT's three
# view networks and schedule (750 iterations, the same lr drop), trained
# on the 2 labeled volumes only (lambda_cot = 0, no unlabeled batch);
# test-time fusion as UMCT.
_base_ = ['./umct_asym-unet3d_750i_phantom-2l.py']
model = dict(lambda_cot=0.0)
train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.labeled_batch_size}},
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='VolumeSplitDataset',
        subset='labeled',
        dataset=dict(type={{_base_.dataset_type}},
                     data_root={{_base_.data_root}},
                     cases={{_base_.train_cases}}),
        num_labeled={{_base_.num_labeled}},
        seed={{_base_.data_seed}},
        pipeline={{_base_.labeled_pipeline}}))
