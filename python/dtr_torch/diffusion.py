"""Gaussian diffusion (dtr-spec.md §9.1): β schedules, q_sample, loss weightings, DDIM/DDPM sampling."""
import math
import re

import numpy as np
import torch

from .splitmix import SplitMix64


class Schedule:
    def __init__(self, kind="linear", T=1000):
        if kind == "linear":
            s = 1000.0 / T
            lo, hi = 1e-4 * s, 0.02 * s
            b = np.array([lo if T == 1 else lo + (hi - lo) * t / (T - 1) for t in range(T)], dtype=np.float64)
        elif kind == "cosine":
            def abar(x):
                return math.cos((x + 0.008) / 1.008 * math.pi / 2) ** 2
            b = np.array([min(1 - abar((t + 1) / T) / abar(t / T), 0.999) for t in range(T)], dtype=np.float64)
        else:
            raise ValueError(f"unknown schedule '{kind}'; use linear or cosine")
        self.T = T
        self.betas = b
        self.alphas_cumprod = np.cumprod(1 - b)

    def snr(self, t):
        a = self.alphas_cumprod[t]
        return a / (1 - a)

    def q_sample(self, x0, noise, t):
        ac = torch.from_numpy(self.alphas_cumprod).to(x0.device)[t]
        a = ac.sqrt().float().view(-1, 1, 1, 1)
        s = (1 - ac).sqrt().float().view(-1, 1, 1, 1)
        return a * x0 + s * noise


def parse_weighting(s):
    parts = s.split(":", 1)
    if parts[0] == "uniform" and len(parts) == 1:
        return ("uniform",)
    if parts[0] == "ant-uw" and len(parts) == 1:
        return ("ant-uw",)
    if parts[0] == "min-snr" and len(parts) == 2:
        g = float(parts[1])
        if g > 0:
            return ("min-snr", g)
    if parts[0] == "p2" and len(parts) == 2:
        v = [float(x) for x in parts[1].split(",")]
        if len(v) == 2 and v[0] >= 0 and v[1] >= 0:
            return ("p2", v[0], v[1])
    raise ValueError(f"unknown loss weighting '{s}'; use uniform, min-snr:GAMMA, p2:GAMMA,K or ant-uw")


def weight(w, t, schedule):
    """The per-sample weight of the ε-MSE (LossWeighting.weight)."""
    if w[0] == "uniform":
        return 1.0
    if w[0] == "min-snr":
        s = schedule.snr(t)
        return min(s, w[1]) / s
    if w[0] == "p2":
        return 1.0 / (w[2] + schedule.snr(t)) ** w[1]
    return 0.5


UW_INTERVALS = 8
UW_LR = 0.025


