"""scripts/torch_bench.py, the PyTorch side of scripts/bench-vs-pytorch, still runs against dtr_torch and the
UNet twin: one tiny training step of each model and a two-image sampling pass (it broke silently once when
dtr_torch's data loader and sampler changed)."""
import os
import re
import subprocess
import sys

from conftest import ROOT, env

BENCH = os.path.join(ROOT, "scripts", "torch_bench.py")


def bench(*args):
    out = subprocess.run([sys.executable, BENCH, "--threads", "1", "--batch", "4", *args], env=env(),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_torch_bench_trains_both_models_and_samples():
    dit = bench("--model", "dit", "--hidden", "32", "--depth", "1", "--heads", "2", "--patch", "7",
                "--warmup", "1", "--bench", "1")
    assert re.search(r"BENCH steps=1 ms/step=[\d.]+ img/s=[\d.]+ peak_rss=\d+MiB", dit), dit
    unet = bench("--model", "unet-small", "--warmup", "1", "--bench", "1")
    assert "PARAMS 1192641" in unet and "BENCH steps=1" in unet, unet
    sample = bench("--model", "dit", "--hidden", "32", "--depth", "1", "--heads", "2", "--patch", "7",
                   "--sample", "2")
    assert re.search(r"BENCH_SAMPLE n=2 cfg=1.5 img/s=[\d.]+", sample), sample
