"""Routing tables: DTR (dtr-spec.md §2.1), R-TR (random, seeded as the Swift engine seeds it) and none.

Written from the spec; the Swift engine's tables are matched by test, not imported.
"""
import numpy as np

from .splitmix import M64, SplitMix64

def dtr_starts(T, C, alpha, beta):
    n = int(C * beta)
    last = C - n
    u = np.array([1.0 if t == T - 1 else (t / (T - 1) if T > 1 else 0.0) for t in range(T)])
    # np.round is round-half-to-even, as the official code's .round().
    return np.round(u ** alpha * last).astype(np.int64), n


def dtr_mask(T, C, alpha, beta):
    starts, n = dtr_starts(T, C, alpha, beta)
    c = np.arange(C)[None, :]
    return ((c >= starts[:, None]) & (c < starts[:, None] + n)).astype(np.float32)


def random_mask(T, C, beta, seed):
    n = int(C * beta)
    rng = SplitMix64(seed)
    m = np.zeros((T, C), dtype=np.float32)
    for t in range(T):
        m[t, rng.permutation(C)[:n]] = 1
    return m


def tables(model_cfg):
    """One [T, C] table per block, as ModelConfig.routingTables(): block b of random routing uses seed
    routingSeed + b; DTR and none share one table (none: all ones)."""
    T, C, depth = model_cfg["timesteps"], model_cfg["hidden"], model_cfg["depth"]
    kind = model_cfg["routing"]
    if kind == "dtr":
        m = dtr_mask(T, C, model_cfg["alpha"], model_cfg["beta"])
        return np.stack([m] * depth)
    if kind == "random":
        return np.stack([random_mask(T, C, model_cfg["beta"], (model_cfg["routingSeed"] + b) & M64)
                         for b in range(depth)])
    if kind == "none":
        return np.ones((depth, T, C), dtype=np.float32)
    raise ValueError(f"unknown routing '{kind}'; use dtr, random or none")