def uw_interval(t, T):
    k = min(UW_INTERVALS - 1, t * UW_INTERVALS // T)
    while k > 0 and t < T * k // UW_INTERVALS:
        k -= 1
    while k < UW_INTERVALS - 1 and t >= T * (k + 1) // UW_INTERVALS:
        k += 1
    return k


def draw_timesteps(kind, B, T, gen):
    if kind == "uniform":
        return torch.randint(0, T, (B,), generator=gen)
    out = []
    for k in range(UW_INTERVALS):
        lo, hi = T * k // UW_INTERVALS, T * (k + 1) // UW_INTERVALS
        cnt = B // UW_INTERVALS + (1 if k < B % UW_INTERVALS else 0)
        out.append(torch.randint(lo, hi, (cnt,), generator=gen))
    return torch.cat(out)


def parse_sampler(s):
    """Sampler(parsing:): `ddim:N`, `ddim:N:ETA`, `ddpm:N` or `dpmpp2m:N` with 1 ≤ N ≤ 1000 and ETA ≥ 0, each
    optionally followed by `@LO..HI` (guidance only where LO < σ ≤ HI, `GuidanceInterval`)
    → (kind, N, η, (LO, HI) or None)."""
    base, at, interval = s.partition("@")
    parts = base.split(":")
    try:
        guide = None
        if at:
            bounds = interval.split("..")
            if len(bounds) != 2 or not all(re.fullmatch(r"(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf", v) for v in bounds):
                raise ValueError(interval)  # the decimals Swift's Double(_:) reads, no spaces or underscores
            lo, hi = float(bounds[0]), float(bounds[1])
            if not (0 <= lo < hi and math.isfinite(lo)):
                raise ValueError(interval)
            guide = (lo, hi)
        if parts[0] in ("ddim", "ddpm") and 2 <= len(parts) <= (3 if parts[0] == "ddim" else 2):
            n = int(parts[1])
            eta = float(parts[2]) if len(parts) == 3 else 0.0
            if 1 <= n <= 1000 and eta >= 0:
                return parts[0], n, eta, guide
        if parts[0] == "dpmpp2m" and len(parts) == 2 and 1 <= int(parts[1]) <= 1000:
            return "dpmpp2m", int(parts[1]), 0.0, guide
    except ValueError:
        pass
    raise ValueError(f"unknown sampler '{s}'; use ddim:N, ddim:N:ETA, ddpm:N or dpmpp2m:N (1 ≤ N ≤ 1000), "
                     "optionally with @LO..HI (guidance only where LO < σ ≤ HI)")


def lam(a):
    """λ = log(α/σ) = ½·log(ᾱ/(1 − ᾱ))."""
    return 0.5 * math.log(a / (1 - a))


def lambda_uniform(alphas_cumprod, n):
    """`n` original timesteps from T−1 down to 0, evenly spaced in λ (the Swift `lambdaUniform`)."""
    T = len(alphas_cumprod)
    if n == 1:
        return [T - 1]
    lams = [lam(float(a)) for a in alphas_cumprod]
    lo, hi = lams[-1], lams[0]
    ts = [min(range(T), key=lambda t: abs(lams[t] - (lo + (hi - lo) * k / (n - 1)))) for k in range(n)]
    ts[0], ts[-1] = T - 1, 0
    for k in range(n - 2, 0, -1):
        ts[k] = max(ts[k], ts[k + 1] + 1)
    for k in range(1, n):
        ts[k] = min(ts[k], ts[k - 1] - 1)
    return ts


def evenly_spaced(T, n):
    """`n` evenly spaced timesteps of 0…T−1, stride (T−1)/(n−1) rounded half to even (Python's round)."""
    if n == 1:
        return [T - 1]
    stride = (T - 1) / (n - 1)
    return sorted({int(round(k * stride)) for k in range(n)})


@torch.no_grad()
def sample(model, schedule, labels, x, sampler="ddim:50", cfg=1.5, null=10, conditional=True, device="cpu",
           noise_seed=0, progress=None):
    """Images from the initial noise `x` [N, C, H, W] as `Sampler.sample` draws them: over the evenly spaced
    timesteps of the respaced schedule, guidance on all channels (only where LO < σ ≤ HI for a sampler spelt
    with `@LO..HI`; the conditional ε alone elsewhere), x̂₀ clamped to [−1, 1], the update in float64;
    DDIM with η, or DDPM's posterior with σ² = β of the respaced step. Per-step noise is SplitMix64's normal
    stream from `noise_seed` (see `evaluate.step_noise_seed`).
    `progress(done, total)` after every model step."""
    kind, n, eta, interval = parse_sampler(sampler)
    N = labels.shape[0]
    x = x.to(device).float()
    y = labels.to(device)
    guided = conditional and cfg != 1.0

    def guided_eps(x, t):
        tt = torch.full((N,), t, dtype=torch.long, device=device)
        ab = float(schedule.alphas_cumprod[t])
        inside = interval is None or interval[0] < math.sqrt((1 - ab) / ab) <= interval[1]
        if not guided or not inside:
            return model(x, tt, y)
        out = model(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([y, torch.full_like(y, null)]))
        c, u = out[:N], out[N:]
        return u + np.float32(cfg) * (c - u)

    if kind == "dpmpp2m":
        return dpmpp2m(guided_eps, schedule.alphas_cumprod, lambda_uniform(schedule.alphas_cumprod, n), x, progress)
    kept = evenly_spaced(schedule.T, n)
    ac = schedule.alphas_cumprod[kept]
    betas = 1 - ac / np.concatenate([[1.0], ac[:-1]])  # NoiseSchedule.respaced
    ab_all = np.cumprod(1 - betas)
    rng = SplitMix64(noise_seed)
    for i in reversed(range(len(kept))):
        eps = guided_eps(x, kept[i])
        ab, ab_prev = ab_all[i], (ab_all[i - 1] if i > 0 else 1.0)
        last = i == 0
        noise = 0.0
        if kind == "ddpm" or (eta > 0 and not last):
            noise = torch.from_numpy(rng.fill_normal(x.numel())).reshape(x.shape).to(device).double()
        r_a, r_am1 = math.sqrt(1 / ab), math.sqrt(1 / ab - 1)
        xt = x.double()
        x0 = (r_a * xt - r_am1 * eps.double()).clamp(-1, 1)
        if kind == "ddpm":
            c1 = betas[i] * math.sqrt(ab_prev) / (1 - ab)
            c2 = (1 - ab_prev) * math.sqrt(1 - betas[i]) / (1 - ab)
            sigma = 0.0 if last else math.sqrt(betas[i])
            x = (c1 * x0 + c2 * xt + sigma * noise).float()
        else:
            sigma = eta * math.sqrt((1 - ab_prev) / (1 - ab)) * math.sqrt(1 - ab / ab_prev)
            e = (r_a * xt - x0) / r_am1
            x = (math.sqrt(ab_prev) * x0 + math.sqrt(max(0.0, 1 - ab_prev - sigma * sigma)) * e
                 + (0.0 if last else sigma * noise)).float()
        if progress:
            progress(len(kept) - i, len(kept))
    return x


def dpmpp2m(guided_eps, alphas_cumprod, times, x, progress=None):
    """DPM-Solver++(2M) over `times` (descending, ending at 0) as `DPMSolverPlusPlus.solve` does it: the
    clipped data prediction in float64, the update in float32, first step first order, the last call
    denoising to σ = 0."""
    prev, h_prev = None, 0.0
    for i, t in enumerate(times):
        ab = float(alphas_cumprod[t])
        d = (math.sqrt(1 / ab) * x.double() - math.sqrt(1 / ab - 1) * guided_eps(x, t).double()).clamp(-1, 1).float()
        if i == len(times) - 1:
            x = d
        else:
            ab_next = float(alphas_cumprod[times[i + 1]])
            h = lam(ab_next) - lam(ab)
            keep, gain = np.float32(math.sqrt((1 - ab_next) / (1 - ab))), math.sqrt(ab_next) * -math.expm1(-h)
            if prev is None:
                x = keep * x + np.float32(gain) * d
            else:
                c = h_prev / (2 * h)
                x = keep * x + np.float32(gain * (1 + c)) * d - np.float32(gain * c) * prev
            prev, h_prev = d, h
        if progress:
            progress(i + 1, len(times))
    return x
