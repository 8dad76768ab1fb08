"""The DiT forward pass (facebookresearch/DiT `models.py`, learn_sigma=False) with DTR's TaskRouter,
written from dtr-spec.md §3 and §9 in float64 NumPy."""
import numpy as np

from nn_reference import (conv2d, gelu_tanh, label_table_rows, layer_norm, linear, silu, softmax,
                          timestep_embedding)

FREQUENCY_EMBEDDING_SIZE = 256


def parameter_shapes(cfg):
    """The state_dict of `DiT(input_size, patch_size, in_channels, hidden_size, depth, num_heads,
    mlp_ratio, class_dropout_prob, num_classes, learn_sigma=False)`: name → shape."""
    d, p, cin = cfg["hidden"], cfg["patch"], cfg["inChannels"]
    tokens = (cfg["inputSize"] // p) ** 2
    label_rows = label_table_rows(cfg)
    shapes = {
        "x_embedder.proj.weight": (d, cin, p, p), "x_embedder.proj.bias": (d,),
        "pos_embed": (1, tokens, d),
        "t_embedder.mlp.0.weight": (d, FREQUENCY_EMBEDDING_SIZE), "t_embedder.mlp.0.bias": (d,),
        "t_embedder.mlp.2.weight": (d, d), "t_embedder.mlp.2.bias": (d,),
        "y_embedder.embedding_table.weight": (label_rows, d),
        "final_layer.adaLN_modulation.1.weight": (2 * d, d), "final_layer.adaLN_modulation.1.bias": (2 * d,),
        "final_layer.linear.weight": (p * p * cin, d), "final_layer.linear.bias": (p * p * cin,),
    }
    hidden_mlp = cfg["mlpRatio"] * d
    for i in range(cfg["depth"]):
        b = f"blocks.{i}."
        shapes.update({
            b + "attn.qkv.weight": (3 * d, d), b + "attn.qkv.bias": (3 * d,),
            b + "attn.proj.weight": (d, d), b + "attn.proj.bias": (d,),
            b + "mlp.fc1.weight": (hidden_mlp, d), b + "mlp.fc1.bias": (hidden_mlp,),
            b + "mlp.fc2.weight": (d, hidden_mlp), b + "mlp.fc2.bias": (d,),
            b + "adaLN_modulation.1.weight": (6 * d, d), b + "adaLN_modulation.1.bias": (6 * d,),
        })
    return shapes


def routed_widths(cfg):
    """One TaskRouter per DiT block, each over the hidden width."""
    return [cfg["hidden"]] * cfg["depth"]


def sincos_pos_embed(embed_dim, grid_size):
    """MAE's get_2d_sincos_pos_embed: half the channels encode grid[0], half grid[1], where
    grid = meshgrid(w, h) puts the column index first; each half is [sin(pos·ω), cos(pos·ω)]."""
    grid_h = np.arange(grid_size, dtype=np.float64)
    grid_w = np.arange(grid_size, dtype=np.float64)
    grid = np.stack(np.meshgrid(grid_w, grid_h), axis=0).reshape(2, -1)

    def one_dim(dim, pos):
        omega = 1.0 / 10000 ** (np.arange(dim // 2, dtype=np.float64) / (dim / 2.0))
        out = np.einsum("m,d->md", pos, omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)

    return np.concatenate([one_dim(embed_dim // 2, grid[0]), one_dim(embed_dim // 2, grid[1])], axis=1)


def modulate(x, shift, scale):
    """DiT's modulate: x·(1 + scale) + shift, broadcast over tokens."""
    return x * (1 + scale[:, None, :]) + shift[:, None, :]


def attention(x, sd, prefix, heads):
    """timm Attention: fused qkv (all q, then k, then v; heads contiguous), softmax(QKᵀ/√d)V, proj."""
    n, tokens, d = x.shape
    qkv = linear(x, sd[prefix + "qkv.weight"], sd[prefix + "qkv.bias"])
    q, k, v = qkv.reshape(n, tokens, 3, heads, d // heads).transpose(2, 0, 3, 1, 4)
    weights = softmax(q @ k.transpose(0, 1, 3, 2) * (d // heads) ** -0.5)
    out = (weights @ v).transpose(0, 2, 1, 3).reshape(n, tokens, d)
    return linear(out, sd[prefix + "proj.weight"], sd[prefix + "proj.bias"])


def dit_block(x, c, sd, prefix, heads, mask):
    """DiTBlock.forward under DTR's TaskRouter (dtr-spec.md §3); mask [N, C] rows, or None for vanilla."""
    mod = linear(silu(c), sd[prefix + "adaLN_modulation.1.weight"], sd[prefix + "adaLN_modulation.1.bias"])
    shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = np.split(mod, 6, axis=1)
    h = x if mask is None else x * mask[:, None, :]
    h = h + gate_msa[:, None, :] * attention(modulate(layer_norm(h), shift_msa, scale_msa), sd, prefix + "attn.", heads)
    mlp_in = modulate(layer_norm(h), shift_mlp, scale_mlp)
    mlp = linear(gelu_tanh(linear(mlp_in, sd[prefix + "mlp.fc1.weight"], sd[prefix + "mlp.fc1.bias"])),
                 sd[prefix + "mlp.fc2.weight"], sd[prefix + "mlp.fc2.bias"])
    h = h + gate_mlp[:, None, :] * mlp
    return h if mask is None else h + x * (1 - mask[:, None, :])


def forward(sd, cfg, x, t, y, tables):
    """DiT.forward(x, t, y) → ε̂ [N, C, H, W]; `tables` holds one [T, C] routing table per block, or None."""
    p, heads = cfg["patch"], cfg["heads"]
    n, cin = x.shape[:2]
    patches = conv2d(x, sd["x_embedder.proj.weight"], sd["x_embedder.proj.bias"], stride=p)
    grid = patches.shape[2]
    tokens = patches.reshape(n, cfg["hidden"], grid * grid).transpose(0, 2, 1)
    h = tokens + sincos_pos_embed(cfg["hidden"], grid)[None]
    t_freq = timestep_embedding(t, FREQUENCY_EMBEDDING_SIZE)
    t_emb = linear(silu(linear(t_freq, sd["t_embedder.mlp.0.weight"], sd["t_embedder.mlp.0.bias"])),
                   sd["t_embedder.mlp.2.weight"], sd["t_embedder.mlp.2.bias"])
    c = t_emb + sd["y_embedder.embedding_table.weight"][y]
    for i in range(cfg["depth"]):
        mask = None if tables is None else tables[i][t]
        h = dit_block(h, c, sd, f"blocks.{i}.", heads, mask)
    shift, scale = np.split(linear(silu(c), sd["final_layer.adaLN_modulation.1.weight"],
                                   sd["final_layer.adaLN_modulation.1.bias"]), 2, axis=1)
    out = linear(modulate(layer_norm(h), shift, scale), sd["final_layer.linear.weight"], sd["final_layer.linear.bias"])
    out = out.reshape(n, grid, grid, p, p, cin)
    return np.einsum("nhwpqc->nchpwq", out).reshape(n, cin, grid * p, grid * p)
