# FixMatch, CIFAR-10 with 4,000 labels (400 per class); otherwise as the
# 40-label config (USB `fixmatch_cifar10_4000_0.yaml`).
_base_ = ['./fixmatch_wrn-28-2_1m_cifar10-40.py']
num_labels_per_class = 400
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
