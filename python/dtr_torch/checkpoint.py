"""Checkpoints in the Swift engine's safetensors layout (docs/checkpoints.md, Checkpoint.swift)."""
import json
import os

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from . import CHECKPOINT_FORMAT
from .config import to_json, with_defaults
from .model import DiT

M64 = (1 << 64) - 1


def words_to_i64(words):
    return torch.tensor([w - (1 << 64) if w >= (1 << 63) else w for w in (x & M64 for x in words)], dtype=torch.int64)


def i64_to_words(t):
    return [int(x) & M64 for x in t.tolist()]


def save(path, config, model, ema, opt_m, opt_v, masks, state_words, lr, best_loss, staged, uw=None):
    """Writes atomically (temporary file, then rename). `opt_m`/`opt_v`: name → tensor (trainable only);
    `uw`: (log_var, m, v, step) for ANT-UW."""
    t = {}
    for n, p in model.named_parameters():
        t[f"model.{n}"] = p.detach().float().cpu().contiguous()
    for n, p in ema.named_parameters():
        t[f"ema.{n}"] = p.detach().float().cpu().contiguous()
    for n in opt_m:
        t[f"opt.m.{n}"] = opt_m[n].detach().float().cpu().contiguous()
        t[f"opt.v.{n}"] = opt_v[n].detach().float().cpu().contiguous()
    for i in range(masks.shape[0]):
        t[f"routing.blocks.{i}"] = masks[i].detach().float().cpu().contiguous()
    if uw is not None:
        lv, m, v, step = uw
        t["uw.log_var"] = lv.detach().float().cpu().contiguous()
        t["uw.opt.m.log_var"] = m.detach().float().cpu().contiguous()
        t["uw.opt.v.log_var"] = v.detach().float().cpu().contiguous()
        t["uw.opt.step"] = torch.tensor([step], dtype=torch.int64)
    t["state"] = words_to_i64(state_words)
    meta = {
        "format": CHECKPOINT_FORMAT, "config": to_json(config), "lr": repr(float(lr)),
        "alpha": repr(float(config["model"]["alpha"])), "beta": repr(float(config["model"]["beta"])),
        "best_loss": repr(float(best_loss)),
        "staged": ",".join(f"{k}={repr(float(v))}" for k, v in sorted(staged.items())),
    }
    tmp = f"{path}.tmp-{os.getpid()}"
    save_file(t, tmp, metadata=meta)
    os.replace(tmp, path)


def read(path):
    """(config with defaults, metadata, tensors) of a checkpoint written by either engine."""
    with safe_open(path, framework="pt") as f:
        meta = f.metadata() or {}
        if meta.get("format") != CHECKPOINT_FORMAT or "config" not in meta:
            raise ValueError(f"{path} is not a DTR Workbench checkpoint (no {CHECKPOINT_FORMAT} metadata)")
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    return with_defaults(json.loads(meta["config"])), meta, tensors


def load_weights(module, tensors, prefix):
    with torch.no_grad():
        for n, p in module.named_parameters():
            src = tensors[f"{prefix}{n}"]
            if src.numel() != p.numel():
                raise ValueError(f"{prefix}{n} has {src.numel()} values, expected {p.numel()}")
            p.copy_(src.reshape(p.shape))
        masks = [tensors[f"routing.blocks.{i}"] for i in range(len(module.blocks))]
        module.set_masks(torch.stack(masks))


def load_network(path, weights="ema"):
    """The network stored in a checkpoint (for inference): (config, DiT in eval mode)."""
    config, _, tensors = read(path)
    net = DiT(config["model"])
    load_weights(net, tensors, weights + ".")
    return config, net.eval()
