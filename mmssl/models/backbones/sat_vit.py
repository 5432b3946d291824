# Copyright (c) mmssl contributors. All rights reserved.
"""A DeiT/ViT backbone for weakly supervised object localization: mmseg's
:class:`~mmseg.models.backbones.VisionTransformer` with SAT's spatial-aware
token and the attention maps TS-CAM needs.

SAT: Wu et al., "Spatial-Aware Token for Weakly Supervised Object
Localization", ICCV 2023; official code github.com/wpy1999/SAT
``Model/SAT.py`` (``SAT.forward_features``, ``Attention.forward``).
TS-CAM: Gao et al., ICCV 2021; github.com/vasgaowei/TS-CAM
``lib/models/deit.py``.
"""
import os.path as osp
import re
from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks.drop import DropPath
from mmengine.logging import print_log
from mmengine.model.weight_init import trunc_normal_
from mmseg.models.backbones.vit import VisionTransformer

from mmssl.registry import MODELS

# timm (DeiT/ViT) parameter names -> mmseg's VisionTransformer names.
_TIMM_RULES = (
    (r'^patch_embed\.proj\.', 'patch_embed.projection.'),
    (r'^blocks\.(\d+)\.norm1\.', r'layers.\1.ln1.'),
    (r'^blocks\.(\d+)\.norm2\.', r'layers.\1.ln2.'),
    (r'^blocks\.(\d+)\.attn\.qkv\.weight$',
     r'layers.\1.attn.attn.in_proj_weight'),
    (r'^blocks\.(\d+)\.attn\.qkv\.bias$',
     r'layers.\1.attn.attn.in_proj_bias'),
    (r'^blocks\.(\d+)\.attn\.proj\.', r'layers.\1.attn.attn.out_proj.'),
    (r'^blocks\.(\d+)\.mlp\.fc1\.', r'layers.\1.ffn.layers.0.0.'),
    (r'^blocks\.(\d+)\.mlp\.fc2\.', r'layers.\1.ffn.layers.1.'),
    (r'^norm\.', 'ln1.'),
)
# Keys of classification heads and DeiT's distillation token: not loaded.
_DROPPED = re.compile(r'^(head|head_dist|fc|pre_logits)\.|^dist_token$')


def convert_timm_vit(state_dict: Dict[str, torch.Tensor]
                     ) -> Dict[str, torch.Tensor]:
    """Rename a timm/DeiT ViT state dict to mmseg's VisionTransformer names.

    Handles the checkpoints users have on disk: DeiT's
    (``{'model': ...}``), timm's (a bare state dict), DataParallel's
    ``module.`` prefix, and distilled DeiT (its ``dist_token`` and the
    matching ``pos_embed`` row are dropped). Keys already in mmseg naming
    pass through unchanged; classification heads are dropped.
    """
    for key in ('model', 'state_dict'):
        if isinstance(state_dict.get(key), dict):
            state_dict = state_dict[key]
    has_dist = 'dist_token' in state_dict
    out = {}
    for name, value in state_dict.items():
        if name.startswith('module.'):
            name = name[len('module.'):]
        if name.startswith('backbone.'):
            name = name[len('backbone.'):]
        if _DROPPED.search(name):
            continue
        for pattern, repl in _TIMM_RULES:
            new, n = re.subn(pattern, repl, name)
            if n:
                name = new
                break
        if name == 'pos_embed' and has_dist:
            value = torch.cat([value[:, :1], value[:, 2:]], dim=1)
        out[name] = value
    return out


def spatial_query_gate(logits: torch.Tensor):
    """SAT's spatial-query attention on one block's attention logits.

    Mirrors ``Attention.forward`` in ``Model/SAT.py``: ``m`` is the sigmoid
    of the head-mean of the loc token's (last query row's) scaled
    pre-softmax logits over all keys; the post-softmax attention of every
    query row and head is multiplied by ``m`` over the keys, without
    renormalisation.

    Args:
        logits (Tensor): (B, heads, N, N) scaled ``q @ k^T``; the loc
            token is the last one.

    Returns:
        tuple: gated attention (B, heads, N, N) and ``m`` (B, N).
    """
    m = torch.sigmoid(logits[:, :, -1, :].mean(dim=1))
    return logits.softmax(dim=-1) * m[:, None, None, :], m


