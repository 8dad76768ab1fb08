"""Compares `dtr predict` with the NumPy reference forward on random weights.

    check_forward.py --dtr BINARY --checkpoint CKPT --work DIR

Reads a checkpoint written by `dtr train` (its config and routing tables), checks its parameter names and
shapes against the reference architecture, checks DTR tables against the spec's formula (random tables: 0/1
with int(C·β) ones per row), overwrites every trainable tensor of both `model.` and `ema.` with random
values (pos_embed is checked against the fixed sin-cos and kept), runs `dtr predict` with each weight set on
random inputs, and prints one JSON object: per weight set, the error (see `relative_error`) and how much
the routing changes the reference output. Any failed check exits non-zero with the reason on stderr.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

import dit_reference
import routing_masks
import unet_reference
from nn_reference import label_table_rows
from safetensors_file import SafeTensorsFile

BATCH_T = np.array([999, 0, 421, 777], dtype=np.int64)


def relative_error(actual, expected):
    """max over images n of max|actual_n − expected_n| / max|expected_n|: each image's error against its own
    output scale. float32 rounding in the tested code grows with the activations' scale (matmuls, norms),
    not with each element's size, so element-wise ratios would blow up at zero crossings; per image keeps an
    image with a smaller output from hiding behind a larger one. Returns (error, worst image index)."""
    per_image = [np.abs(a - e).max() / np.abs(e).max() for a, e in zip(actual, expected)]
    worst = int(np.argmax(per_image))
    return float(per_image[worst]), worst


def random_parameters(shapes, rng):
    """Random values for every parameter: no zero-init, so every path (gates, adaLN, the head) matters.
    Matrices and kernels N(0, 1/fan_in); norm scales (the only 1-D weights: the UNet's GroupNorms, the DiT's
    LayerNorms have none) 1 + N(0, 0.2²); label tables N(0, 1); biases N(0, 0.2²)."""
    out = {}
    for name, shape in shapes.items():
        if name == "pos_embed":
            continue
        if name.endswith("embedding_table.weight") or name == "label_emb.weight":
            out[name] = rng.standard_normal(shape)
        elif len(shape) >= 2:
            out[name] = rng.standard_normal(shape) / np.sqrt(np.prod(shape[1:]))
        elif name.endswith(".weight"):
            out[name] = 1 + 0.2 * rng.standard_normal(shape)
        else:
            out[name] = 0.2 * rng.standard_normal(shape)
    return out


def routing_tables(ckpt, cfg, reference):
    """The tables the reference uses: read from the checkpoint (None for routing "none"); DTR tables must
    equal the spec formula exactly, random ones must have int(C·β) ones per row."""
    widths = reference.routed_widths(cfg)
    names = sorted((n for n in ckpt.names() if n.startswith("routing.blocks.")), key=lambda n: int(n.split(".")[-1]))
    stored = [f"routing.blocks.{i}" for i in range(len(widths))]
    if names != stored:
        raise AssertionError(f"checkpoint routing tables {names}, expected {stored}")
    tables = []
    for name, width in zip(stored, widths):
        if ckpt.shape(name) != (cfg["timesteps"], width):
            raise AssertionError(f"{name} has shape {ckpt.shape(name)}, expected ({cfg['timesteps']}, {width})")
        table = ckpt.tensor(name)
        if cfg["routing"] == "dtr":
            expected = routing_masks.dtr_mask(cfg["timesteps"], width, cfg["beta"], cfg["alpha"])
            if not np.array_equal(table, expected):
                rows = np.nonzero((table != expected).any(axis=1))[0]
                raise AssertionError(f"{name} differs from the spec's DTR formula in {len(rows)} rows, "
                                     f"first t={rows[0]}")
        elif cfg["routing"] == "random":
            routing_masks.check_random_mask(table, cfg["beta"], name)
        tables.append(table)
    return None if cfg["routing"] == "none" else tables


def check_parameters(ckpt, prefix, shapes):
    """The checkpoint's `prefix` tensors are exactly the reference state_dict, shape for shape."""
    stored = {n[len(prefix):]: ckpt.shape(n) for n in ckpt.names() if n.startswith(prefix)}
    if stored != shapes:
        missing = sorted(set(shapes) - set(stored))
        extra = sorted(set(stored) - set(shapes))
        wrong = sorted(n for n in set(shapes) & set(stored) if shapes[n] != stored[n])
        raise AssertionError(f"{prefix}* differs from the reference state_dict: missing {missing}, extra {extra}, "
                             f"wrong shapes {[(n, stored[n], shapes[n]) for n in wrong]}")


