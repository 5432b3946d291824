# FixMatch, CIFAR-100 with 2,500 labels (25 per class); otherwise as the
# 400-label config (USB `fixmatch_cifar100_2500_0.yaml`).
_base_ = ['./fixmatch_wrn-28-8_1m_cifar100-400.py']
num_labels_per_class = 25
train_dataloader = dict(
    dataset=dict(num_labels_per_class=num_labels_per_class))
