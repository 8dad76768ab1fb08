"""`python -m dtr_torch.predict --checkpoint C --x X.npy --t T.npy [--y Y.npy] --out OUT.npy [--weights ema|model]`:
one model call, as `dtr predict`, so the two engines can be compared on the same inputs."""
import argparse

import numpy as np
import torch

from .checkpoint import load_network
from .model import null_class


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m dtr_torch.predict")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--weights", default="ema", choices=["ema", "model"])
    p.add_argument("--x", required=True)
    p.add_argument("--t", required=True)
    p.add_argument("--y")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    config, net = load_network(a.checkpoint, a.weights)
    x = torch.from_numpy(np.load(a.x).astype(np.float32))
    t = torch.from_numpy(np.load(a.t).astype(np.int64))
    y = torch.from_numpy(np.load(a.y).astype(np.int64)) if a.y else torch.full_like(t, null_class(config["model"]))
    with torch.no_grad():
        out = net(x, t, y)
    np.save(a.out, out.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
