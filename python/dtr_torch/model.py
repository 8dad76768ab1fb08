"""The DiT (adaLN-Zero, learn_sigma=False) with per-block task routing, parameter names as the reference
DiT's `state_dict` (docs/checkpoints.md), math as dtr-spec.md §3 and §9."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import routing


def sincos_2d(dim, grid):
    """[grid², dim] positions, column first: [sin(jω), cos(jω), sin(iω), cos(iω)] (float64, then f32)."""
    q = dim // 4
    w = 10000.0 ** (-np.arange(q, dtype=np.float64) / q)
    i, j = np.meshgrid(np.arange(grid), np.arange(grid), indexing="ij")
    i, j = i.reshape(-1, 1).astype(np.float64), j.reshape(-1, 1).astype(np.float64)
    out = np.concatenate([np.sin(j * w), np.cos(j * w), np.sin(i * w), np.cos(i * w)], axis=1)
    return torch.from_numpy(out.astype(np.float32))


def timestep_features(t, dim=256):
    """[cos(t·f), sin(t·f)] computed in float64 (t is the raw integer timestep)."""
    half = dim // 2
    f = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64, device=t.device) / half)
    a = t.to(torch.float64)[:, None] * f[None, :]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1).float()


def modulate(x, shift, scale):
    return x * (1 + scale[:, None, :]) + shift[:, None, :]


class PatchEmbed(nn.Module):
    def __init__(self, p, cin, d):
        super().__init__()
        self.proj = nn.Conv2d(cin, d, kernel_size=p, stride=p, bias=True)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class TimestepEmbedder(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(256, d), nn.SiLU(), nn.Linear(d, d))

    def forward(self, t):
        return self.mlp(timestep_features(t))


class LabelEmbedder(nn.Module):
    def __init__(self, rows, d):
        super().__init__()
        self.embedding_table = nn.Embedding(rows, d)

    def forward(self, y):
        return self.embedding_table(y)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        N, L, D = x.shape
        qkv = self.qkv(x).reshape(N, L, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        o = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2])
        return self.proj(o.transpose(1, 2).reshape(N, L, D))


class Mlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class DiTBlock(nn.Module):
    def __init__(self, d, heads, mlp_ratio):
        super().__init__()
        self.attn = Attention(d, heads)
        self.mlp = Mlp(d, d * mlp_ratio)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))

    def forward(self, x, c, m):
        s1, sc1, g1, s2, sc2, g2 = self.adaLN_modulation(c).chunk(6, dim=1)
        h = x if m is None else x * m
        h = h + g1[:, None, :] * self.attn(modulate(F.layer_norm(h, h.shape[-1:], eps=1e-6), s1, sc1))
        h = h + g2[:, None, :] * self.mlp(modulate(F.layer_norm(h, h.shape[-1:], eps=1e-6), s2, sc2))
        return h if m is None else h + x * (1 - m)


class FinalLayer(nn.Module):
    def __init__(self, d, out):
        super().__init__()
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(d, 2 * d))
        self.linear = nn.Linear(d, out)

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(F.layer_norm(x, x.shape[-1:], eps=1e-6), shift, scale))


def label_rows(m):
    if m["numClasses"] > 0:
        return m["numClasses"] + (1 if m["classDropout"] > 0 else 0)
    return 1


def null_class(m):
    return m["numClasses"] if m["numClasses"] > 0 else 0


class DiT(nn.Module):
    """`forward(x [N,C,H,W], t [N] int64, y [N] int64)` → ε̂ [N,C,H,W]. Routing tables live in `masks`
    ([depth, T, D], not part of the state_dict: the checkpoint's `routing.blocks.<i>` hold them)."""

    def __init__(self, m):
        super().__init__()
        self.cfg = dict(m)
        D, p, C, H = m["hidden"], m["patch"], m["inChannels"], m["inputSize"]
        self.x_embedder = PatchEmbed(p, C, D)
        self.pos_embed = nn.Parameter(sincos_2d(D, H // p)[None], requires_grad=False)
        self.t_embedder = TimestepEmbedder(D)
        self.y_embedder = LabelEmbedder(label_rows(m), D)
        self.blocks = nn.ModuleList([DiTBlock(D, m["heads"], m["mlpRatio"]) for _ in range(m["depth"])])
        self.final_layer = FinalLayer(D, p * p * C)
        self.register_buffer("masks", torch.from_numpy(routing.tables(m)), persistent=False)
        self.initialize()

    def initialize(self):
        def xavier(mod):
            if isinstance(mod, nn.Linear):
                nn.init.xavier_uniform_(mod.weight)
                nn.init.zeros_(mod.bias)
        self.apply(xavier)
        w = self.x_embedder.proj.weight
        nn.init.xavier_uniform_(w.view(w.shape[0], -1))
        nn.init.zeros_(self.x_embedder.proj.bias)
        nn.init.normal_(self.y_embedder.embedding_table.weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_embedder.mlp[2].weight, std=0.02)
        for b in self.blocks:
            nn.init.zeros_(b.adaLN_modulation[1].weight)
            nn.init.zeros_(b.adaLN_modulation[1].bias)
        for lin in (self.final_layer.adaLN_modulation[1], self.final_layer.linear):
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def set_routing(self, alpha, beta):
        """A new α or β rebuilds the tables from the formula (random routing redraws with its seed)."""
        self.cfg["alpha"], self.cfg["beta"] = alpha, beta
        self.set_masks(torch.from_numpy(routing.tables(self.cfg)))

    def set_masks(self, masks):
        self.masks = masks.to(self.masks.device, torch.float32).contiguous()

    def forward(self, x, t, y):
        N, C, H, _ = x.shape
        p = self.cfg["patch"]
        h = self.x_embedder(x) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y)
        routed = self.cfg["routing"] != "none"
        for i, b in enumerate(self.blocks):
            m = self.masks[i].index_select(0, t)[:, None, :].to(h.dtype) if routed else None
            h = b(h, c, m)
        out = self.final_layer(h, c)
        g = H // p
        out = out.reshape(N, g, g, p, p, C).permute(0, 5, 1, 3, 2, 4).reshape(N, C, H, H)
        return out
