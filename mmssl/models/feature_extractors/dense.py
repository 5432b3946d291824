# Copyright (c) mmssl contributors. All rights reserved.
"""Frozen per-pixel feature extractors for MARS's stage B (the "USS"
features its K-means clusters; Jo et al., ICCV 2023, Section 3.2).

Every extractor is an ``nn.Module`` registered in ``MODELS`` that maps a
batch of RGB images ``(B, 3, H, W)`` with values in ``0..255`` to
``(B, D, h, w)`` features (``stride = H / h``); weights come from a local
file and nothing is downloaded. ``tools/mars/extract_features.py`` runs
one over a dataset and stores the features.
"""
import os.path as osp
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmseg.models.backbones import VisionTransformer

from mmssl.registry import MODELS


class BaseDenseFeatures(nn.Module):
    """Interface of the stage-B extractors: ``forward(images) -> (B, D, h,
    w)``, frozen (``eval`` and no gradients), ``stride`` pixels per
    feature."""
    stride: int = 1

    def train(self, mode: bool = True):
        return super().train(False)  # frozen: BN/dropout stay in eval

    def init_weights(self) -> None:
        """Nothing to do: the weights come from files at construction
        (a generic ``init_weights`` would overwrite them)."""

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def _weights(path: Optional[str], what: str):
    from mmssl.utils.checkpoint import safe_torch_load
    if path is None:
        return None
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}. Nothing is '
                                'downloaded; see configs/mars/README.md')
    state = safe_torch_load(path, map_location='cpu')
    if isinstance(state, dict) and isinstance(state.get('state_dict'), dict):
        state = state['state_dict']
    return state


@MODELS.register_module()
class SimCLRDenseFeatures(BaseDenseFeatures):
    """The feature map of a :class:`~mmssl.models.SimCLR` encoder trained on
    the benchmark's own images (the CPU stand-in for STEGO/DINO): the
    backbone's last output before pooling, on images scaled as in SimCLR's
    training (``(x / 255 - 0.5) / 0.5``).

    Args:
        encoder (dict): The SimCLR model config (as trained).
        checkpoint (str, optional): Its training checkpoint
            (``state_dict`` keys of the whole SimCLR model).
        stride (int): Output stride of the backbone.
    """

    def __init__(self, encoder: dict, checkpoint: Optional[str] = None,
                 stride: int = 8):
        super().__init__()
        self.encoder = MODELS.build(encoder)
        self.stride = stride
        state = _weights(checkpoint, 'SimCLR encoder checkpoint')
        if state is not None:
            missing, unexpected = self.encoder.load_state_dict(state,
                                                               strict=False)
            missing = [k for k in missing if 'data_preprocessor' not in k]
            if missing:
                raise KeyError(f'{checkpoint} lacks encoder weights '
                               f'{missing[:5]}...; is it a SimCLR '
                               'checkpoint of this config?')
        for p in self.parameters():
            p.requires_grad_(False)
        self.eval()

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = (images.float() / 255. - 0.5) / 0.5
        feats = self.encoder.backbone(x)
        if isinstance(feats, (list, tuple)):
            feats = feats[-1]
        return feats


@MODELS.register_module()
class ViTDenseFeatures(BaseDenseFeatures):
    """Patch features of a self-supervised ViT (DINO), optionally through
    STEGO's segmentation head: the paper-scale stage B (MARS uses STEGO on
    DINO ViT-B).

    The ViT is mmseg's ``VisionTransformer`` with DINO's weights (timm
    naming, e.g. ``dino_vitbase8_pretrain.pth``; renamed by
    :func:`~mmssl.models.backbones.sat_vit.convert_timm_vit`). STEGO's head
    (mhamilton723/STEGO ``src/modules.py``, ``DinoFeaturizer``: a 1x1
    convolution ``cluster1`` plus a 1x1-ReLU-1x1 ``cluster2``, summed) is
    read from a plain state dict with those names (``cluster1.0.weight``,
    ``cluster2.0.weight``, ``cluster2.2.weight``, ...); STEGO's Lightning
    checkpoint holds them under ``net.`` and needs pickle, so re-save them
    once with ``torch.save``.

    Args:
        checkpoint (str): DINO ViT weights.
        stego_checkpoint (str, optional): STEGO head weights; None returns
            the ViT's patch features.
        arch (dict): ``embed_dims``, ``num_layers``, ``num_heads``,
            ``patch_size`` (ViT-B/8 by default, as MARS).
        code_dim (int): STEGO's code size (70 in its configs for
            COCO-Stuff / Cityscapes / Potsdam).
        mean, std (sequence): ImageNet normalisation (DINO's).
    """

    def __init__(self,
                 checkpoint: Optional[str],
                 stego_checkpoint: Optional[str] = None,
                 arch: dict = dict(embed_dims=768, num_layers=12,
                                   num_heads=12, patch_size=8),
                 code_dim: int = 70,
                 img_size: int = 224,
                 mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375)):
        super().__init__()
        from mmssl.models.backbones.sat_vit import convert_timm_vit
        dims = arch['embed_dims']
        self.stride = arch['patch_size']
        self.vit = VisionTransformer(
            img_size=img_size, patch_size=arch['patch_size'],
            embed_dims=dims, num_layers=arch['num_layers'],
            num_heads=arch['num_heads'], mlp_ratio=4, qkv_bias=True,
            out_indices=(arch['num_layers'] - 1, ), final_norm=True,
            with_cls_token=True, output_cls_token=False,
            interpolate_mode='bicubic')
        state = _weights(checkpoint, 'DINO ViT weights')
        if state is not None:
            state = convert_timm_vit(state)
            missing, _ = self.vit.load_state_dict(state, strict=False)
            if missing:
                raise KeyError(f'{checkpoint} lacks ViT weights '
                               f'{missing[:5]}...; expected a DINO/timm ViT '
                               f"of embed_dims={dims}")
            print_log(f'loaded DINO weights from {checkpoint}',
                      logger='current')
        self.stego = stego_checkpoint is not None
        if self.stego:
            self.cluster1 = nn.Sequential(nn.Conv2d(dims, code_dim, 1))
            self.cluster2 = nn.Sequential(
                nn.Conv2d(dims, dims, 1), nn.ReLU(),
                nn.Conv2d(dims, code_dim, 1))
            head = _weights(stego_checkpoint, 'STEGO head weights')
            head = {k[len('net.'):] if k.startswith('net.') else k: v
                    for k, v in head.items() if 'cluster' in k}
            missing, _ = self.load_state_dict(head, strict=False)
            missing = [k for k in missing if 'cluster' in k]
            if missing:
                raise KeyError(f'{stego_checkpoint} lacks STEGO head '
                               f'weights {missing}')
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1),
                             persistent=False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1),
                             persistent=False)
        for p in self.parameters():
            p.requires_grad_(False)
        self.eval()

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        h, w = images.shape[-2:]
        if h % self.stride or w % self.stride:
            raise ValueError(f'image size {h}x{w} is not a multiple of the '
                             f'patch size {self.stride}')
        x = (images.float() - self.mean) / self.std
        feat = self.vit(x)[-1]
        if self.stego:
            return self.cluster1(feat) + self.cluster2(feat)
        return feat


