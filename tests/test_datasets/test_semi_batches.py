# Copyright (c) mmssl contributors. All rights reserved.
"""Labeled:unlabeled batch composition (mmdet's MultiSourceSampler over
SemiDataset), in one process and as two ranks."""
import itertools
from unittest import mock

import pytest
from mmengine.dataset import pseudo_collate

from mmssl.datasets import DigitsDataset, SemiDataset
from mmssl.registry import DATA_SAMPLERS


@pytest.fixture(scope='module')
def semi():
    return SemiDataset(DigitsDataset(split='train', seed=0),
                       num_labels_per_class=4, seed=0)


def _sampler(dataset, batch, mu, rank=0, world_size=1):
    path = 'mmdet.datasets.samplers.multi_source_sampler.get_dist_info'
    with mock.patch(path, return_value=(rank, world_size)):
        return DATA_SAMPLERS.build(dict(
            type='mmdet.MultiSourceSampler', batch_size=batch * (1 + mu),
            source_ratio=[1, mu], seed=3),
            default_args=dict(dataset=dataset))


def test_each_batch_is_b_labeled_then_mu_b_unlabeled(semi):
    b, mu = 4, 7
    sampler = _sampler(semi, b, mu)
    n_lab = len(semi.labeled)
    indices = list(itertools.islice(iter(sampler), 5 * b * (1 + mu)))
    for k in range(5):
        batch = indices[k * b * (1 + mu):(k + 1) * b * (1 + mu)]
        assert all(i < n_lab for i in batch[:b])
        assert all(i >= n_lab for i in batch[b:])


def test_ranks_get_disjoint_shards_of_both_streams(semi):
    b, mu, steps = 2, 3, 10
    n_lab = len(semi.labeled)
    per_rank = []
    for rank in (0, 1):
        sampler = _sampler(semi, b, mu, rank=rank, world_size=2)
        per_rank.append(list(itertools.islice(iter(sampler),
                                              steps * b * (1 + mu))))
    lab = [{i for i in idx if i < n_lab} for idx in per_rank]
    unlab = [{i for i in idx if i >= n_lab} for idx in per_rank]
    assert lab[0] and lab[1] and unlab[0] and unlab[1]
    # Within one pass over each stream, the ranks' shards do not overlap.
    assert not unlab[0] & unlab[1]
    first = [idx[:b] for idx in per_rank]
    assert not set(first[0]) & set(first[1])


def test_views_of_a_batch(semi):
    """The digits config's pipelines give the sup/weak/strong branches."""
    import os.path as osp

    from mmengine.config import Config

    from mmssl.registry import DATASETS
    from tests.helpers.runner_utils import ROOT
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs', 'fixmatch', 'fixmatch_digits-cnn_2k_digits-4.py'))
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    items = [ds[0], ds[len(ds.labeled)]]
    batch = pseudo_collate(items)
    assert batch['inputs']['sup'][0].shape == (1, 8, 8)
    assert batch['inputs']['sup'][1] is None
    assert batch['inputs']['unsup_weak'][1].shape == (1, 8, 8)
    assert batch['inputs']['unsup_strong'][1].shape == (1, 8, 8)
    assert 'gt_label' not in batch['data_samples']['unsup_weak'][1]
