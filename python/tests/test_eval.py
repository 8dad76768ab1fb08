"""The torch evaluator against `dtr`'s: the same features (the cached test-set statistics, which the Swift
FashionCNN computed, are reproduced), and the same FID and KID on the same images (`dtr eval` and
`dtr sample --npy` draw identical images from one unconditional checkpoint, seed and batch); the torch
sampler, from the same SplitMix64 initial noise, draws those images too, and the torch grid writer lays them
out as dtr's PNG."""
import copy
import json

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import run
from dtr_torch import checkpoint as ckpt
from dtr_torch import config as cfgmod
from dtr_torch import diffusion
from dtr_torch import evaluate as ev
from dtr_torch import imagegrid
from dtr_torch.diffusion import Schedule
from dtr_torch.model import DiT

DATA = cfgmod.TRAIN_DEFAULTS["dataDir"]
N, SEED, SAMPLER = 300, 5, "ddim:3"
NS, SEEDS = str(N), str(SEED)


@pytest.fixture(scope="module")
def evaluator():
    return ev.Evaluator()


def unconditional_checkpoint(path, classes=0):
    """A tiny DiT (unconditional unless `classes` > 0) with random (not zero-initialised) output layers and
    class embeddings, so its samples vary and depend on the label."""
    c = cfgmod.default_config()
    m = cfgmod.preset_model("tiny")
    m["numClasses"], m["routingSeed"] = classes, 0xA5
    c["preset"], c["model"] = "tiny", m
    torch.manual_seed(1)
    net = DiT(m)
    with torch.no_grad():
        for p in list(net.final_layer.parameters()) + [q for b in net.blocks for q in b.adaLN_modulation.parameters()]:
            p.normal_(0, 0.05)
        if classes:
            net.y_embedder.embedding_table.weight.normal_(0, 0.2)
    zeros = {n: torch.zeros_like(p) for n, p in net.named_parameters() if p.requires_grad}
    ckpt.save(path, c, net, copy.deepcopy(net), zeros, {n: z.clone() for n, z in zeros.items()}, net.masks, [0] * 8, 1e-4,
              float("inf"), {})
    return net.eval()


def test_features_reproduce_the_cached_statistics(evaluator):
    ref = evaluator.reference_features(DATA)
    mu, cov = ev.feature_statistics(ref)
    assert ref.shape == (10000, 128)
    assert np.abs(mu - evaluator.mean).max() <= 1e-6 * np.abs(evaluator.mean).max()
    assert np.abs(cov - evaluator.cov).max() <= 1e-6 * np.abs(evaluator.cov).max()


def test_fid_and_kid_equal_dtr_eval_on_the_same_images(dtr_binary, evaluator, tmp_path):
    path = str(tmp_path / "u.safetensors")
    net = unconditional_checkpoint(path)
    npy = str(tmp_path / "x.npy")
    r = run([dtr_binary, "sample", "--checkpoint", path, "--n", NS, "--seed", SEEDS, "--sampler", SAMPLER,
             "--out", str(tmp_path / "x.png"), "--npy", npy])
    assert r.returncode == 0, r.stderr
    r = run([dtr_binary, "eval", "--checkpoint", path, "--samples", NS, "--batch", NS, "--seed", SEEDS,
             "--sampler", SAMPLER, "--data-dir", DATA, "--json"])
    assert r.returncode == 0, r.stderr
    swift = json.loads(r.stdout.strip().splitlines()[-1])
    images = torch.from_numpy(np.load(npy))
    assert images.shape == (N, 1, 28, 28) and float(images.std()) > 0.1
    # the torch grid writer lays the same images out byte for byte as dtr's PNG (unconditional: ⌈√300⌉ = 18 columns)
    with Image.open(str(tmp_path / "x.png")) as im:
        assert np.array_equal(np.asarray(im), imagegrid.render(images, 17, 18))
    fid, kid, kid_std = ev.score(evaluator, images, DATA)
    assert swift["evaluator"] == evaluator.tag == "fmnist-cnn-v1" and swift["samples"] == N
    assert (swift["sampler"], swift["cfg"], swift["seed"], swift["weights"], swift["sampling_precision"]) == \
        (SAMPLER, 1, SEED, "ema", "fp32")
    for mine, theirs in ((fid, swift["fid"]), (kid, swift["kid"]), (kid_std, swift["kid_std"])):
        assert abs(mine - theirs) <= 1e-6 * abs(theirs), (fid, kid, kid_std, swift)
    # the torch sampler from the same SplitMix64 initial noise draws the same images
    mine = ev.generate(net, Schedule("linear", 1000), ev.balanced_labels(N, net.cfg), SEED, SAMPLER, 1.5, "cpu")
    assert (mine - images).abs().max() < 1e-3


@pytest.mark.parametrize("sampler", ["ddpm:4", "ddim:4:0.5"])
def test_stochastic_samplers_draw_dtr_samples(dtr_binary, tmp_path, sampler):
    """DDPM and DDIM with η > 0 also use SplitMix64's per-step noise as dtr does."""
    path = str(tmp_path / "u.safetensors")
    net = unconditional_checkpoint(path)
    npy = str(tmp_path / "x.npy")
    r = run([dtr_binary, "sample", "--checkpoint", path, "--n", "20", "--seed", SEEDS, "--sampler", sampler,
             "--out", str(tmp_path / "x.png"), "--npy", npy])
    assert r.returncode == 0, r.stderr
    theirs = torch.from_numpy(np.load(npy))
    x_t = ev.initial_noise(SEED, 20, (1, 28, 28))
    mine = diffusion.sample(net, Schedule("linear", 1000), ev.balanced_labels(20, net.cfg), x_t, sampler, 1.5, 0, False,
                            "cpu", ev.step_noise_seed(SEED, 0))
    assert float(theirs.std()) > 0.1 and (mine - theirs).abs().max() < 1e-3


def test_guidance_interval_draws_dtr_samples(dtr_binary, tmp_path):
    """A sampler spelt with @LO..HI guides only the calls whose σ lies in (LO, HI], in dtr and in torch alike:
    here 2 of ddim:4's calls (σ 9.49 and 1.46 of 157.4, 9.49, 1.46, 0.01)."""
    path = str(tmp_path / "c.safetensors")
    net = unconditional_checkpoint(path, classes=10)
    sampler = "ddim:4@0.5..20"
    draws = {}
    for spec in (sampler, "ddim:4"):
        npy = str(tmp_path / "x.npy")
        r = run([dtr_binary, "sample", "--checkpoint", path, "--n", "20", "--seed", SEEDS, "--sampler", spec,
                 "--cfg", "1.5", "--out", str(tmp_path / "x.png"), "--npy", npy])
        assert r.returncode == 0, r.stderr
        draws[spec] = torch.from_numpy(np.load(npy))
    rows = torch.arange(20) // 2  # dtr sample's grid: one row of 2 per class
    mine = ev.generate(net, Schedule("linear", 1000), rows, SEED, sampler, 1.5, "cpu")
    assert float(draws[sampler].std()) > 0.1 and (mine - draws[sampler]).abs().max() < 1e-3
    assert (draws[sampler] - draws["ddim:4"]).abs().max() > 1e-2  # the interval changed the images