@MODELS.register_module()
class SATVisionTransformer(VisionTransformer):
    """ViT with SAT's spatial-aware token and spatial-query attention.

    The sequence is ``[cls, p_1..p_N, loc]``: one learnable spatial token
    with its own positional embedding, appended last at the input and an
    ordinary token in every block. In the blocks ``sqa_layers`` the loc
    token's query row of the scaled pre-softmax logits, averaged over heads
    and passed through a sigmoid, gives ``m`` over all keys; the
    post-softmax attention of every query row is multiplied by ``m``
    (no renormalisation). ``m`` at the patch keys is that block's
    foreground map; the mean over the SQA blocks is the fused map ``M``.

    With ``spatial_token=False`` it is a plain DeiT (the TS-CAM baseline);
    ``output_cls_attn=True`` then also returns TS-CAM's semantic-agnostic
    map at inference: the cls query's attention to the patches, averaged
    over heads and summed over all blocks (after SAT's gating in the SQA
    blocks when both are on).

    Differences from mmseg's VisionTransformer, all to match DeiT/timm as
    SAT uses it: drop path on the attention branch too (mmseg's layer only
    has it on the FFN), ``patch_bias=True``, ``final_norm=True``,
    LayerNorm eps 1e-6 (set in the configs).

    Args:
        spatial_token (bool): Add SAT's loc token and SQA. Defaults to True.
        sqa_layers (Sequence[int]): Blocks whose attention is gated (the
            official code gates blocks 9, 10, 11 of 12: ``cur_depth >= 9``).
            Negative indices count from the end. Defaults to (-3, -2, -1).
        output_cls_attn (bool): Also return TS-CAM's cls-attention map in
            eval mode. Defaults to False.
        pretrained (str, optional): Local ViT/DeiT weights (timm or mmseg
            naming); a missing file is an error that names it. Nothing is
            downloaded.
        **kwargs: mmseg VisionTransformer arguments.

    Returns (forward):
        tuple: ``(patch_feats, maps)``: (B, D, h, w) final-normed patch
        tokens (cls and loc outputs discarded) and a dict with ``'fg'``
        (B, h, w), SAT's fused map, and/or ``'cls_attn'`` (B, h, w).
    """

    def __init__(self,
                 spatial_token: bool = True,
                 sqa_layers: Sequence[int] = (-3, -2, -1),
                 output_cls_attn: bool = False,
                 pretrained: Optional[str] = None,
                 drop_path_rate: float = 0.,
                 **kwargs):
        kwargs.setdefault('final_norm', True)
        kwargs.setdefault('patch_bias', True)
        super().__init__(drop_path_rate=drop_path_rate, **kwargs)
        self.weights_path = pretrained
        num_layers = len(self.layers)
        dpr = torch.linspace(0, drop_path_rate, num_layers).tolist()
        for layer, rate in zip(self.layers, dpr):
            if rate > 0:
                layer.attn.dropout_layer = DropPath(rate)
        self.spatial_token = spatial_token
        self.sqa_layers = tuple(sorted(i % num_layers for i in sqa_layers))
        self.output_cls_attn = output_cls_attn
        embed_dims = self.cls_token.shape[-1]
        if spatial_token:
            self.loc_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
            self.loc_embed = nn.Parameter(torch.zeros(1, 1, embed_dims))

    def init_weights(self) -> None:
        super().init_weights()
        if self.spatial_token:
            # Model/SAT.py: trunc_normal_(std=.02) on the two new tensors.
            trunc_normal_(self.loc_token, std=.02)
            trunc_normal_(self.loc_embed, std=.02)
        if self.weights_path:
            self.load_pretrained(self.weights_path)

    def train(self, mode: bool = True):
        # mmseg's override returns None; nn.Module.train returns the module.
        super().train(mode)
        return self

    def load_pretrained(self, path: str) -> None:
        """Load ViT/DeiT weights from a local file, weights only."""
        from mmssl.utils.checkpoint import safe_torch_load
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'pretrained backbone weights not found: {path}. SAT and '
                'TS-CAM fine-tune a classification-pretrained ViT: the '
                'DeiT-S configs expect ImageNet-1k DeiT weights (timm/DeiT '
                'naming, e.g. deit_small_patch16_224-cd65a155.pth from '
                'github.com/facebookresearch/deit); the synthetic-CUB '
                'configs expect the backbone of configs/sat/vit-t-p8_60e_'
                'synthetic-cub-pretrain.py (see configs/sat/README.md). Or '
                'set model.backbone.pretrained=None to train from scratch. '
                'Nothing is downloaded.')
        state = convert_timm_vit(safe_torch_load(path, map_location='cpu'))
        pos = state.get('pos_embed')
        if pos is not None and pos.shape != self.pos_embed.shape:
            old = int((pos.shape[1] - 1)**0.5)
            h, w = (s // self.patch_size for s in self.img_size)
            state['pos_embed'] = self.resize_pos_embed(
                pos, (h, w), (old, old), self.interpolate_mode)
        missing, unexpected = self.load_state_dict(state, strict=False)
        print_log(f'loaded backbone weights from {path}; not in the file: '
                  f'{missing or "none"}; unused: {unexpected or "none"}',
                  logger='current')

    def _block(self, layer, x: torch.Tensor, gate: bool, want_cls: bool):
        """One encoder layer with the attention written out, so that the
        scaled pre-softmax logits are available (SDPA hides them)."""
        mha = layer.attn.attn
        h = layer.ln1(x)
        b, n, d = h.shape
        heads = mha.num_heads
        qkv = F.linear(h, mha.in_proj_weight, mha.in_proj_bias)
        q, k, v = qkv.reshape(b, n, 3, heads, d // heads).permute(
            2, 0, 3, 1, 4)
        logits = (q @ k.transpose(-2, -1)) * (d // heads)**-0.5
        fg = cls_attn = None
        if gate:
            attn, m = spatial_query_gate(logits)
            fg = m[:, 1:-1]
        else:
            attn = logits.softmax(dim=-1)
        if want_cls:
            cls_attn = attn.mean(dim=1)[:, 0, 1:]
        attn = F.dropout(attn, mha.dropout, self.training)
        out = (attn @ v).transpose(1, 2).reshape(b, n, d)
        out = mha.out_proj(out)
        x = x + layer.attn.dropout_layer(layer.attn.proj_drop(out))
        x = layer.ffn(layer.ln2(x), identity=x)
        return x, fg, cls_attn

    def forward(self, inputs: torch.Tensor):
        b = inputs.shape[0]
        x, hw_shape = self.patch_embed(inputs)
        x = torch.cat((self.cls_token.expand(b, -1, -1), x), dim=1)
        x = self._pos_embeding(x, hw_shape, self.pos_embed)
        if self.spatial_token:
            loc = self.drop_after_pos(self.loc_token + self.loc_embed)
            x = torch.cat((x, loc.expand(b, -1, -1)), dim=1)
        want_cls = self.output_cls_attn and not self.training
        fg_maps, cls_maps = [], []
        for i, layer in enumerate(self.layers):
            gate = self.spatial_token and i in self.sqa_layers
            if gate or want_cls:
                x, fg, cls_attn = self._block(layer, x, gate, want_cls)
                if fg is not None:
                    fg_maps.append(fg)
                if cls_attn is not None:
                    cls_maps.append(cls_attn)
            else:
                x = layer(x)
        x = self.ln1(x)
        num_patches = hw_shape[0] * hw_shape[1]
        patches = x[:, 1:1 + num_patches]
        feats = patches.transpose(1, 2).reshape(b, -1, *hw_shape)
        maps = {}
        if fg_maps:
            maps['fg'] = torch.stack(fg_maps).mean(0).reshape(b, *hw_shape)
        if cls_maps:
            if self.spatial_token:  # drop the loc key column
                cls_maps = [c[:, :num_patches] for c in cls_maps]
            maps['cls_attn'] = torch.stack(cls_maps).sum(0).reshape(
                b, *hw_shape)
        return feats, maps
