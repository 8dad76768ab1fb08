#!/usr/bin/env python3
"""Training throughput of the PyTorch twins, timed as `dtr bench train` times dtr: batch 128 of Fashion-MNIST,
class dropout 0.1, uniform timesteps, q_sample on the linear β schedule (T = 1000), MSE on ε, backward,
AdamW, EMA; 2 threads. `--model dit` is the project's own DiT twin (python/dtr_torch, the DDP engine's
model) at `--hidden/--depth/--heads/--patch`; `--model unet-small|unet-base` is the UNet twin
(scripts/unet_torch.py). Both use DTR routing (α 4, β 0.8).

`--precision bf16` runs forward and loss (and sampling) under `torch.autocast("cpu", dtype=torch.bfloat16)` (PyTorch's CPU
mixed precision: bf16 operands for convolutions and matmuls, fp32 master weights and optimizer), the
counterpart of `dtr --precision bf16`.

Prints `PARAMS n` and `BENCH steps=… ms/step=… img/s=… peak_rss=…MiB` (peak RSS of the whole process).
`--sample N --cfg S` instead times DDIM-50 sampling of N images in one batch with classifier-free guidance
(python/dtr_torch's sampler), as `dtr bench sample` does, and prints `BENCH_SAMPLE … img/s=…`.
"""
import argparse
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "python")]
from dtr_torch.config import MODEL_DEFAULTS  # noqa: E402
from dtr_torch.data import fashion_mnist  # noqa: E402
from dtr_torch.diffusion import Schedule, sample  # noqa: E402
from dtr_torch.model import DiT  # noqa: E402
from unet_torch import PRESETS, UNet  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["dit"] + sorted(PRESETS), default="dit")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--bench", type=int, default=4, help="timed training steps")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sample", type=int, default=0, help="time DDIM-50 sampling of this many images instead")
    ap.add_argument("--cfg", type=float, default=1.5)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    if a.model == "dit":
        m = dict(MODEL_DEFAULTS, hidden=a.hidden, depth=a.depth, heads=a.heads, patch=a.patch, routing="dtr")
        model = DiT(m)
    else:
        model = UNet(a.model)
    schedule = Schedule("linear", 1000)
    if a.sample:
        model.eval()
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            sample(model, schedule, torch.randint(0, 10, (a.sample,), generator=gen),
                   torch.randn((a.sample, 1, 28, 28), generator=gen), "ddim:50", cfg=a.cfg)
        print(f"BENCH_SAMPLE n={a.sample} cfg={a.cfg} img/s={a.sample / (time.perf_counter() - t0):.3f}", flush=True)
        return
    params = [p for p in model.parameters() if p.requires_grad]
    print("PARAMS", sum(p.numel() for p in params), flush=True)
    ema = [p.detach().clone() for p in params]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    data = fashion_mnist(a.data_dir)

    def step():
        idx = torch.randint(0, len(data), (a.batch,), generator=gen)
        x0, y = data.batch(idx)
        y = torch.where(torch.rand(a.batch, generator=gen) < 0.1, torch.full_like(y, 10), y)
        t = torch.randint(0, 1000, (a.batch,), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            loss = F.mse_loss(model(schedule.q_sample(x0, noise, t), t, y).float(), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, 0.9999)
            torch._foreach_add_(ema, params, alpha=1e-4)

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.bench):
        step()
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"BENCH steps={a.bench} ms/step={dt / a.bench * 1e3:.1f} img/s={a.bench * a.batch / dt:.1f} "
          f"peak_rss={rss:.0f}MiB", flush=True)


if __name__ == "__main__":
    main()
