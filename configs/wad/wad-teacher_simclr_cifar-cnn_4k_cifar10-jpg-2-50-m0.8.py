# WAD stage 1 (the SimCLR teacher) on the 50-label class-mismatch split:
# wad-teacher_simclr_cifar-cnn_4k_cifar10-jpg-2-800-m0.8.py with the split
# of ../fixmatch/fixmatch_cifar-cnn_5k_cifar10-jpg-2-50-m0.8.py (labels
# unused: the images are the 50 labeled + every other airplane/automobile
# image + the unseen images drawn for mismatch 0.8).
_base_ = ['./wad-teacher_simclr_cifar-cnn_4k_cifar10-jpg-2-800-m0.8.py']
train_dataloader = dict(dataset=dict(num_labels=50))