@MODELS.register_module()
class ColourStatsDenseFeatures(BaseDenseFeatures):
    """A fixed, hand-made stand-in for a USS model on synthetic data: the
    mean and standard deviation of each colour channel over every
    ``stride x stride`` cell (6 numbers), centred and whitened (ZCA) with
    statistics of the training images, so the code is signed and centred
    like STEGO's (Hamilton et al., ICLR 2022) instead of post-ReLU.

    Nothing is learned: it separates what differs in colour and texture
    (sky, grass, the red train, the grey-brown striped rail band, skin,
    shirts) and nothing else, which is all MARS needs of its features on
    the synthetic benchmark; it is no substitute for STEGO on photographs.
    Whitening matters: standardised but unwhitened, the rare textures (the
    train and the rail band) both point away from the dominant sky and
    grass and their cosine is about 0.8; whitened it is about 0.2 (measured
    on the benchmark's training images). ``mean`` (6) and ``whitening``
    (6 x 6) are given, or fitted with :meth:`fit` over the images before
    extraction (:func:`mmssl.apis.mars.extract_features` does that when
    they are missing).

    Args:
        stride (int): The cell size in pixels. Defaults to 8 (STEGO's
            DINO ViT-B/8 patch).
        mean (Sequence[float], optional): The mean to subtract.
        whitening (Sequence[Sequence[float]], optional): The matrix ``W``
            of ``f = (x - mean) @ W``.
        eps (float): Added to the covariance's eigenvalues, as a share of
            the largest, before inverting them.
    """

    def __init__(self, stride: int = 8,
                 mean: Optional[Sequence[float]] = None,
                 whitening: Optional[Sequence[Sequence[float]]] = None,
                 eps: float = 1e-3):
        super().__init__()
        self.stride = stride
        self.eps = eps
        self.register_buffer('mean', torch.zeros(6))
        self.register_buffer('whitening', torch.eye(6))
        if (mean is None) != (whitening is None):
            raise ValueError('ColourStatsDenseFeatures needs both mean and '
                             'whitening, or neither (then call fit)')
        self.fitted = mean is not None
        if self.fitted:
            self.mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
            self.whitening.copy_(
                torch.as_tensor(whitening, dtype=torch.float32))

    def raw(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, 6, h, w)`` cell statistics before centring."""
        import torch.nn.functional as F
        x = images.float() / 255.
        s = self.stride
        mean = F.avg_pool2d(x, s, s, ceil_mode=True)
        sq = F.avg_pool2d(x * x, s, s, ceil_mode=True)
        std = (sq - mean * mean).clamp_min(0).sqrt()
        return torch.cat([mean, std], 1)

    @torch.no_grad()
    def fit(self, images) -> None:
        """Set ``mean`` and ``whitening`` from an iterable of ``(1, 3, H,
        W)`` images (every cell of every image counts once)."""
        total = torch.zeros(6, dtype=torch.float64)
        outer = torch.zeros(6, 6, dtype=torch.float64)
        n = 0
        for img in images:
            f = self.raw(img).double().permute(0, 2, 3, 1).reshape(-1, 6)
            total += f.sum(0)
            outer += f.T @ f
            n += f.shape[0]
        if n < 2:
            raise ValueError('ColourStatsDenseFeatures.fit got no images')
        mean = total / n
        cov = outer / n - torch.outer(mean, mean)
        evals, evecs = torch.linalg.eigh(cov)
        evals = evals.clamp_min(0) + self.eps * float(evals.max())
        self.mean.copy_(mean.float())
        self.whitening.copy_(
            (evecs @ torch.diag(evals.rsqrt()) @ evecs.T).float())
        self.fitted = True

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not self.fitted:
            raise RuntimeError('ColourStatsDenseFeatures has no statistics: '
                               'give mean and whitening, or call fit first')
        f = self.raw(images).permute(0, 2, 3, 1) - self.mean
        return (f @ self.whitening).permute(0, 3, 1, 2).contiguous()
