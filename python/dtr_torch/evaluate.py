"""FID-2k and KID during training with the shipped `fmnist-cnn-v1` evaluator, as `dtr`'s FIDProbe does it
(docs/evaluation.md): the same feature network loaded from `evaluator/fmnist-cnn-v1.safetensors` (SHA-256
pinned), the same 8-bit preprocessing, the same cached test-set statistics for FID, the same test-set
features and KID subsets (SplitMix64, seed 0) for KID, and the same samples: the run's `evalSampler` at its
`evalCfgScale` (DPM-Solver++ with 10 calls, unguided, for new runs; DDIM-25 at `cfgScale` for configurations
from before those keys), labels i mod classes, and the fixed initial noise of SplitMix64(0xF1D2000).

Formulas: FID (Heusel et al. 2017) by the symmetric-eigh trace term of `FrechetDistance.swift`; KID
(Bińkowski et al. 2018) as the mean and population std of the unbiased MMD² under (xᵀy/D + 1)³ over 100
subsets of min(1000, N).
"""
import hashlib
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors import safe_open

from . import diffusion
from .data import fashion_mnist
from .model import null_class
from .splitmix import M64, SplitMix64

TAG = "fmnist-cnn-v1"
WEIGHTS_FILE = f"{TAG}.safetensors"
STATS_FILE = f"{TAG}-test-stats.safetensors"
WEIGHTS_SHA256 = "e4d64155e09ddc1dd1c52552ab11ad2455e7db8cc110dc0e070e13464e9657e0"
FIX = ("restore it with `git checkout -- evaluator/` or point DTR_EVALUATOR at the shipped file (or the "
       "directory holding it)")
PROBE_SEED = 0xF1D2000
PROBE_SAMPLER, PROBE_CFG = "dpmpp2m:10", 1.0  # FIDProbe.defaultSampler, defaultCfgScale
LEGACY_PROBE_SAMPLER = "ddim:25"  # runs whose configuration has no evalSampler (at their cfgScale)
PROBE_BATCH = 100
KID_SUBSETS, KID_SUBSET_SIZE = 100, 1000


class FashionCNN(nn.Module):
    """conv3×3(1→c₁)+ReLU+maxpool2 → conv3×3(c₁→c₂)+ReLU+maxpool2 → fc(c₂·49→D)+ReLU [features] → fc(D→C)."""

    def __init__(self, conv1=32, conv2=64, hidden=128, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, conv1, 3, padding=1)
        self.conv2 = nn.Conv2d(conv1, conv2, 3, padding=1)
        self.fc1 = nn.Linear(conv2 * 7 * 7, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        """x [N, 1, 28, 28] in [−1, 1] → (features [N, D], logits [N, C])."""
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        f = F.relu(self.fc1(h.flatten(1)))
        return f, self.fc2(f)


def quantised(images):
    """EvaluatorPixels: clamp to [−1, 1], map to the nearest of the 256 levels v/127.5 − 1 (NaN → 0)."""
    x = images.float()
    v = torch.floor((x.clamp(-1, 1) + 1) * 127.5 + 0.5)
    v = torch.nan_to_num(v, nan=0.0)
    return v / 127.5 - 1


def locate_weights():
    """$DTR_EVALUATOR (file or directory), ./evaluator/, then the repository holding this package."""
    paths = []
    configured = os.environ.get("DTR_EVALUATOR", "")
    if configured:
        paths.append(os.path.join(configured, WEIGHTS_FILE) if os.path.isdir(configured) else configured)
    paths.append(os.path.join(os.getcwd(), "evaluator", WEIGHTS_FILE))
    here = os.path.dirname(os.path.abspath(__file__))
    paths.append(os.path.normpath(os.path.join(here, "..", "..", "evaluator", WEIGHTS_FILE)))
    for p in paths:
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"evaluator weights {WEIGHTS_FILE} not found (looked at {', '.join(paths)}); {FIX}")


class Evaluator:
    """The frozen network, its cached float64 test statistics and (on first use) the test-set features."""

    def __init__(self, weights_path=None, device="cpu"):
        path = weights_path or locate_weights()
        data = open(path, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        if sha != WEIGHTS_SHA256:
            raise ValueError(f"evaluator weights {path} have SHA-256 {sha}, expected {WEIGHTS_SHA256} for {TAG}; {FIX}")
        with safe_open(path, framework="pt") as f:
            meta = f.metadata() or {}
            widths = [int(meta[k]) for k in ("conv1", "conv2", "hidden", "classes")]
            self.net = FashionCNN(*widths)
            with torch.no_grad():
                for n, p in self.net.named_parameters():
                    p.copy_(f.get_tensor(n).reshape(p.shape))
        self.tag = meta.get("tag", TAG)
        self.device = torch.device(device)
        self.net = self.net.to(self.device).eval()
        stats = os.path.join(os.path.dirname(path), STATS_FILE)
        with safe_open(stats, framework="np") as f:
            smeta = f.metadata() or {}
            if smeta.get("weights_sha256") != sha:
                raise ValueError(f"{stats} was computed with other evaluator weights; {FIX}")
            self.mean = f.get_tensor("mean").astype(np.float64)
            self.cov = f.get_tensor("covariance").astype(np.float64)
        self.reference = None

    @torch.no_grad()
    def features(self, images, batch=256):
        """(features [N, D], logits [N, C]) in float64 of images [N, 1, 28, 28] after quantisation."""
        feats, logits = [], []
        for s in range(0, images.shape[0], batch):
            f, lg = self.net(quantised(images[s:s + batch]).to(self.device))
            feats.append(f.double().cpu())
            logits.append(lg.double().cpu())
        return torch.cat(feats).numpy(), torch.cat(logits).numpy()

    def reference_features(self, data_dir):
        """Features of the 10 000 test images (for KID), computed once."""
        if self.reference is None or self.reference[0] != data_dir:
            test = fashion_mnist(data_dir, split="test")
            self.reference = (data_dir, self.features(test.batch(slice(None))[0])[0])
        return self.reference[1]


def feature_statistics(features):
    """μ and the unbiased Σ (two-pass, symmetrised) of float64 features [N, D]."""
    mu = features.mean(0)
    c = features - mu
    cov = c.T @ c / (features.shape[0] - 1)
    return mu, (cov + cov.T) / 2


def frechet_distance(mu1, cov1, mu2, cov2):
    """‖μ₁−μ₂‖² + tr Σ₁ + tr Σ₂ − 2 Σ √λ(A Σ₂ A), A = Σ₁^½ (symmetric PSD roots by eigh, float64)."""
    w, v = np.linalg.eigh((cov1 + cov1.T) / 2)
    a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = a @ cov2 @ a
    lam = np.linalg.eigvalsh((m + m.T) / 2)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(cov1) + np.trace(cov2) - 2 * np.sqrt(np.clip(lam, 0, None)).sum())


