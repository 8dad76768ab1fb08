"""torchrun with 2 ranks (gloo, CPU) on the tiny config: the event stream, the control channel applied by
both ranks at the same step, the run lock, and 2 ranks (one node, or two nodes of one rank) vs 1 rank on the
same global batch."""
import fcntl
import json
import os
import socket
import subprocess
import sys
import time

from conftest import env, run, torchrun
from events_schema import validate

ARGS = ["--preset", "tiny", "--batch", "32", "--steps", "400", "--checkpoint-every-minutes", "0", "--seed", "3"]


def send(rd, obj):
    with open(os.path.join(rd, "control.jsonl"), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(json.dumps(obj) + "\n")


def events(rd):
    p = os.path.join(rd, "events.jsonl")
    if not os.path.exists(p):
        return []
    return [json.loads(x) for x in open(p).read().splitlines() if x.endswith("}")]


def wait_for(rd, pred, proc, timeout=180):
    end = time.time() + timeout
    while time.time() < end:
        ev = [e for e in events(rd) if pred(e)]
        if ev:
            return ev[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError("timed out waiting for an event")


def test_two_ranks_steer_lock_and_match_one_rank(tmp_path):
    rd = str(tmp_path / "ddp")
    proc = subprocess.Popen(torchrun(2, "--run-dir", rd, "--rank-log", *ARGS), env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(rd, lambda e: e["type"] == "step" and e["step"] >= 3, proc)
        send(rd, {"id": "t-1", "cmd": "pause", "at": "now"})
        paused = wait_for(rd, lambda e: e["type"] == "pause", proc)
        # a second trainer on the same run directory is refused while the first holds the lock
        r = run(torchrun(2, "--run-dir", rd, "--resume"), timeout=240)
        assert r.returncode != 0 and "is being trained by pid" in r.stderr, r.stderr
        send(rd, {"id": "t-2", "cmd": "stage", "name": "beta", "value": 0.5})
        change = wait_for(rd, lambda e: e["type"] == "hparam_change", proc)
        send(rd, {"id": "t-3", "cmd": "resume"})
        wait_for(rd, lambda e: e["type"] == "step" and e["step"] >= change["step"] + 3, proc)
        send(rd, {"id": "t-4", "cmd": "stop"})
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
    ev = validate(os.path.join(rd, "events.jsonl"))
    assert ev[0]["type"] == "run_start" and ev[0]["engine"] == "dtr_torch" and ev[0]["schema"] == 2
    answers = {e["id"]: e["status"] for e in ev if e["type"] == "command"}
    assert answers == {"t-1": "applied", "t-2": "applied", "t-3": "applied", "t-4": "applied"}
    assert change["name"] == "beta" and change["new"] == 0.5 and change["source"] == "control"
    assert ev[-1]["type"] == "run_end" and ev[-1]["reason"] == "stopped"
    # both ranks trained every step with the same masks, and switched β at the same step
    logs = [[json.loads(x) for x in open(os.path.join(rd, f"rank-{r}.jsonl"))] for r in (0, 1)]
    assert len(logs[0]) == len(logs[1]) > change["step"]
    for a, b in zip(*logs):
        assert (a["step"], a["beta"], a["mask_checksum"]) == (b["step"], b["beta"], b["mask_checksum"])
    first_new = [next(x["step"] for x in log if x["beta"] == 0.5) for log in logs]
    assert first_new[0] == first_new[1] == change["step"] + 1 == paused["step"] + 1

    # 1 rank on the same global batch gives the same losses as 2 ranks
    rd1 = str(tmp_path / "one")
    r = run(torchrun(1, "--run-dir", rd1, "--preset", "tiny", "--batch", "32", "--steps", "3", "--seed", "3"))
    assert r.returncode == 0, r.stderr
    one = [e["loss"] for e in events(rd1) if e["type"] == "step"]
    two = [e["loss"] for e in ev if e["type"] == "step"][:3]
    assert len(one) == 3
    for a, b in zip(one, two):
        assert abs(a - b) <= 1e-5 * abs(a), (one, two)

    # two "nodes" of one rank each (torchrun --nnodes 2, static rendezvous on this machine) give them too
    rd2 = str(tmp_path / "nodes")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nodes = [subprocess.Popen(
        [sys.executable, "-m", "torch.distributed.run", "--nnodes", "2", "--nproc_per_node", "1", "--node_rank", str(r),
         "--master_addr", "127.0.0.1", "--master_port", str(port), "-m", "dtr_torch.train", "--threads", "1",
         "--run-dir", rd2, "--preset", "tiny", "--batch", "32", "--steps", "3", "--seed", "3"],
        env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in (0, 1)]
    for p in nodes:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    across = [e["loss"] for e in events(rd2) if e["type"] == "step"]
    assert len(across) == 3
    for a, b in zip(one, across):
        assert abs(a - b) <= 1e-5 * abs(a), (one, across)
