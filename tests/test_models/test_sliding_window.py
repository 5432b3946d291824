# Copyright (c) mmssl contributors. All rights reserved.
import pytest
import torch

from mmssl.models.utils.sliding_window import (
    gaussian_importance_map,
    sliding_window_inference,
)


@pytest.mark.parametrize('mode', ['gaussian', 'constant'])
def test_volume_not_divisible_by_the_patch(mode):
    torch.manual_seed(0)
    x = torch.randn(2, 1, 37, 20, 45)  # 20 < roi: padded, then cropped
    calls = []

    def predictor(t):
        calls.append(t.shape)
        return torch.cat([2 * t, t + 1], dim=1)

    y = sliding_window_inference(x, (16, 24, 16), predictor, overlap=0.5,
                                 mode=mode, sw_batch_size=3)
    assert y.shape == (2, 2, 37, 20, 45)
    torch.testing.assert_close(y[:, 0], 2 * x[:, 0])
    torch.testing.assert_close(y[:, 1], x[:, 0] + 1)
    assert all(tuple(s[2:]) == (16, 24, 16) for s in calls)
    # 4 x 1 x 5 windows (the last flush with the border), batches of 3
    # windows x 2 images
    assert sum(s[0] for s in calls) == 2 * 4 * 1 * 5


def test_blending_weights_a_position_dependent_predictor():
    """A predictor whose output depends on the window position: the blend
    is the weighted mean of the overlapping windows' values."""
    x = torch.zeros(1, 1, 12)

    def predictor(t):
        return torch.ones_like(t) * torch.arange(len(t)).view(-1, 1, 1)

    y = sliding_window_inference(x, 8, predictor, overlap=0.5,
                                 mode='constant', sw_batch_size=8)
    # windows start at 0 and 4: voxels 4..7 average the two
    assert y[0, 0, :4].tolist() == [0] * 4
    assert y[0, 0, 4:8].tolist() == [0.5] * 4
    assert y[0, 0, 8:].tolist() == [1] * 4


def test_gaussian_map_and_errors():
    w = gaussian_importance_map((9, 9))
    assert float(w.max()) == 1 and float(w[4, 4]) == 1
    assert float(w.min()) > 0 and float(w[0, 0]) < float(w[4, 0])
    with pytest.raises(ValueError, match='overlap'):
        sliding_window_inference(torch.zeros(1, 1, 8), 4, lambda t: t,
                                 overlap=1.0)
    with pytest.raises(ValueError, match='spatial dims'):
        sliding_window_inference(torch.zeros(1, 1, 8, 8), (4, 4, 4),
                                 lambda t: t)
