"""The run configuration as the Swift `TrainConfig` / `ModelConfig` JSON (same keys, same defaults).

The configuration travels as a plain dict so that keys this engine does not use (UNet fields, task
affinity) survive a round trip through it unchanged.
"""
import copy
import json

MODEL_DEFAULTS = {
    "arch": "dit", "inputSize": 28, "inChannels": 1, "patch": 4, "hidden": 128, "depth": 6, "heads": 4,
    "mlpRatio": 4, "numClasses": 10, "classDropout": 0.1, "timesteps": 1000, "routing": "dtr",
    "alpha": 4.0, "beta": 0.8, "routingSeed": 0,
    "baseChannels": 64, "channelMult": [1, 2, 2], "blocksPerLevel": 2, "attentionAt14": False, "groups": 32,
    "headChannels": 64, "downsampleConv": True,
}

TRAIN_DEFAULTS = {
    "preset": "small", "lr": 5e-4, "weightDecay": 0.0, "lrSchedule": "constant", "warmupSteps": 0,
    "gradClip": 0.0, "emaDecay": 0.9999, "emaWarmup": True, "batch": 128, "steps": 0, "epochs": 10,
    "schedule": "linear", "lossWeighting": "uniform", "tSampling": "uniform", "hflip": False, "seed": 0,
    "dataDir": "/usr/share/datasets/fashion-mnist", "checkpointEveryEpochs": 1, "checkpointEveryMinutes": 10.0,
    "keepCheckpoints": 3, "sampleEveryEpochs": 1, "sampler": "dpmpp2m:15@0.28..5.42", "cfgScale": 1.5, "evalEveryEpochs": 2,
    "evalSamples": 2000, "evalAtSteps": [], "lossBuckets": 10, "logEvery": 1, "precision": "fp32",
    # precision: Swift's convolution precision (`dtr --precision`); this engine's own `--precision bf16`
    # (autocast) is a launch flag and is not stored here.
    # affinityEverySteps: absent = once per epoch (Swift nil); the torch engine does not measure affinity.
    # evalSampler, evalCfgScale: absent = the FID probe of older runs (DDIM-25 at cfgScale); new runs get
    # evaluate.PROBE_SAMPLER and PROBE_CFG, as Swift's do.
    # evalPrecision: absent = fp32 (auto for a bf16 configuration); this engine samples in float32 whatever it says.
}

# DiT presets (ModelConfig.preset): hidden, depth, heads, patch.
PRESETS = {"tiny": (64, 2, 2, 4), "small": (128, 6, 4, 4), "base": (256, 8, 8, 2)}

U64 = (1 << 64) - 1


def default_config():
    c = copy.deepcopy(TRAIN_DEFAULTS)
    c["model"] = copy.deepcopy(MODEL_DEFAULTS)
    c["model"]["routingSeed"] = (c["seed"] + 0xA5) & U64
    return c


def with_defaults(saved):
    """A saved configuration with the keys it lacks filled from today's defaults (as Swift decodes it)."""
    c = default_config()
    for k, v in saved.items():
        if k == "model":
            c["model"].update(v)
        else:
            c[k] = v
    return c


def preset_model(name):
    if name not in PRESETS:
        raise ValueError(f"unknown preset '{name}'; the torch engine trains the DiT presets {', '.join(PRESETS)}")
    m = copy.deepcopy(MODEL_DEFAULTS)
    m["hidden"], m["depth"], m["heads"], m["patch"] = PRESETS[name]
    return m


def to_json(c):
    return json.dumps(c, sort_keys=True, separators=(",", ":"))


def total_steps(c, steps_per_epoch):
    return c["steps"] if c["steps"] > 0 else c["epochs"] * steps_per_epoch


def model_validation_error(m):
    if m.get("arch", "dit") != "dit":
        return "the torch engine trains DiT models only (this run is a UNet)"
    if m["inputSize"] % m["patch"]:
        return f"patch {m['patch']} must divide the image size {m['inputSize']}"
    if m["hidden"] % m["heads"]:
        return f"hidden {m['hidden']} must be divisible by heads {m['heads']}"
    if m["hidden"] % 4:
        return f"hidden {m['hidden']} must be divisible by 4 (2-D sin-cos positions)"
    if m["depth"] < 1:
        return "depth must be ≥ 1"
    return routing_error(m, m["alpha"], m["beta"])


def routing_error(m, alpha, beta):
    """ModelConfig.routingError: the one rule for α and β."""
    if not (alpha > 0) or alpha != alpha or alpha == float("inf"):
        return f"alpha must be a number > 0 (got {alpha})"
    if not (0 < beta <= 1):
        return f"beta must be in (0, 1] (got {beta})"
    if m["routing"] != "none" and int(m["hidden"] * beta) < 1:
        return (f"beta {beta} leaves no channel on in blocks ({m['hidden']} channels); "
                f"use beta ≥ {1 / m['hidden']:.4g}")
    return None


def hparam_error(name, value, m):
    """Hyperparameter.validationError."""
    if name == "lr":
        return None if value > 0 and value != float("inf") else f"lr must be a number > 0 (got {value})"
    if name == "alpha":
        return routing_error(m, value, m["beta"])
    if name == "beta":
        return routing_error(m, m["alpha"], value)
    return f"unknown hyperparameter {name}"
