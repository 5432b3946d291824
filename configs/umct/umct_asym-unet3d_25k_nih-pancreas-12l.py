# UMCT on NIH Pancreas-CT with 20 % labels (12 labeled + 50 unlabeled).
# Paper (MedIA, third-party summary): 6-view UMCT 80.35 % Dice.
_base_ = ['./umct_asym-unet3d_25k_nih-pancreas-6l.py']
train_dataloader = dict(dataset=dict(num_labeled=12))
