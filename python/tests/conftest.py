import os
import subprocess
import sys

import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYDIR = os.path.join(ROOT, "python")
# One intra-op thread in the test process too: on 2 shared cores, torch's second thread mostly spins (KID's
# float64 products took 18× the CPU time with 2 threads under load).
torch.set_num_threads(1)


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = PYDIR + os.pathsep + e.get("PYTHONPATH", "")
    e["OMP_NUM_THREADS"] = "1"
    return e


def torchrun(n, *args, **kw):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(n),
           "-m", "dtr_torch.train", "--threads", "1"] + [str(a) for a in args]
    if n == 1:
        cmd = [sys.executable, "-m", "dtr_torch.train", "--threads", "1"] + [str(a) for a in args]
    return cmd


@pytest.fixture(scope="session")
def dtr_binary():
    path = os.environ.get("DTR_BIN", os.path.join(ROOT, ".build", "release", "dtr"))
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} missing; scripts/test builds it first")
        pytest.skip(f"{path} missing; run swift build -c release --product dtr")
    return path


def run(cmd, **kw):
    return subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)
