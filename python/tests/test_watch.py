"""`torchrun --nproc_per_node 2` on `tiny` for 20 steps (a 64-image training split, so epochs end every 2
steps: sample grids every 5 epochs, FID at step 20), followed live by `dtr watch` in tmux: the loss, mask,
samples and FID panels show the torch run, every event validates against docs/events.md, and the run's
FID/KID equal `dtr eval`'s on its checkpoint with the probe's settings."""
import json
import os
import shutil
import subprocess
import time
import uuid

from PIL import Image

from conftest import env, run, torchrun
from dtr_torch import config as cfgmod
from dtr_torch import evaluate
from dtr_torch.data import read_idx
from events_schema import validate

DATA = cfgmod.TRAIN_DEFAULTS["dataDir"]


def small_fashion_mnist(directory, count=64):
    """The first `count` training images as IDX files, beside links to the real test split."""
    os.makedirs(directory)
    x = read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))[:count]
    y = read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz"))[:count]
    with open(os.path.join(directory, "train-images-idx3-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + b"".join(int(v).to_bytes(4, "big") for v in x.shape) + x.tobytes())
    with open(os.path.join(directory, "train-labels-idx1-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + len(y).to_bytes(4, "big") + y.tobytes())
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        os.symlink(os.path.join(DATA, name), os.path.join(directory, name))


def tmux(*args):
    return subprocess.run(["tmux", "-u"] + list(args), capture_output=True, text=True, timeout=30).stdout


def test_dtr_watch_renders_a_two_rank_torch_run(dtr_binary, tmp_path):
    assert shutil.which("tmux"), "tmux missing (scripts/setup installs it)"
    data, rd = str(tmp_path / "fm64"), str(tmp_path / "run")
    small_fashion_mnist(data)
    proc = subprocess.Popen(torchrun(2, "--run-dir", rd, "--preset", "tiny", "--batch", 32, "--steps", 20, "--seed", 3,
                                     "--data-dir", data, "--sample-every", 5, "--sampler", "ddim:4", "--eval-every", 10,
                                     "--eval-samples", 200, "--cfg", 1, "--checkpoint-every-minutes", 0),
                            env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    session = f"dtr-torch-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        end = time.time() + 120
        while not os.path.exists(os.path.join(rd, "events.jsonl")) and time.time() < end:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
             f"LANG=C.UTF-8 TERM=xterm-256color {dtr_binary} watch {rd}")
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        screen = ""
        end = time.time() + 30
        while time.time() < end:
            screen = tmux("capture-pane", "-t", session, "-p")
            if "run ended: finished" in screen and "last  FID-2k" in screen:
                break
            time.sleep(0.3)
    finally:
        if proc.poll() is None:
            proc.kill()
        tmux("kill-session", "-t", session)
    for text in ("Loss  ema", "Routing masks  dtr", "Samples  step 20", "last  FID-2k", "run ended: finished"):
        assert text in screen, f"{text!r} missing from\n{screen}"

    ev = validate(os.path.join(rd, "events.jsonl"))
    assert ev[0]["engine"] == "dtr_torch" and ev[-1]["type"] == "run_end"
    assert [e["step"] for e in ev if e["type"] == "step"] == list(range(1, 21))
    grids = [e for e in ev if e["type"] == "samples"]
    assert [(g["step"], g["rows"], g["cols"]) for g in grids] == [(10, 10, 10), (20, 10, 10)]
    for g in grids:
        assert os.path.basename(g["path"]) == f"samples-{g['step']:08d}.png"
        with Image.open(g["path"]) as im:
            assert im.mode == "L" and im.size == (302, 302)
    evals = [e for e in ev if e["type"] == "eval"]
    assert len(evals) == 1 and evals[0]["step"] == 20 and evals[0]["epoch"] == 10
    e = evals[0]
    assert e["name"] == "FID-200" and e["samples"] == 200 and e["evaluator"] == "fmnist-cnn-v1"
    assert e["fid2k"] > 0 and e["kid_std"] >= 0
    phases = [p["phase"] for p in ev if p["type"] == "eval_progress"]
    assert phases[0] == "sampling" and phases[-1] == "features"
    # `dtr eval` of the step-20 checkpoint with the probe's settings samples the same images and scores the same
    r = run([dtr_binary, "eval", "--checkpoint", os.path.join(rd, "last.safetensors"), "--samples", "200",
             "--batch", "100", "--seed", str(evaluate.PROBE_SEED), "--sampler", evaluate.PROBE_SAMPLER, "--cfg", "1",
             "--data-dir", DATA, "--json"])
    assert r.returncode == 0, r.stderr
    swift = json.loads(r.stdout.strip().splitlines()[-1])
    for key, mine in (("fid", e["fid2k"]), ("kid", e["kid"]), ("kid_std", e["kid_std"])):
        assert abs(mine - swift[key]) <= 1e-4 * abs(swift[key]), (e, swift)
