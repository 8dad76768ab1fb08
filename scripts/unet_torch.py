#!/usr/bin/env python3
"""PyTorch twin of dtr's ADM-style UNet (Sources/DTRModels/UNet), for timing side by side.

The same graph as `UNetLayout` (openai/guided-diffusion `unet.py::UNetModel` with
`use_scale_shift_norm=True`, no dropout), the same parameter names (`input_blocks.N.0.in_layers.2.weight`,
`middle_block.1.qkv.weight`, `out.2.bias`, ...), the same conditioning (`time_embed` MLP on base-width
sin-cos features plus `label_emb`, SiLU'd into every residual block's `emb_layers`) and the same Denoising
Task Routing: each residual block's branch reads `m ⊙ x` (m: the block's DTR table row at the sample's
timestep, on its input width), its skip path reads all of x. Attention uses QKVAttention's channel order
(queries, keys, values) and PyTorch's `scaled_dot_product_attention`.

`scripts/torch_bench.py --model unet-small` times it; `python3 scripts/unet_torch.py unet-small` lists its
parameter names and shapes.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
from dtr_torch.routing import dtr_mask  # noqa: E402

# ModelConfig.preset: (base channels, channel mult, blocks per level, GroupNorm group limit, head channels)
PRESETS = {
    "unet-tiny": (16, (1, 2, 2), 1, 8, 32),
    "unet-small": (32, (1, 2, 2), 1, 8, 32),
    "unet-base": (64, (1, 2, 2), 2, 32, 64),
}


def groups(channels, limit):
    """The largest divisor of `channels` not above `limit` (UNetLayout.groups)."""
    g = max(1, min(limit, channels))
    while channels % g:
        g -= 1
    return g


def timestep_features(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, embed, limit, mask):
        super().__init__()
        self.in_layers = nn.Sequential(nn.GroupNorm(groups(cin, limit), cin), nn.SiLU(), nn.Conv2d(cin, cout, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(embed, 2 * cout))
        self.out_layers = nn.Sequential(nn.GroupNorm(groups(cout, limit), cout), nn.SiLU(), nn.Identity(),
                                        nn.Conv2d(cout, cout, 3, padding=1))
        nn.init.zeros_(self.out_layers[3].weight)
        nn.init.zeros_(self.out_layers[3].bias)
        self.skip_connection = nn.Identity() if cin == cout else nn.Conv2d(cin, cout, 1)
        self.register_buffer("routing_mask", mask)  # [T, C_in] or None

    def forward(self, x, emb, t):
        a = x if self.routing_mask is None else x * self.routing_mask.index_select(0, t)[:, :, None, None]
        h = self.in_layers(a)
        scale, shift = self.emb_layers(emb).chunk(2, dim=1)
        norm, rest = self.out_layers[0], self.out_layers[1:]
        h = rest(norm(h) * (1 + scale[:, :, None, None]) + shift[:, :, None, None])
        return self.skip_connection(x) + h


class AttentionBlock(nn.Module):
    def __init__(self, channels, head_channels, limit):
        super().__init__()
        self.heads = channels // head_channels
        self.norm = nn.GroupNorm(groups(channels, limit), channels)
        self.qkv = nn.Conv1d(channels, 3 * channels, 1)
        self.proj_out = nn.Conv1d(channels, channels, 1)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, x, emb, t):
        n, c, hh, ww = x.shape
        qkv = self.qkv(self.norm(x).reshape(n, c, -1))  # [N, 3C, L]
        q, k, v = (z.reshape(n, self.heads, c // self.heads, -1).transpose(2, 3) for z in qkv.chunk(3, dim=1))
        a = F.scaled_dot_product_attention(q, k, v)  # [N, H, L, ch]
        return x + self.proj_out(a.transpose(2, 3).reshape(n, c, -1)).reshape(n, c, hh, ww)


class Downsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.op = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x, emb, t):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, channels, out_side):
        super().__init__()
        self.out_side = out_side
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, emb, t):
        return self.conv(F.interpolate(x, size=(self.out_side, self.out_side), mode="nearest"))


class Conv(nn.Conv2d):
    def forward(self, x, emb=None, t=None):
        return super().forward(x)


class UNet(nn.Module):
    """UNetLayout's graph: levels at 28, 14, 7; attention at 7×7 and in the middle; DTR tables α 4, β 0.8."""

    def __init__(self, preset, classes=10, size=28, T=1000, alpha=4.0, beta=0.8):
        super().__init__()
        base, mult, blocks, limit, head = PRESETS[preset]
        E = 4 * base
        self.base = base
        self.time_embed = nn.Sequential(nn.Linear(base, E), nn.SiLU(), nn.Linear(E, E))
        self.label_emb = nn.Embedding(classes + 1, E)
        sides = [size]
        for _ in range(1, len(mult)):
            sides.append((sides[-1] + 1) // 2)

        def res(cin, cout):
            return ResBlock(cin, cout, E, limit, torch.from_numpy(dtr_mask(T, cin, alpha, beta)))

        ch = base * mult[0]
        skips = [ch]
        self.input_blocks = nn.ModuleList([nn.ModuleList([Conv(1, ch, 3, padding=1)])])
        for level, m in enumerate(mult):
            for _ in range(blocks):
                mods = [res(ch, m * base)]
                ch = m * base
                if level == 2:
                    mods.append(AttentionBlock(ch, head, limit))
                self.input_blocks.append(nn.ModuleList(mods))
                skips.append(ch)
            if level < len(mult) - 1:
                self.input_blocks.append(nn.ModuleList([Downsample(ch)]))
                skips.append(ch)
        self.middle_block = nn.ModuleList([res(ch, ch), AttentionBlock(ch, head, limit), res(ch, ch)])
        self.output_blocks = nn.ModuleList()
        for level, m in reversed(list(enumerate(mult))):
            for i in range(blocks + 1):
                mods = [res(ch + skips.pop(), m * base)]
                ch = m * base
                if level == 2:
                    mods.append(AttentionBlock(ch, head, limit))
                if level > 0 and i == blocks:
                    mods.append(Upsample(ch, sides[level - 1]))
                self.output_blocks.append(nn.ModuleList(mods))
        self.out = nn.Sequential(nn.GroupNorm(groups(ch, limit), ch), nn.SiLU(), nn.Conv2d(ch, 1, 3, padding=1))
        nn.init.zeros_(self.out[2].weight)
        nn.init.zeros_(self.out[2].bias)
        nn.init.normal_(self.label_emb.weight)

    def forward(self, x, t, y):
        emb = F.silu(self.time_embed(timestep_features(t, self.base)) + self.label_emb(y))
        hs, h = [], x
        for block in self.input_blocks:
            for m in block:
                h = m(h, emb, t)
            hs.append(h)
        for m in self.middle_block:
            h = m(h, emb, t)
        for block in self.output_blocks:
            h = torch.cat([h, hs.pop()], dim=1)
            for m in block:
                h = m(h, emb, t)
        return self.out(h)


if __name__ == "__main__":
    for name, p in UNet(sys.argv[1] if len(sys.argv) > 1 else "unet-small").named_parameters():
        print(name, list(p.shape))
