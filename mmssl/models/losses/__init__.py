# Copyright (c) mmssl contributors. All rights reserved.
from .ssl_losses import (
    consistency_loss,
    fixed_threshold_mask,
    iomatch_open_targets,
    mb_sup_loss,
    shrink_loss,
    soft_ce_loss,
)
from .wad_losses import (
    nt_xent_loss,
    polynomial_decay,
    wad_pseudo_labels_and_weights,
    wad_scores,
    wad_select,
    wad_student_loss,
)

__all__ = [
    'soft_ce_loss', 'consistency_loss', 'fixed_threshold_mask', 'mb_sup_loss',
    'iomatch_open_targets', 'shrink_loss', 'nt_xent_loss', 'wad_scores',
    'wad_pseudo_labels_and_weights', 'wad_student_loss', 'wad_select',
    'polynomial_decay'
]
