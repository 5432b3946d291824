# Copyright (c) mmssl contributors. All rights reserved.
"""WAD's student step and the SimCLR views."""
import pytest
import torch

from mmssl.models.utils import SimCLRAugment, WADStudentAugment
from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample


def _student():
    return MODELS.build(dict(
        type='SemiClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor', mean=[77.8],
                               std=[95.9]),
        backbone=dict(type='DigitsCNN', in_channels=1, widths=(8, 8, 16)),
        neck=dict(type='GlobalAveragePooling'),
        train_augment=dict(type='WADStudentAugment', flip_prob=0.0, pad=1,
                           pad_mode='constant', noise_std=0.15),
        head=dict(type='WADHead', num_classes=3, in_channels=16)))


def _batch(weights=(0.5, 0.0, 1.0)):
    g = torch.Generator().manual_seed(0)
    img = lambda: torch.randint(0, 255, (1, 8, 8), dtype=torch.uint8,  # noqa
                                generator=g)
    unsup = []
    for y, w in zip((2, 0, 1), weights):
        s = ClsDataSample().set_gt_label(y)
        if w is not None:
            s.set_field(w, 'wad_weight')
        unsup.append(s)
    return dict(
        inputs=dict(sup=[img() for _ in range(2)],
                    unsup=[img() for _ in range(3)]),
        data_samples=dict(sup=[ClsDataSample().set_gt_label(y)
                               for y in (0, 1)], unsup=unsup))


def test_wad_student_step_forwards_each_part_separately():
    model = _student()
    model.init_weights()
    sizes = []
    extract = model.extract_feat
    model.extract_feat = lambda x: sizes.append(len(x)) or extract(x)
    data = model.data_preprocessor(_batch(), training=True)
    losses = model(**data, mode='loss')
    assert sizes == [2, 3]  # as the official step: labeled, then unlabeled
    assert {'loss_x', 'loss_u', 'weight_mean'} <= set(losses)
    assert losses['weight_mean'].item() == pytest.approx(0.5)
    sum(v for k, v in losses.items() if 'loss' in k).backward()


def test_wad_head_needs_the_teacher_weights():
    model = _student()
    data = model.data_preprocessor(_batch((0.5, None, 1.0)), training=True)
    with pytest.raises(KeyError, match='wad_weight'):
        model(**data, mode='loss')


def test_simclr_views_draw_on_the_cpu_for_any_input():
    """A CPU generator gives the same views whatever the input's dtype (or
    device): every random draw is made on the CPU."""
    aug = SimCLRAugment(flip_prob=0.5)
    x = torch.rand(4, 3, 16, 16)
    a = aug(x, generator=torch.Generator().manual_seed(1))
    b = aug(x.double(), generator=torch.Generator().manual_seed(1))
    assert b.dtype == torch.float64
    torch.testing.assert_close(a, b.float(), atol=1e-5, rtol=0)
    assert a.min() >= 0 and a.max() <= 1


def test_student_augment_only_in_training():
    aug = WADStudentAugment(noise_std=0.15)
    x = torch.rand(2, 3, 8, 8)
    assert not torch.equal(aug(x), x)
    aug.eval()
    assert torch.equal(aug(x), x)
