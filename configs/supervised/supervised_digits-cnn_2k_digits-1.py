# The supervised-only digits baseline with 1 label(s) per class; otherwise
# as the 4-label config (same split as fixmatch_digits-cnn_2k_digits-1.py).
_base_ = ['./supervised_digits-cnn_2k_digits-4.py']
num_labels_per_class = 1
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