def predict(binary, checkpoint, weights, inputs, out):
    """Runs `dtr predict` and returns its output as float64."""
    args = [binary, "predict", "--checkpoint", checkpoint, "--weights", weights,
            "--x", inputs["x"], "--t", inputs["t"], "--y", inputs["y"], "--out", out]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"dtr predict failed ({done.returncode}): {done.stderr.strip()}")
    return np.load(out).astype(np.float64)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--dtr", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args(argv)

    ckpt = SafeTensorsFile(args.checkpoint)
    cfg = json.loads(ckpt.metadata["config"])["model"]
    reference = {"dit": dit_reference, "unet": unet_reference}[cfg["arch"]]
    shapes = reference.parameter_shapes(cfg)
    tables = routing_tables(ckpt, cfg, reference)
    rng = np.random.default_rng(args.seed)
    weight_sets = {}
    for weights in ("ema", "model"):
        check_parameters(ckpt, weights + ".", shapes)
        sd = random_parameters(shapes, rng)
        for name, value in sd.items():
            ckpt.replace(f"{weights}.{name}", value)
        if "pos_embed" in shapes:
            stored = ckpt.tensor(f"{weights}.pos_embed")[0]
            spec = dit_reference.sincos_pos_embed(cfg["hidden"], int(np.sqrt(stored.shape[0])))
            gap = np.abs(stored - spec).max()
            if gap > 1e-6:
                raise AssertionError(f"{weights}.pos_embed differs from the 2-D sin-cos by {gap:.3g}")
            sd["pos_embed"] = stored
        weight_sets[weights] = sd
    randomized = os.path.join(args.work, "random.safetensors")
    ckpt.write(randomized)

    n = len(BATCH_T)
    size, channels = cfg["inputSize"], cfg["inChannels"]
    x = rng.standard_normal((n, channels, size, size)).astype(np.float32)
    labels = np.array([3, cfg["numClasses"], 0, 9], dtype=np.int64) % label_table_rows(cfg)
    inputs = {"x": os.path.join(args.work, "x.npy"), "t": os.path.join(args.work, "t.npy"),
              "y": os.path.join(args.work, "y.npy")}
    np.save(inputs["x"], x)
    np.save(inputs["t"], BATCH_T)
    np.save(inputs["y"], labels)

    report = {}
    for weights, sd in weight_sets.items():
        got = predict(args.dtr, randomized, weights, inputs, os.path.join(args.work, f"eps-{weights}.npy"))
        expected = reference.forward(sd, cfg, x.astype(np.float64), BATCH_T, labels, tables)
        if got.shape != expected.shape:
            raise AssertionError(f"dtr predict returned {got.shape}, reference {expected.shape}")
        error, image = relative_error(got, expected)
        worst = np.unravel_index(np.argmax(np.abs(got[image] - expected[image])), expected[image].shape)
        entry = {"error": error, "image": image, "at": [int(i) for i in worst],
                 "got": float(got[image][worst]), "expected": float(expected[image][worst]),
                 "scale": float(np.abs(expected).max())}
        if tables is not None:
            unrouted = reference.forward(sd, cfg, x.astype(np.float64), BATCH_T, labels, None)
            entry["routing_effect"] = relative_error(unrouted, expected)[0]
        report[weights] = entry
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except AssertionError as e:
        print(f"check_forward: {e}", file=sys.stderr)
        sys.exit(1)
