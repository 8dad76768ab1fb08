"""The torch engine's own options, in-process on CPU: image folders as data (PNG/JPEG, grey or RGB, any
square size, classes from subfolders) and their errors, `--precision bf16` (CPU autocast), and FID switched
off with one alert when it cannot be measured."""
import hashlib
import json
import os

import numpy as np
import pytest
from PIL import Image

from dtr_torch import evaluate, imagegrid, train
from dtr_torch.data import data_shape, open_dataset
from events_schema import validate


def write_images(directory, count, size, mode, suffix, seed):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        shape = (size, size, 3) if mode == "RGB" else (size, size)
        Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(
            os.path.join(directory, f"{i:03d}{suffix}"))


def trained(run_dir, *flags):
    train.main(["--run-dir", run_dir, "--preset", "tiny", "--threads", "1", "--checkpoint-every-minutes", "0",
                "--sampler", "ddim:2", "--cfg", "1"] + [str(f) for f in flags])
    return validate(os.path.join(run_dir, "events.jsonl"))


def test_grey_class_folders_train_sample_and_switch_fid_off(tmp_path):
    data = str(tmp_path / "grey")
    write_images(os.path.join(data, "boots"), 6, 16, "L", ".png", 1)
    write_images(os.path.join(data, "coats"), 5, 16, "L", ".jpg", 2)
    ds = open_dataset(data)
    assert ds.shape == (1, 16) and ds.classes == 2 and ds.y.tolist() == [0] * 6 + [1] * 5
    png = np.asarray(Image.open(os.path.join(data, "boots", "000.png")))
    assert np.array_equal(ds.pixels[0, 0].numpy(), png)
    rd = str(tmp_path / "run")
    ev = trained(rd, "--data-dir", data, "--batch", 4, "--steps", 4, "--sample-every", 1, "--eval-every", 1)
    m = json.load(open(os.path.join(rd, "config.json")))["model"]
    assert (m["inputSize"], m["inChannels"], m["numClasses"]) == (16, 1, 2)
    grids = [e for e in ev if e["type"] == "samples"]
    assert [(g["rows"], g["cols"]) for g in grids] == [(2, 10), (2, 10)]
    with Image.open(grids[0]["path"]) as im:
        assert im.mode == "L" and im.size == (10 * 18 + 2, 2 * 18 + 2)
    alerts = [e["message"] for e in ev if e["type"] == "alert"]
    assert alerts == ["FID evaluation off: the evaluator scores 1×28×28 images; this model makes 1×16×16"]
    assert not any(e["type"] == "eval" for e in ev)


def test_rgb_and_grey_mixed_make_an_rgb_set(tmp_path):
    data = str(tmp_path / "mixed")
    write_images(data, 3, 8, "RGB", ".jpeg", 3)
    write_images(data, 2, 8, "L", ".PNG", 4)
    assert data_shape(data) == (3, 8, 0)
    ds = open_dataset(data)
    assert ds.pixels.shape == (5, 3, 8, 8) and ds.classes == 0
    grey = np.asarray(Image.open(os.path.join(data, "000.PNG")))
    assert all(np.array_equal(ds.pixels[0, c].numpy(), grey) for c in range(3))  # sorted: .PNG before .jpeg
    x, _ = ds.batch(slice(0, 2))
    assert x.min() >= -1 and x.max() <= 1
    grid = imagegrid.render(x, 1, 10)  # RGB grids: white gutter, the images' bytes in their cells
    assert grid.shape == (12, 102, 3) and (grid[:2] == 255).all() and (grid[:, 22:] == 255).all()
    assert np.array_equal(grid[2:10, 2:10], ds.pixels[0].permute(1, 2, 0).numpy())


@pytest.mark.parametrize("layout, expected", [
    ({"a.png": (8, 6)}, "is 8×6; every training image must be square"),
    ({"a.png": (8, 8), "b.png": (16, 16)}, "is 16×16 but the first image is 8×8"),
    ({"a.png": (8, 8), "c/b.png": (8, 8)}, "mixes images at the top level with class subfolders"),
    ({"notes.txt": None}, "no Fashion-MNIST IDX files and no .png/.jpg/.jpeg images"),
])
def test_bad_folders_fail_with_one_clear_line(tmp_path, capsys, layout, expected):
    data = tmp_path / "bad"
    for name, size in layout.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        if size is None:
            (data / name).write_text("x")
        else:
            Image.new("L", size).save(data / name)
    rd = str(tmp_path / "run")
    with pytest.raises(SystemExit) as e:
        train.main(["--run-dir", rd, "--preset", "tiny", "--data-dir", str(data), "--steps", "1"])
    err = capsys.readouterr().err.strip()
    assert e.value.code == 2 and err.startswith("error: ") and expected in err and "\n" not in err, err
    assert not os.path.exists(os.path.join(rd, "events.jsonl"))


def test_bf16_autocast_on_cpu_trains_close_to_fp32(tmp_path):
    data = str(tmp_path / "grey")
    write_images(data, 8, 16, "L", ".png", 5)
    losses = {}
    for precision in ("fp32", "bf16"):
        ev = trained(str(tmp_path / precision), "--data-dir", data, "--batch", 8, "--steps", 3, "--seed", 7,
                     "--sample-every", 0, "--eval-every", 0, "--precision", precision)
        losses[precision] = [e["loss"] for e in ev if e["type"] == "step"]
    assert len(losses["bf16"]) == 3 and all(np.isfinite(losses["bf16"]))
    assert losses["bf16"] != losses["fp32"]  # autocast really ran the forward in bf16
    assert np.allclose(losses["bf16"], losses["fp32"], rtol=3e-2), losses


@pytest.mark.parametrize("altered", [True, False])
def test_fid_switches_off_with_one_alert_when_it_cannot_be_measured(tmp_path, monkeypatch, altered):
    """An altered evaluator file, or 1×28×28 data without Fashion-MNIST's test split: one alert, training on."""
    data = str(tmp_path / "grey28")
    write_images(data, 4, 28, "L", ".png", 6)
    expected = f"t10k-images-idx3-ubyte(.gz) not found in {data}"
    if altered:
        weights = bytearray(open(evaluate.locate_weights(), "rb").read())
        weights[-1] ^= 1
        (tmp_path / "fmnist-cnn-v1.safetensors").write_bytes(bytes(weights))
        monkeypatch.setenv("DTR_EVALUATOR", str(tmp_path))
        expected = f"have SHA-256 {hashlib.sha256(weights).hexdigest()}, expected {evaluate.WEIGHTS_SHA256}"
    ev = trained(str(tmp_path / "run"), "--data-dir", data, "--batch", 4, "--steps", 2, "--sample-every", 0,
                 "--eval-every", 1)
    alerts = [e["message"] for e in ev if e["type"] == "alert"]
    assert len(alerts) == 1 and alerts[0].startswith("FID evaluation off: ") and expected in alerts[0], alerts
    assert not any(e["type"] == "eval" for e in ev) and ev[-1]["reason"] == "finished"
