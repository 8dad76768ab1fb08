"""The ADM UNet forward pass (openai/guided-diffusion `unet.py::UNetModel` with use_scale_shift_norm=True,
conv_resample=True, dropout 0, learn_sigma=False, use_new_attention_order=True) in float64 NumPy, with the
DTR analog of dtr-spec.md §4: every ResBlock's branch reads m ⊙ x (mask over its input width), its skip
path reads all of x. Sizes and GroupNorm groups follow docs/unet.md."""
import itertools

import numpy as np

from nn_reference import (conv1d_k1, conv2d, group_norm, label_table_rows, linear, silu, softmax,
                          timestep_embedding, upsample_nearest2x)


def norm_groups(channels, limit):
    """docs/unet.md: a layer of C channels uses the largest divisor of C not above `groups` (ADM: 32)."""
    g = max(1, min(limit, channels))
    while channels % g:
        g -= 1
    return g


def architecture(cfg):
    """UNetModel.__init__'s module lists, as ([(name, layers)] for input_blocks.i, middle_block and
    output_blocks.i in order, channels entering `out`); layers are ("conv_in", c_in, c_out), ("res", c_in,
    c_out), ("attn", c), ("down", c) or ("up", c). Attention at ds 4 (7×7), and 2 with attentionAt14."""
    if not cfg["downsampleConv"]:
        raise ValueError("this reference builds conv_resample=True UNets only")
    base, mults = cfg["baseChannels"], cfg["channelMult"]
    attention_ds = {4} | ({2} if cfg["attentionAt14"] else set())
    ch = base * mults[0]
    input_blocks = [[("conv_in", cfg["inChannels"], ch)]]
    chans = [ch]
    ds = 1
    for level, mult in enumerate(mults):
        for _ in range(cfg["blocksPerLevel"]):
            layers = [("res", ch, mult * base)]
            ch = mult * base
            if ds in attention_ds:
                layers.append(("attn", ch))
            input_blocks.append(layers)
            chans.append(ch)
        if level != len(mults) - 1:
            input_blocks.append([("down", ch)])
            chans.append(ch)
            ds *= 2
    middle_block = [("res", ch, ch), ("attn", ch), ("res", ch, ch)]
    output_blocks = []
    for level, mult in list(enumerate(mults))[::-1]:
        for i in range(cfg["blocksPerLevel"] + 1):
            layers = [("res", ch + chans.pop(), base * mult)]
            ch = base * mult
            if ds in attention_ds:
                layers.append(("attn", ch))
            if level and i == cfg["blocksPerLevel"]:
                layers.append(("up", ch))
                ds //= 2
            output_blocks.append(layers)
    named = [(f"input_blocks.{i}", b) for i, b in enumerate(input_blocks)] + [("middle_block", middle_block)] + \
            [(f"output_blocks.{i}", b) for i, b in enumerate(output_blocks)]
    return named, ch


def parameter_shapes(cfg):
    """The UNetModel state_dict: name → shape."""
    emb = 4 * cfg["baseChannels"]
    shapes = {"time_embed.0.weight": (emb, cfg["baseChannels"]), "time_embed.0.bias": (emb,),
              "time_embed.2.weight": (emb, emb), "time_embed.2.bias": (emb,),
              "label_emb.weight": (label_table_rows(cfg), emb)}
    blocks, head = architecture(cfg)
    for name, layers in blocks:
        for j, layer in enumerate(layers):
            p = f"{name}.{j}."
            kind = layer[0]
            if kind == "conv_in":
                shapes.update({p + "weight": (layer[2], layer[1], 3, 3), p + "bias": (layer[2],)})
            elif kind == "res":
                cin, cout = layer[1], layer[2]
                shapes.update({p + "in_layers.0.weight": (cin,), p + "in_layers.0.bias": (cin,),
                               p + "in_layers.2.weight": (cout, cin, 3, 3), p + "in_layers.2.bias": (cout,),
                               p + "emb_layers.1.weight": (2 * cout, emb), p + "emb_layers.1.bias": (2 * cout,),
                               p + "out_layers.0.weight": (cout,), p + "out_layers.0.bias": (cout,),
                               p + "out_layers.3.weight": (cout, cout, 3, 3), p + "out_layers.3.bias": (cout,)})
                if cin != cout:
                    shapes.update({p + "skip_connection.weight": (cout, cin, 1, 1),
                                   p + "skip_connection.bias": (cout,)})
            elif kind == "attn":
                c = layer[1]
                shapes.update({p + "norm.weight": (c,), p + "norm.bias": (c,),
                               p + "qkv.weight": (3 * c, c, 1), p + "qkv.bias": (3 * c,),
                               p + "proj_out.weight": (c, c, 1), p + "proj_out.bias": (c,)})
            elif kind == "down":
                shapes.update({p + "op.weight": (layer[1], layer[1], 3, 3), p + "op.bias": (layer[1],)})
            else:
                shapes.update({p + "conv.weight": (layer[1], layer[1], 3, 3), p + "conv.bias": (layer[1],)})
    shapes.update({"out.0.weight": (head,), "out.0.bias": (head,),
                   "out.2.weight": (cfg["inChannels"], head, 3, 3), "out.2.bias": (cfg["inChannels"],)})
    return shapes


