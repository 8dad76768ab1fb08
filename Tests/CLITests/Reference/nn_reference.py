"""Float64 NumPy versions of the PyTorch layers that DiT and guided-diffusion's UNet are built from.

Each function follows the PyTorch definition of the layer it is named after (weights in PyTorch's
layout: Linear [out, in], Conv2d [out, in, kh, kw]); nothing here is specific to DTR Workbench.
"""
import numpy as np


def linear(x, weight, bias):
    """torch.nn.functional.linear: x @ weight.T + bias over the last axis."""
    return x @ weight.T + bias


def silu(x):
    """torch.nn.SiLU: x * sigmoid(x)."""
    return x / (1.0 + np.exp(-x))


def gelu_tanh(x):
    """torch.nn.GELU(approximate="tanh"), DiT's MLP activation."""
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def softmax(x, axis=-1):
    """Numerically stable softmax."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x, eps=1e-6):
    """torch.nn.LayerNorm(elementwise_affine=False) over the last axis (biased variance)."""
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def group_norm(x, groups, weight, bias, eps=1e-5):
    """torch.nn.GroupNorm(groups, C) with affine weight and bias, on x [N, C, ...]."""
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1)
    mean = g.mean(axis=-1, keepdims=True)
    var = ((g - mean) ** 2).mean(axis=-1, keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    return y * weight.reshape(shape) + bias.reshape(shape)


def conv2d(x, weight, bias, stride=1, padding=0):
    """torch.nn.functional.conv2d (cross-correlation) on x [N, Cin, H, W] with weight [Cout, Cin, kh, kw]."""
    kh, kw = weight.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,ocij->nohw", windows, weight, optimize=True) + bias[None, :, None, None]


def conv1d_k1(x, weight, bias):
    """torch.nn.Conv1d with kernel size 1 on x [N, Cin, L], weight [Cout, Cin, 1]."""
    return np.einsum("oc,ncl->nol", weight[:, :, 0], x) + bias[None, :, None]


def upsample_nearest2x(x):
    """F.interpolate(x, scale_factor=2, mode="nearest") on x [N, C, H, W]."""
    return x.repeat(2, axis=2).repeat(2, axis=3)


def timestep_embedding(t, dim, max_period=10000):
    """Sinusoidal timestep features as in DiT and guided-diffusion: [cos(t·f), sin(t·f)],
    f_k = max_period^(−k/half), k = 0…half−1 (dim is even in both models here)."""
    half = dim // 2
    freqs = np.exp(-np.log(max_period) * np.arange(half, dtype=np.float64) / half)
    args = np.asarray(t, dtype=np.float64)[:, None] * freqs[None]
    return np.concatenate([np.cos(args), np.sin(args)], axis=-1)


def label_table_rows(cfg):
    """Rows of the label embedding (DiT's LabelEmbedder, ADM's label_emb): the classes plus the null class
    when labels are dropped for classifier-free guidance; a single row when the model is unconditional."""
    if cfg["numClasses"] == 0:
        return 1
    return cfg["numClasses"] + (1 if cfg["classDropout"] > 0 else 0)
