# Copyright (c) mmssl contributors. All rights reserved.
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmssl.models import WideResNet
from mmssl.registry import MODELS
from mmssl.structures import ClsDataSample


def _usb_num_params(widen_factor, num_classes, depth=28, in_channels=3):
    """Parameters of USB's ``WideResNet`` (semilearn/nets/wrn/wrn.py),
    counted from its definition: every conv has a bias, BN is affine, the
    shortcut is a 1x1 conv (with bias) where channels change, then the final
    BN and the ``fc`` classifier."""
    n = (depth - 4) // 6
    ch = [16, 16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
    total = in_channels * ch[0] * 9 + ch[0]  # stem conv1
    for g in range(3):
        for j in range(n):
            c_in, c_out = (ch[g] if j == 0 else ch[g + 1]), ch[g + 1]
            total += 2 * c_in  # bn1
            total += c_in * c_out * 9 + c_out  # conv1
            total += 2 * c_out  # bn2
            total += c_out * c_out * 9 + c_out  # conv2
            if c_in != c_out:
                total += c_in * c_out + c_out  # convShortcut
    total += 2 * ch[3]  # final bn1
    total += ch[3] * num_classes + num_classes  # fc
    return total


def _num_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('widen_factor,num_classes,expected', [
    (2, 10, 1_469_642),  # wrn_28_2, CIFAR-10 (USB/FixMatch: "1.47M")
    (8, 100, 23_409_092),  # wrn_28_8, CIFAR-100 ("23.4M")
])
def test_param_count_matches_usb(widen_factor, num_classes, expected):
    assert _usb_num_params(widen_factor, num_classes) == expected
    net = WideResNet(depth=28, widen_factor=widen_factor)
    assert net.out_channels == 64 * widen_factor
    fc = nn.Linear(net.out_channels, num_classes)
    assert _num_params(net) + _num_params(fc) == expected


def test_state_dict_keys_follow_usb():
    keys = set(WideResNet(depth=10, widen_factor=2).state_dict())
    for k in ('conv1.weight', 'conv1.bias', 'block1.layer.0.bn1.weight',
              'block1.layer.0.convShortcut.weight',
              'block2.layer.0.conv2.bias', 'block3.layer.0.bn2.running_mean',
              'bn1.weight', 'bn1.num_batches_tracked'):
        assert k in keys
    # WRN-10-1: the first block keeps 16 channels, so it has no shortcut
    keys = set(WideResNet(depth=10, widen_factor=1).state_dict())
    assert 'block1.layer.0.convShortcut.weight' not in keys
    assert 'block2.layer.0.convShortcut.weight' in keys


def test_usb_hyper_parameters_and_init():
    net = WideResNet(depth=16, widen_factor=2)
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert bns and all(m.momentum == 0.001 and m.eps == 0.001 for m in bns)
    assert all(torch.all(m.weight == 1) and torch.all(m.bias == 0)
               for m in bns)
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    assert all(m.bias is not None for m in convs)
    assert all(m.negative_slope == 0.1 for m in net.modules()
               if isinstance(m, nn.LeakyReLU))
    # kaiming_normal_(fan_out, leaky_relu): std = gain / sqrt(fan_out)
    w = net.block3.layer[1].conv1.weight
    gain = nn.init.calculate_gain('leaky_relu')
    std = gain / (w.shape[0] * 9)**0.5
    assert abs(w.std().item() / std - 1) < 0.05
    with pytest.raises(ValueError, match='6n'):
        WideResNet(depth=27)


def _ref_block(blk, x):
    """USB's BasicBlock.forward written out with the block's weights."""
    def bn_act(bn, t):
        t = F.batch_norm(t, bn.running_mean, bn.running_var, bn.weight,
                         bn.bias, False, 0.0, bn.eps)
        return F.leaky_relu(t, 0.1)

    if blk.convShortcut is not None:  # activate before residual
        x = bn_act(blk.bn1, x)
        out = x
        short = blk.convShortcut(x)
    else:
        out = bn_act(blk.bn1, x)
        short = x
    out = bn_act(blk.bn2, blk.conv1(out))
    return short + blk.conv2(out)


def test_forward_shapes_and_block_semantics():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        outs = WideResNet(depth=28, widen_factor=2).eval()(x)
    assert isinstance(outs, tuple) and len(outs) == 1
    assert outs[0].shape == (2, 128, 8, 8)
    net = WideResNet(depth=16, widen_factor=2).eval()
    for m in net.modules():  # non-trivial BN statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    with torch.no_grad():
        outs = net(x)
        ref = net.conv1(x)
        for group in (net.block1, net.block2, net.block3):
            for blk in group.layer:
                ref = _ref_block(blk, ref)
        ref = F.leaky_relu(net.bn1(ref), 0.1)
    assert torch.allclose(outs[0], ref, atol=1e-5)
    net8 = WideResNet(depth=10, widen_factor=8, in_channels=1)
    assert net8(torch.randn(1, 1, 32, 32))[0].shape == (1, 512, 8, 8)


def test_image_classifier_with_wide_resnet():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='ImageClassifier',
        data_preprocessor=dict(
            type='ImgDataPreprocessor', mean=[125.3, 123.0, 113.9],
            std=[63.0, 62.1, 66.7]),
        backbone=dict(type='WideResNet', depth=10, widen_factor=2),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=128)))
    model.init_weights()
    inputs = [torch.randint(0, 255, (3, 32, 32), dtype=torch.uint8)
              for _ in range(2)]
    samples = [ClsDataSample().set_gt_label(i) for i in range(2)]
    data = model.data_preprocessor(
        dict(inputs=inputs, data_samples=samples), training=True)
    losses = model(**data, mode='loss')
    assert losses['loss'].requires_grad and losses['loss'] > 0
    losses['loss'].backward()
    assert model.backbone.conv1.weight.grad is not None
    model.eval()
    with torch.no_grad():
        preds = model(**data, mode='predict')
    assert len(preds) == 2 and preds[0].pred_score.shape == (10, )
