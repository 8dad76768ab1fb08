"""Gaussian diffusion (dtr-spec.md §9.1): β schedules, q_sample, loss weightings, DDIM/DDPM sampling."""
import math

import numpy as np
import torch


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
    parts = s.split(":")
    if parts[0] in ("ddim", "ddpm") and len(parts) >= 2:
        n = int(parts[1])
        eta = float(parts[2]) if len(parts) == 3 and parts[0] == "ddim" else (1.0 if parts[0] == "ddpm" else 0.0)
        return parts[0], n, eta
    if parts[0] == "dpmpp2m" and len(parts) == 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 1000:
        return "dpmpp2m", int(parts[1]), 0.0
    raise ValueError(f"unknown sampler '{s}'; use ddim:N, ddim:N:ETA, ddpm:N or dpmpp2m:N")


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
    if n == 1:
        return [T - 1]
    stride = (T - 1) / (n - 1)
    return sorted({int(round(k * stride)) for k in range(n)})


@torch.no_grad()
def sample(model, schedule, labels, sampler="ddim:50", cfg=1.5, null=10, conditional=True, gen=None,
           device="cpu", size=(1, 28, 28)):
    """Generates images in [−1, 1] with DDIM (η) over evenly spaced original timesteps, or DPM-Solver++(2M)
    over timesteps evenly spaced in λ; CFG on all channels."""
    kind, n, eta = parse_sampler(sampler)
    ts = evenly_spaced(schedule.T, n)
    ac = schedule.alphas_cumprod
    N = labels.shape[0]
    x = torch.randn((N,) + tuple(size), generator=gen).to(device)
    y = labels.to(device)
    guided = conditional and cfg != 1.0

    def guided_eps(x, t):
        tt = torch.full((N,), t, dtype=torch.long, device=device)
        if not guided:
            return model(x, tt, y)
        out = model(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([y, torch.full_like(y, null)]))
        c, u = out[:N], out[N:]
        return u + cfg * (c - u)

    if kind == "dpmpp2m":  # DPM-Solver++(2M), data prediction, as Sources/DTRDiffusion/DPMSolverPlusPlus.swift
        times = lambda_uniform(ac, n)
        prev, h_prev = None, 0.0
        for i, t in enumerate(times):
            a_t = float(ac[t])
            d = (math.sqrt(1 / a_t) * x - math.sqrt(1 / a_t - 1) * guided_eps(x, t)).clamp(-1, 1)
            if i == len(times) - 1:
                return d
            a_next = float(ac[times[i + 1]])
            h = lam(a_next) - lam(a_t)
            keep, gain = math.sqrt((1 - a_next) / (1 - a_t)), math.sqrt(a_next) * -math.expm1(-h)
            mixed = d if prev is None else (1 + h_prev / (2 * h)) * d - h_prev / (2 * h) * prev
            x = keep * x + gain * mixed
            prev, h_prev = d, h
    for i in reversed(range(len(ts))):
        t = ts[i]
        a_t = ac[t]
        a_prev = ac[ts[i - 1]] if i > 0 else 1.0
        eps = guided_eps(x, t)
        x0 = (math.sqrt(1 / a_t) * x - math.sqrt(1 / a_t - 1) * eps).clamp(-1, 1)
        eps = (math.sqrt(1 / a_t) * x - x0) / math.sqrt(1 / a_t - 1)
        sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t)) * math.sqrt(max(0.0, 1 - a_t / a_prev))
        x = math.sqrt(a_prev) * x0 + math.sqrt(max(0.0, 1 - a_prev - sigma ** 2)) * eps
        if i > 0 and sigma > 0:
            x = x + sigma * torch.randn(x.shape, generator=gen).to(device)
    return x