def routed_widths(cfg):
    """The input width of every ResBlock, in network order: the routing tables' widths."""
    blocks, _ = architecture(cfg)
    return [layer[1] for _, layers in blocks for layer in layers if layer[0] == "res"]


def res_block(x, emb, sd, p, groups, mask):
    """ResBlock._forward with scale-shift norm; the branch reads x·m (mask [N, C_in] or None)."""
    h = x if mask is None else x * mask[:, :, None, None]
    cin = x.shape[1]
    h = silu(group_norm(h, norm_groups(cin, groups), sd[p + "in_layers.0.weight"], sd[p + "in_layers.0.bias"]))
    h = conv2d(h, sd[p + "in_layers.2.weight"], sd[p + "in_layers.2.bias"], padding=1)
    emb_out = linear(silu(emb), sd[p + "emb_layers.1.weight"], sd[p + "emb_layers.1.bias"])
    scale, shift = np.split(emb_out[:, :, None, None], 2, axis=1)
    cout = h.shape[1]
    h = group_norm(h, norm_groups(cout, groups), sd[p + "out_layers.0.weight"], sd[p + "out_layers.0.bias"])
    h = h * (1 + scale) + shift
    h = conv2d(silu(h), sd[p + "out_layers.3.weight"], sd[p + "out_layers.3.bias"], padding=1)
    skip = x if cin == cout else conv2d(x, sd[p + "skip_connection.weight"], sd[p + "skip_connection.bias"])
    return skip + h


def attention_block(x, sd, p, groups, head_channels):
    """AttentionBlock with QKVAttention (new order): q, k, v = chunk(qkv, 3); heads contiguous in each."""
    n, c, hh, ww = x.shape
    flat = x.reshape(n, c, hh * ww)
    qkv = conv1d_k1(group_norm(flat, norm_groups(c, groups), sd[p + "norm.weight"], sd[p + "norm.bias"]),
                    sd[p + "qkv.weight"], sd[p + "qkv.bias"])
    heads = c // head_channels
    q, k, v = np.split(qkv, 3, axis=1)
    scale = 1 / np.sqrt(np.sqrt(head_channels))
    length = hh * ww
    weight = np.einsum("bct,bcs->bts", (q * scale).reshape(n * heads, head_channels, length),
                       (k * scale).reshape(n * heads, head_channels, length))
    a = np.einsum("bts,bcs->bct", softmax(weight, axis=-1), v.reshape(n * heads, head_channels, length))
    h = conv1d_k1(a.reshape(n, c, length), sd[p + "proj_out.weight"], sd[p + "proj_out.bias"])
    return (flat + h).reshape(n, c, hh, ww)


def forward(sd, cfg, x, t, y, tables):
    """UNetModel.forward(x, t, y) → ε̂; `tables` holds one [T, C_in] table per ResBlock, or None."""
    groups = cfg["groups"]
    emb = linear(silu(linear(timestep_embedding(t, cfg["baseChannels"]), sd["time_embed.0.weight"],
                             sd["time_embed.0.bias"])), sd["time_embed.2.weight"], sd["time_embed.2.bias"])
    emb = emb + sd["label_emb.weight"][y]
    blocks, _ = architecture(cfg)
    routed = itertools.count()

    def run(h, name, layers):
        for j, layer in enumerate(layers):
            p = f"{name}.{j}."
            if layer[0] == "conv_in":
                h = conv2d(h, sd[p + "weight"], sd[p + "bias"], padding=1)
            elif layer[0] == "res":
                i = next(routed)
                h = res_block(h, emb, sd, p, groups, None if tables is None else tables[i][t])
            elif layer[0] == "attn":
                h = attention_block(h, sd, p, groups, cfg["headChannels"])
            elif layer[0] == "down":
                h = conv2d(h, sd[p + "op.weight"], sd[p + "op.bias"], stride=2, padding=1)
            else:
                h = conv2d(upsample_nearest2x(h), sd[p + "conv.weight"], sd[p + "conv.bias"], padding=1)
        return h

    h, skips = x, []
    for name, layers in blocks:
        if name.startswith("input_blocks"):
            h = run(h, name, layers)
            skips.append(h)
        elif name == "middle_block":
            h = run(h, name, layers)
        else:
            h = run(np.concatenate([h, skips.pop()], axis=1), name, layers)
    h = silu(group_norm(h, norm_groups(h.shape[1], groups), sd["out.0.weight"], sd["out.0.bias"]))
    return conv2d(h, sd["out.2.weight"], sd["out.2.bias"], padding=1)