def kid_subsets(real_n, gen_n, count, size, seed=0):
    """`KernelInceptionDistance.randomSubsets`: per subset a partial Fisher–Yates of each side, real first."""
    rng = SplitMix64(seed)

    def draw(n):
        pool = list(range(n))
        for i in range(size):
            j = i + rng.next_int(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:size]
    out = []
    for _ in range(count):
        real = draw(real_n)
        out.append((real, draw(gen_n)))
    return out


def kernel_inception_distance(real, gen, subsets=KID_SUBSETS, subset_size=KID_SUBSET_SIZE, seed=0):
    """(mean, population std) of MMD²ᵤ over the subsets."""
    size = min(subset_size, real.shape[0], gen.shape[0])
    r, g = torch.from_numpy(real), torch.from_numpy(gen)
    d = real.shape[1]
    values = []
    for ri, gi in kid_subsets(real.shape[0], gen.shape[0], subsets, size, seed):
        x, y = r[ri], g[gi]
        kxx = (x @ x.T / d + 1) ** 3
        kyy = (y @ y.T / d + 1) ** 3
        kxy = (x @ y.T / d + 1) ** 3
        m = float(size)
        within = (kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1))
        values.append(float(within - 2 * kxy.sum() / (m * m)))
    v = np.array(values)
    return float(v.mean()), float(np.sqrt(((v - v.mean()) ** 2).mean()))


def metric_name(samples):
    """`FID-2k` for 2000 samples, `FID-500` for 500 (MetricSuite.fidName)."""
    return f"FID-{samples // 1000}k" if samples % 1000 == 0 else f"FID-{samples}"


def score(evaluator, images, data_dir):
    """FID (against the cached statistics) and KID (against the test-set features) of images [N, 1, 28, 28]."""
    feats, _ = evaluator.features(images)
    mu, cov = feature_statistics(feats)
    fid = frechet_distance(mu, cov, evaluator.mean, evaluator.cov)
    kid, kid_std = kernel_inception_distance(evaluator.reference_features(data_dir), feats)
    return fid, kid, kid_std


def step_noise_seed(seed, start):
    """SampleGenerator's seed of the per-step noise of the batch starting at sample `start`."""
    return ((seed ^ 0x5A17E5ED00000000) + start) & M64


def initial_noise(seed, count, shape):
    """x_T of `count` samples as `SampleGenerator` draws it: one SplitMix64(seed) normal stream."""
    per = int(np.prod(shape))
    return torch.from_numpy(SplitMix64(seed).fill_normal(count * per).reshape((count,) + tuple(shape)))


def balanced_labels(count, m):
    """Label i mod classes for a conditional model, the null label otherwise."""
    if m["numClasses"] > 0:
        return torch.arange(count, dtype=torch.long) % m["numClasses"]
    return torch.full((count,), null_class(m), dtype=torch.long)


@torch.no_grad()
def generate(model, schedule, labels, seed, sampler, cfg, device, batches=None, progress=None):
    """Samples in batches of PROBE_BATCH from the initial and per-step noise of `seed`; `batches` selects which batch indices to draw
    (the rest stay zero), `progress(done, total)` counts model steps over the selected batches."""
    m = model.cfg
    n = labels.shape[0]
    x_t = initial_noise(seed, n, (m["inChannels"], m["inputSize"], m["inputSize"]))
    out = torch.zeros_like(x_t)
    starts = list(range(0, n, PROBE_BATCH))
    chosen = [b for b in range(len(starts)) if batches is None or b in batches]
    for k, b in enumerate(chosen):
        s = starts[b]
        e = min(n, s + PROBE_BATCH)

        def report(done, total, k=k):
            if progress:
                progress(k * total + done, len(chosen) * total)
        out[s:e] = diffusion.sample(model, schedule, labels[s:e], x_t[s:e], sampler, cfg, null_class(m),
                                    m["numClasses"] > 0, device, step_noise_seed(seed, s), report).cpu()
    return out
