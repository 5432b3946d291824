# Copyright (c) mmssl contributors. All rights reserved.
from .ssl_losses import (
                         consistency_loss,
                         fixed_threshold_mask,
                         iomatch_open_targets,
                         mb_sup_loss,
                         shrink_loss,
                         soft_ce_loss,
)

__all__ = [
    'soft_ce_loss', 'consistency_loss', 'fixed_threshold_mask', 'mb_sup_loss',
    'iomatch_open_targets', 'shrink_loss'
]
