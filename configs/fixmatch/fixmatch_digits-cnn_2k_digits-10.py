# FixMatch on digits with 10 label(s) per class; otherwise as the 4-label
# config (the digits benchmark's labels-per-class axis).
_base_ = ['./fixmatch_digits-cnn_2k_digits-4.py']
num_labels_per_class = 10
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
