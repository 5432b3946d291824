# FixMatch, CIFAR-10 with 250 labels (25 per class); otherwise as the
# 40-label config (USB `fixmatch_cifar10_250_0.yaml`).
_base_ = ['./fixmatch_wrn-28-2_1m_cifar10-40.py']
num_labels_per_class = 25
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
