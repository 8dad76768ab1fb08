"""`torchrun --nproc_per_node N -m dtr_torch.train --run-dir runs/NAME [flags as dtr train]`.

DDP (gloo on CPU, nccl on GPU). Rank 0 speaks for the job: it holds the run lock, writes events.jsonl and
checkpoints, and polls control.jsonl; at every step boundary it broadcasts what it read, so every rank
applies a pause, an α/β/lr change or a stop at the same step.

The global batch (`--batch`) is split evenly over ranks. Timesteps, noise, label dropout and flips are
drawn for the whole global batch from a generator seeded by (seed, step) and each rank takes its share;
DistributedSampler (seed = the run's seed) deals the same global batch whatever the number of ranks, so N
ranks and 1 rank train on the same numbers.

Sample grids (rank 0) and FID/KID (sampling shared by all ranks, scoring on rank 0) follow `dtr`'s schedule
and files; see docs/scale-out.md.
"""
import argparse
import datetime
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

from . import ENGINE, EVENT_SCHEMA
from . import checkpoint as ckpt
from . import config as cfgmod
from . import diffusion, imagegrid, runio
from . import evaluate as evalmod
from .data import data_shape, open_dataset
from .model import DiT, null_class


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m dtr_torch.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run-dir", required=True)
    p.add_argument("--resume", action="store_true", help="continue the run from RUN/last.safetensors")
    for name, typ in [("preset", str), ("hidden", int), ("depth", int), ("heads", int), ("patch", int),
                      ("routing", str), ("alpha", float), ("beta", float), ("lr", float), ("weight-decay", float),
                      ("lr-schedule", str), ("warmup", int), ("grad-clip", float), ("batch", int), ("steps", int),
                      ("epochs", int), ("loss-weight", str), ("t-sampling", str), ("schedule", str), ("ema", float),
                      ("seed", int), ("data-dir", str), ("sample-every", int), ("sampler", str), ("cfg", float),
                      ("keep", int), ("eval-every", int), ("eval-samples", int), ("eval-at-steps", steps_list),
                      ("checkpoint-every-minutes", float), ("log-every", int)]:
        p.add_argument("--" + name, type=typ, default=None)
    p.add_argument("--uncond", action="store_true")
    p.add_argument("--hflip", action="store_true")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                   help="bf16: the training forward under bf16 autocast (CUDA, or CPU autocast on CPU); weights, "
                        "optimizer, EMA, sampling and FID stay float32")
    p.add_argument("--threads", type=int, default=None, help="torch intra-op threads per rank (CPU)")
    p.add_argument("--rank-log", action="store_true",
                   help="each rank appends {step, alpha, beta, lr, paused, mask_checksum} to RUN/rank-<r>.jsonl")
    a = p.parse_args(argv)
    if a.eval_samples is not None and a.eval_samples < 10:
        p.error("--eval-samples must be ≥ 10")
    return a


def steps_list(s):
    """`--eval-at-steps 10,20,50` → [10, 20, 50]."""
    try:
        steps = [int(x) for x in s.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{s}' is not a comma-separated list of step numbers")
    if any(x < 1 for x in steps):
        raise argparse.ArgumentTypeError("step numbers must be ≥ 1")
    return steps


PLAN = {"steps": "steps", "sample_every": "sampleEveryEpochs", "sampler": "sampler", "cfg": "cfgScale",
        "keep": "keepCheckpoints", "eval_every": "evalEveryEpochs", "eval_samples": "evalSamples",
        "eval_at_steps": "evalAtSteps",
        "checkpoint_every_minutes": "checkpointEveryMinutes", "log_every": "logEvery", "data_dir": "dataDir"}
FIXED = {"weight_decay": "weightDecay", "lr_schedule": "lrSchedule", "warmup": "warmupSteps", "grad_clip": "gradClip",
         "batch": "batch", "loss_weight": "lossWeighting", "t_sampling": "tSampling", "schedule": "schedule",
         "ema": "emaDecay", "seed": "seed"}
SHAPE = {"hidden": "hidden", "depth": "depth", "heads": "heads", "patch": "patch", "routing": "routing"}


def new_config(a):
    c = cfgmod.default_config()
    if a.seed is not None:
        c["seed"] = a.seed
    c["preset"] = a.preset or "small"
    c["evalSampler"], c["evalCfgScale"] = evalmod.PROBE_SAMPLER, evalmod.PROBE_CFG  # as a new Swift run's
    m = cfgmod.preset_model(c["preset"])
    for k, key in SHAPE.items():
        if getattr(a, k) is not None:
            m[key] = getattr(a, k)
    m["alpha"] = a.alpha if a.alpha is not None else 4.0
    m["beta"] = a.beta if a.beta is not None else 0.8
    m["routingSeed"] = (c["seed"] + 0xA5) & cfgmod.U64
    if a.uncond:
        m["numClasses"] = 0
    c["model"] = m
    if a.lr is not None:
        c["lr"] = a.lr
    for k, key in FIXED.items():
        if getattr(a, k) is not None:
            c[key] = getattr(a, k)
    apply_plan(a, c)
    if a.hflip:
        c["hflip"] = True
    return c


def apply_plan(a, c):
    """Sets the plan flags given (length, cadences); --epochs without --steps clears a saved step count."""
    for k, key in PLAN.items():
        if getattr(a, k) is not None:
            c[key] = getattr(a, k)
    if a.epochs is not None:
        c["epochs"] = a.epochs
        if a.steps is None:
            c["steps"] = 0


def resume_config(a, saved):
    """docs/control.md § Resume: plan flags replace, α/β/lr become `cli` changes, other differences refuse."""
    c = json.loads(json.dumps(saved))
    changes = []
    apply_plan(a, c)
    for k, key in FIXED.items():
        v = getattr(a, k)
        if v is not None and v != saved[key]:
            raise SystemExit(f"error: --{k.replace('_', '-')} asks for {v}, but the run in {a.run_dir} was started "
                             f"with {saved[key]}; drop it to resume, or start a new run with another --run-dir")
    for k, key in SHAPE.items():
        v = getattr(a, k)
        if v is not None and v != saved["model"][key]:
            raise SystemExit(f"error: --{k} asks for {v}, but the run in {a.run_dir} was started with "
                             f"{saved['model'][key]}; drop it to resume")
    if a.preset is not None and a.preset != saved["preset"]:
        raise SystemExit(f"error: --preset asks for {a.preset}, but the run in {a.run_dir} was started with "
                         f"{saved['preset']}; drop it to resume")
    for name, v, now in [("alpha", a.alpha, saved["model"]["alpha"]), ("beta", a.beta, saved["model"]["beta"]),
                         ("lr", a.lr, saved["lr"])]:
        if v is not None and v != now:
            why = cfgmod.hparam_error(name, v, c["model"])
            if why:
                raise SystemExit(f"error: --{name} {v}: {why}")
            changes.append((name, v))
    return c, changes


class Trainer:
    def __init__(self, a, rank, world, device):
        self.a, self.rank, self.world, self.device = a, rank, world, device
        self.run_dir = a.run_dir
        self.lock = None
        self.log = None
        # Rank 0 takes the lock and reads the plan; the others learn the outcome by broadcast.
        payload = [None]
        if rank == 0:
            try:
                self.lock = runio.RunLock(self.run_dir)
                payload[0] = self.plan()
            except (runio.LockHeld, SystemExit, ValueError, FileNotFoundError) as e:
                msg = str(e)
                payload[0] = {"error": msg if msg.startswith("error:") else "error: " + msg}
        if world > 1:
            dist.broadcast_object_list(payload, src=0)
        plan = payload[0]
        if "error" in plan:
            raise SystemExit(plan["error"])
        self.config, self.changes = plan["config"], plan["changes"]
        c, m = self.config, self.config["model"]
        if world > 1 and c["batch"] % world:
            raise SystemExit(f"error: --batch {c['batch']} must be divisible by the {world} ranks")
        self.local_batch = c["batch"] // world
        torch.manual_seed(c["seed"])
        self.model = DiT(m).to(device)
        self.ema = DiT(m).to(device)
        self.ema.load_state_dict(self.model.state_dict())
        self.ema.requires_grad_(False)
        self.params = [(n, p) for n, p in self.model.named_parameters() if p.requires_grad]
        self.opt_m = {n: torch.zeros_like(p) for n, p in self.params}
        self.opt_v = {n: torch.zeros_like(p) for n, p in self.params}
        self.opt_step = 0
        self.schedule = diffusion.Schedule(c["schedule"], m["timesteps"])
        self.weighting = diffusion.parse_weighting(c["lossWeighting"])
        self.uw = None
        if self.weighting[0] == "ant-uw":
            self.uw = {"log_var": torch.zeros(diffusion.UW_INTERVALS, device=device, requires_grad=True),
                       "m": torch.zeros(diffusion.UW_INTERVALS, device=device),
                       "v": torch.zeros(diffusion.UW_INTERVALS, device=device), "step": 0}
        self.step = self.epoch = self.step_in_epoch = 0
        self.best_loss = math.inf
        self.staged = {}
        self.rng_word = (c["seed"] + 0x5EED) & cfgmod.U64
        self.data_rng_word = c["seed"] & cfgmod.U64
        if rank == 0 and plan["resume_from"]:
            self.load(plan["resume_from"])
        self.sync_from_rank0()
        self.data = open_dataset(c["dataDir"])
        self.steps_per_epoch = len(self.data) // c["batch"]
        self.total_steps = cfgmod.total_steps(c, self.steps_per_epoch)
        self.ddp = self.model
        if world > 1:
            self.ddp = torch.nn.parallel.DistributedDataParallel(
                self.model, device_ids=[device.index] if device.type == "cuda" else None, broadcast_buffers=False)
        self.paused = self.pause_at_epoch_end = self.stop_requested = False
        self.signalled = False
        self.evaluator, self.eval_off = None, False
        self.epoch_loss_sum, self.epoch_loss_count = 0.0, 0
        self.rank_log = open(os.path.join(self.run_dir, f"rank-{rank}.jsonl"), "a") if a.rank_log else None
        if rank == 0:
            self.inbox = runio.Inbox(os.path.join(self.run_dir, "control.jsonl"))
            self.discarded = self.inbox.discard_backlog()
            self.log = runio.EventLog(os.path.join(self.run_dir, "events.jsonl"))
            if not plan["resume_from"]:
                with open(os.path.join(self.run_dir, "config.json.tmp"), "w") as f:
                    f.write(cfgmod.to_json(c))
                os.replace(os.path.join(self.run_dir, "config.json.tmp"), os.path.join(self.run_dir, "config.json"))

    # ---- plan, load, sync

    def plan(self):
        a = self.a
        last = os.path.join(self.run_dir, "last.safetensors")
        if a.resume:
            if not os.path.exists(last):
                raise SystemExit(f"error: no checkpoint to resume in {self.run_dir} (expected {last}); drop --resume "
                                 "to start a new run")
            saved, _, _ = ckpt.read(last)
            c, changes = resume_config(a, saved)
            resume_from = last
        else:
            if os.path.exists(os.path.join(self.run_dir, "events.jsonl")):
                raise SystemExit(f"error: {self.run_dir} already holds a run; pass --resume to continue it or choose "
                                 "another --run-dir")
            c, changes, resume_from = new_config(a), [], None
            channels, size, classes = data_shape(c["dataDir"])
            c["model"]["inChannels"], c["model"]["inputSize"] = channels, size
            if c["model"]["numClasses"] > 0:
                c["model"]["numClasses"] = classes
        m = c["model"]
        if resume_from:
            channels, size, _ = data_shape(c["dataDir"])
            if (channels, size) != (m["inChannels"], m["inputSize"]):
                raise SystemExit(f"error: the images in {c['dataDir']} are {channels}×{size}×{size} but the run in "
                                 f"{self.run_dir} trains on {m['inChannels']}×{m['inputSize']}×{m['inputSize']}; "
                                 "pass --data-dir with the run's data")
        err = cfgmod.model_validation_error(c["model"])
        if err:
            raise SystemExit("error: " + err)
        diffusion.parse_weighting(c["lossWeighting"])
        diffusion.parse_sampler(c["sampler"])
        return {"config": c, "changes": changes, "resume_from": resume_from}

    def load(self, path):
        _, meta, t = ckpt.read(path)
        ckpt.load_weights(self.model, t, "model.")
        ckpt.load_weights(self.ema, t, "ema.")
        for n, _ in self.params:
            self.opt_m[n].copy_(t[f"opt.m.{n}"].reshape(self.opt_m[n].shape))
            self.opt_v[n].copy_(t[f"opt.v.{n}"].reshape(self.opt_v[n].shape))
        w = ckpt.i64_to_words(t["state"])
        self.step, self.epoch, self.step_in_epoch, self.opt_step, self.rng_word = w[0], w[1], w[2], w[3], w[4]
        if len(w) >= 8:
            self.data_rng_word = w[7]
        if self.uw is not None and "uw.log_var" in t:
            with torch.no_grad():
                self.uw["log_var"].copy_(t["uw.log_var"])
            self.uw["m"].copy_(t["uw.opt.m.log_var"])
            self.uw["v"].copy_(t["uw.opt.v.log_var"])
            self.uw["step"] = int(t["uw.opt.step"][0])
        self.best_loss = float(meta.get("best_loss", "inf"))
        for pair in filter(None, meta.get("staged", "").split(",")):
            k, _, v = pair.partition("=")
            if k in ("alpha", "beta", "lr"):
                self.staged[k] = float(v)
        if "lr" in meta:
            self.config["lr"] = float(meta["lr"])

    def sync_from_rank0(self):
        """Every rank starts from rank 0's weights, moments, masks, counters and staged changes."""
        if self.world == 1:
            return
        tensors = [p.data for p in self.model.parameters()] + [p.data for p in self.ema.parameters()]
        tensors += [self.opt_m[n] for n, _ in self.params] + [self.opt_v[n] for n, _ in self.params]
        tensors += [self.model.masks]
        if self.uw is not None:
            tensors += [self.uw["log_var"].data, self.uw["m"], self.uw["v"]]
        for x in tensors:
            dist.broadcast(x, src=0)
        self.ema.set_masks(self.model.masks)
        state = [(self.step, self.epoch, self.step_in_epoch, self.opt_step, self.rng_word, self.data_rng_word,
                  self.best_loss, self.staged, self.config, self.uw["step"] if self.uw else 0)]
        dist.broadcast_object_list(state, src=0)
        (self.step, self.epoch, self.step_in_epoch, self.opt_step, self.rng_word, self.data_rng_word,
         self.best_loss, self.staged, self.config, uw_step) = state[0]
        if self.uw is not None:
            self.uw["step"] = uw_step
        self.model.cfg = dict(self.config["model"])
        self.ema.cfg = dict(self.config["model"])

    # ---- events

    def emit(self, type_, **fields):
        if self.log is not None:
            self.log.emit(type_, self.step, **fields)

    def alert(self, level, message):
        self.emit("alert", level=level, message=message)

    # ---- loop

    def run(self):
        c = self.config
        self.emit("run_start", schema=EVENT_SCHEMA, config=c, resumed=self.step > 0, epoch=self.epoch,
                  total_steps=self.total_steps, steps_per_epoch=self.steps_per_epoch,
                  params=sum(p.numel() for _, p in self.params), run_dir=self.run_dir, engine=ENGINE)
        if self.rank == 0 and self.discarded:
            self.alert("warning", f"ignored {self.discarded} command(s) written to control.jsonl while no trainer "
                                  "was running")
        for name, v in self.changes:
            self.apply(name, v, "cli")
        self.epoch_start = self.last_ckpt = time.time()
        if self.step_in_epoch == 0:
            self.apply_staged()
        self.sampler = torch.utils.data.distributed.DistributedSampler(
            self.data, num_replicas=self.world, rank=self.rank, shuffle=True, seed=c["seed"], drop_last=True)
        self.begin_epoch()
        reason = "finished"
        while self.step < self.total_steps:
            self.sync_control()
            if self.stop_requested:
                reason = "stopped"
                break
            if self.paused:
                time.sleep(0.25)
                continue
            self.train_step()
            if self.step in c["evalAtSteps"]:
                self.evaluate()
            if self.step_in_epoch >= self.steps_per_epoch:
                self.end_epoch()
            elif c["checkpointEveryMinutes"] > 0 and time.time() - self.last_ckpt >= c["checkpointEveryMinutes"] * 60:
                self.save("timed")
        if self.step_in_epoch > 0 or reason == "stopped" or self.step >= self.total_steps:
            self.save("stop" if reason == "stopped" else "final")
        self.emit("run_end", reason=reason, epoch=self.epoch)
        return reason

    def begin_epoch(self):
        self.sampler.set_epoch(self.epoch)
        self.order = torch.tensor(list(iter(self.sampler)), dtype=torch.long)

    # ---- control channel

    def sync_control(self):
        lines = []
        if self.rank == 0:
            lines = self.inbox.poll()
        msg = [lines, self.signalled]
        if self.world > 1:
            dist.broadcast_object_list(msg, src=0)
        lines, stop = msg
        if stop:
            self.stop_requested = True
        for line in lines:
            parsed = runio.parse_command(line)
            if isinstance(parsed, str):
                self.alert("warning", f"control.jsonl: skipped a line that is not a command ({parsed})")
            else:
                self.handle(*parsed)

    def handle(self, cid, cmd, f):
        def answer(status, reason=None):
            self.emit("command", id=cid, cmd=cmd, status=status, reason=reason)
        if cmd == "pause":
            if f["at"] == "now" or (self.pause_at_epoch_end and not self.paused):
                if not self.paused:
                    self.pause("step")
            elif not self.paused:
                self.pause_at_epoch_end = True
            answer("applied")
        elif cmd == "resume":
            self.pause_at_epoch_end = False
            if self.paused:
                self.paused = False
                self.emit("resume")
            answer("applied")
        elif cmd == "stage":
            name, v = f["name"], f["value"]
            m = dict(self.model.cfg)
            m["alpha"] = self.staged.get("alpha", m["alpha"])
            m["beta"] = self.staged.get("beta", m["beta"])
            why = cfgmod.hparam_error(name, v, m)
            if why:
                answer("rejected", why)
            elif self.paused:
                self.staged.pop(name, None)
                self.apply(name, v, "control", cid)
                answer("applied")
            else:
                self.staged[name] = v
                self.emit("hparam_staged", name=name, new=v, epoch=self.epoch + 2)
                answer("staged")
        elif cmd == "unstage":
            if self.staged.pop(f["name"], None) is not None:
                self.emit("hparam_unstaged", name=f["name"], reason="user")
                answer("applied")
            else:
                answer("rejected", f"no staged change of {f['name']}")
        elif cmd == "save":
            self.save("manual")
            answer("applied")
        elif cmd == "stop":
            self.stop_requested = True
            answer("applied")

    def pause(self, at):
        self.paused = True
        self.pause_at_epoch_end = False
        self.emit("pause", at=at)

    def apply_staged(self):
        for name in sorted(self.staged):
            self.apply(name, self.staged[name], "control")
        self.staged = {}

    def apply(self, name, v, source, cid=None):
        why = cfgmod.hparam_error(name, v, self.model.cfg)
        if why:
            self.emit("hparam_unstaged", name=name, reason=why)
            self.alert("warning", f"{name} {v} not applied: {why}")
            return
        if name == "lr":
            old = self.config["lr"]
            self.config["lr"] = v
        else:
            old = self.model.cfg[name]
            alpha = v if name == "alpha" else self.model.cfg["alpha"]
            beta = v if name == "beta" else self.model.cfg["beta"]
            self.model.set_routing(alpha, beta)
            self.ema.cfg = dict(self.model.cfg)
            self.ema.set_masks(self.model.masks)
            self.config["model"] = dict(self.model.cfg)
        self.emit("hparam_change", name=name, old=old, new=v, source=source, epoch=self.epoch + 1, id=cid)

    # ---- training

    def current_lr(self):
        c, s = self.config, float(self.step)
        if c["warmupSteps"] > 0 and self.step < c["warmupSteps"]:
            return c["lr"] * (s + 1) / c["warmupSteps"]
        if c["lrSchedule"] != "cosine":
            return c["lr"]
        total = float(max(1, self.total_steps - c["warmupSteps"]))
        p = min(1.0, (s - c["warmupSteps"]) / total)
        return c["lr"] * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    def global_draws(self):
        """t, label-dropout, flips and noise of the whole global batch, from (seed, step)."""
        c, m = self.config, self.config["model"]
        B, T = c["batch"], m["timesteps"]
        g = torch.Generator().manual_seed((c["seed"] * 1_000_003 + self.step * 7919 + 12345) % (1 << 62))
        kind = "stratified" if self.weighting[0] == "ant-uw" else c["tSampling"]
        ts = diffusion.draw_timesteps(kind, B, T, g)
        drop = torch.rand(B, generator=g) < m["classDropout"]
        flip = torch.rand(B, generator=g) < 0.5
        noise = torch.randn((B, m["inChannels"], m["inputSize"], m["inputSize"]), generator=g)
        r, w = self.rank, self.world
        return ts[r::w], drop[r::w], flip[r::w], noise[r::w], ts

    def train_step(self):
        t0 = time.time()
        c, m, dev = self.config, self.config["model"], self.device
        b = self.local_batch
        idx = self.order[self.step_in_epoch * b:(self.step_in_epoch + 1) * b]
        x0, y = self.data.batch(idx)
        ts, drop, flip, noise, ts_all = self.global_draws()
        if c["hflip"]:
            x0 = torch.where(flip[:, None, None, None], x0.flip(-1), x0)
        if m["numClasses"] <= 0:
            y.zero_()
        elif m["classDropout"] > 0:
            y[drop] = null_class(m)
        x0, y, ts, noise = x0.to(dev), y.to(dev), ts.to(dev), noise.to(dev)
        xt = self.schedule.q_sample(x0, noise, ts)
        with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=self.a.precision == "bf16"):
            pred = self.ddp(xt, ts, y)
        per = ((pred.float() - noise) ** 2).flatten(1).mean(1)
        if self.uw is not None:
            K = diffusion.UW_INTERVALS
            ks = torch.tensor([diffusion.uw_interval(int(t), m["timesteps"]) for t in ts.tolist()], device=dev)
            sums = torch.zeros(K, device=dev).index_add(0, ks, per)
            cnt = torch.zeros(K, device=dev).index_add(0, ks, torch.ones_like(per))
            lk = torch.where(cnt > 0, sums / cnt.clamp(min=1) / K, torch.zeros_like(sums))
            lv = self.uw["log_var"]
            loss = (0.5 * (torch.exp(-lv) * lk + lv)).sum()
        else:
            w = torch.tensor([diffusion.weight(self.weighting, int(t), self.schedule) for t in ts.tolist()],
                             dtype=torch.float32, device=dev)
            loss = (per * w).mean()
        self.model.zero_grad(set_to_none=False)
        if self.uw is not None and self.uw["log_var"].grad is not None:
            self.uw["log_var"].grad.zero_()
        loss.backward()
        grads = [p.grad for _, p in self.params]
        gnorm = torch.sqrt(sum((g.float() ** 2).sum() for g in grads)).item()
        # the logged loss and per-sample errors are the global batch's
        stats = torch.stack([loss.detach()]).float()
        per_all, loss_v = per.detach(), None
        if self.world > 1:
            dist.all_reduce(stats)
            stats /= self.world
            if self.uw is not None:
                dist.all_reduce(self.uw["log_var"].grad)
                self.uw["log_var"].grad /= self.world
            gathered = [torch.empty_like(per_all) for _ in range(self.world)]
            dist.all_gather(gathered, per_all)
            per_all = torch.stack(gathered, 1).flatten()  # global order: j = i·world + rank
        loss_v = stats[0].item()
        lr = self.current_lr()
        if not (math.isfinite(loss_v) and math.isfinite(gnorm)):
            self.alert("error", "non-finite loss or gradient; update skipped")
            self.step += 1
            self.step_in_epoch += 1
            return
        if c["gradClip"] > 0 and gnorm > c["gradClip"]:
            for g in grads:
                g.mul_(c["gradClip"] / gnorm)
        self.adamw(lr)
        if self.uw is not None:
            self.uw_update()
        self.update_ema()
        self.step += 1
        self.step_in_epoch += 1
        self.epoch_loss_sum += loss_v
        self.epoch_loss_count += 1
        dt = time.time() - t0
        if self.rank_log is not None:
            mk = self.model.masks
            weights = torch.arange(1, mk.numel() + 1, dtype=torch.float64).reshape(mk.shape) % 9973
            self.rank_log.write(json.dumps({
                "step": self.step, "alpha": self.model.cfg["alpha"], "beta": self.model.cfg["beta"],
                "lr": lr, "paused": self.paused, "loss": loss_v,
                "mask_checksum": float((mk.double().cpu() * weights).sum())}) + "\n")
            self.rank_log.flush()
        if self.step % max(1, c["logEvery"]) == 0:
            K, T = c["lossBuckets"], m["timesteps"]
            sums, cnts = [0.0] * K, [0] * K
            for t, e in zip(ts_all.tolist(), per_all.cpu().tolist()):
                k = min(K - 1, t * K // T)
                sums[k] += e
                cnts[k] += 1
            fields = dict(epoch=self.epoch + 1, loss=loss_v, mse=float(per_all.mean()), lr=lr, grad_norm=gnorm,
                          img_per_s=c["batch"] / max(dt, 1e-9),
                          bucket_loss=[sums[k] / cnts[k] if cnts[k] else None for k in range(K)])
            if self.uw is not None:
                fields["uw_log_var"] = [float(x) for x in self.uw["log_var"].detach().cpu()]
            self.emit("step", **fields)

    @torch.no_grad()
    def adamw(self, lr):
        self.opt_step += 1
        b1, b2, eps, wd = 0.9, 0.999, 1e-8, self.config["weightDecay"]
        c1 = 1 / (1 - b1 ** self.opt_step)
        c2 = 1 / (1 - b2 ** self.opt_step)
        for n, p in self.params:
            g, mm, vv = p.grad, self.opt_m[n], self.opt_v[n]
            mm.mul_(b1).add_(g, alpha=1 - b1)
            vv.mul_(b2).addcmul_(g, g, value=1 - b2)
            upd = (mm * c1) / ((vv * c2).sqrt() + eps)
            if wd:
                upd.add_(p, alpha=wd)
            p.sub_(upd, alpha=lr)

    @torch.no_grad()
    def uw_update(self):
        u = self.uw
        u["step"] += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        g = u["log_var"].grad
        u["m"].mul_(b1).add_(g, alpha=1 - b1)
        u["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
        upd = (u["m"] / (1 - b1 ** u["step"])) / ((u["v"] / (1 - b2 ** u["step"])).sqrt() + eps)
        u["log_var"].sub_(upd, alpha=diffusion.UW_LR)

    @torch.no_grad()
    def update_ema(self):
        d = self.config["emaDecay"]
        if self.config["emaWarmup"]:
            d = min(d, (1 + self.step) / (10 + self.step))
        for (n, p), e in zip(self.model.named_parameters(), self.ema.parameters()):
            if p.requires_grad:
                e.mul_(d).add_(p, alpha=1 - d)

    def end_epoch(self):
        c = self.config
        self.epoch += 1
        self.step_in_epoch = 0
        mean = self.epoch_loss_sum / self.epoch_loss_count if self.epoch_loss_count else math.nan
        self.emit("epoch_end", epoch=self.epoch, mean_loss=mean, seconds=time.time() - self.epoch_start)
        self.epoch_loss_sum, self.epoch_loss_count = 0.0, 0
        self.epoch_start = time.time()
        best = mean < self.best_loss
        if best:
            self.best_loss = mean
        if c["checkpointEveryEpochs"] > 0 and self.epoch % c["checkpointEveryEpochs"] == 0:
            self.save("periodic", best)
        # the epoch's grid and FID use the masks it trained with; staged changes apply after them
        if c["sampleEveryEpochs"] > 0 and self.epoch % c["sampleEveryEpochs"] == 0:
            self.write_sample_grid()
        if c["evalEveryEpochs"] > 0 and self.epoch % c["evalEveryEpochs"] == 0:
            self.evaluate()
        self.apply_staged()
        if self.pause_at_epoch_end:
            self.pause("epoch")
        self.begin_epoch()

    # ---- sample grids and FID

    def write_sample_grid(self):
        """Rank 0 samples one row per class (8 rows unconditional) × 10 with the EMA weights from the fixed
        noise of SplitMix64(seed + 77), as `dtr`, and writes RUN/samples-<step>.png."""
        if self.rank != 0:
            return
        c, m = self.config, self.config["model"]
        conditional = m["numClasses"] > 0
        rows, cols = (m["numClasses"] if conditional else 8), 10
        n = rows * cols
        labels = (torch.arange(n) // cols) % m["numClasses"] if conditional else torch.full((n,), null_class(m))
        seed = (c["seed"] + 77) & cfgmod.U64
        x_t = evalmod.initial_noise(seed, n, (m["inChannels"], m["inputSize"], m["inputSize"]))
        images = diffusion.sample(self.ema, self.schedule, labels, x_t, c["sampler"], c["cfgScale"], null_class(m),
                                  conditional, self.device, evalmod.step_noise_seed(seed, 0)).cpu()
        path = os.path.join(self.run_dir, f"samples-{self.step:08d}.png")
        try:
            imagegrid.write(images, rows, cols, path)
            self.emit("samples", path=path, rows=rows, cols=cols)
        except OSError as e:
            self.alert("warning", f"sample grid failed: {e}")

    def evaluate(self):
        """FID and KID of the EMA weights on `evalSamples` images (dtr's FIDProbe: fixed noise, the run's
        evalSampler at evalCfgScale). The sampling batches are dealt round-robin over the ranks and summed on every
        rank; rank 0 extracts the features, scores them and emits `eval_progress` and `eval`."""
        if self.eval_off:
            return
        c, m = self.config, self.config["model"]
        verdict = [None]
        if self.rank == 0:
            verdict[0] = self.load_evaluator()
        if self.world > 1:
            dist.broadcast_object_list(verdict, src=0)
        if verdict[0]:
            self.eval_off = True
            self.alert("warning", f"FID evaluation off: {verdict[0]}")
            return
        started = time.time()
        n = c["evalSamples"]
        batches = range(self.rank, (n + evalmod.PROBE_BATCH - 1) // evalmod.PROBE_BATCH, self.world)
        last = [0.0]

        def progress(done, total):
            now = time.time()
            if done == total or now - last[0] > 0.25:
                last[0] = now
                self.emit("eval_progress", done=done, total=total, phase="sampling")
        images = evalmod.generate(self.ema, self.schedule, evalmod.balanced_labels(n, m), evalmod.PROBE_SEED,
                                  c.get("evalSampler", evalmod.LEGACY_PROBE_SAMPLER), c.get("evalCfgScale", c["cfgScale"]),
                                  self.device, set(batches), progress)
        if self.world > 1:
            images = images.to(self.device)
            dist.all_reduce(images)
            images = images.cpu()
        if self.rank != 0:
            return
        self.emit("eval_progress", done=0, total=1, phase="features")
        try:
            fid, kid, kid_std = evalmod.score(self.evaluator, images, c["dataDir"])
        except np.linalg.LinAlgError as e:
            self.alert("warning", f"{evalmod.metric_name(n)} failed: {e}")
            return
        self.emit("eval", name=evalmod.metric_name(n), fid2k=fid, kid=kid, kid_std=kid_std,
                  evaluator=self.evaluator.tag, seconds=time.time() - started, samples=n, epoch=self.epoch,
                  precision="fp32")  # this engine samples in float32 (dtr's evalPrecision is its own)

    def load_evaluator(self):
        """None when the evaluator and the test-set reference are ready, else why FID cannot be measured for
        this run (rank 0 decides once for all ranks)."""
        m = self.config["model"]
        if (m["inChannels"], m["inputSize"]) != (1, 28):
            return (f"the evaluator scores 1×28×28 images; this model makes "
                    f"{m['inChannels']}×{m['inputSize']}×{m['inputSize']}")
        try:
            if self.evaluator is None:
                self.evaluator = evalmod.Evaluator(device=self.device)
            self.evaluator.reference_features(self.config["dataDir"])
        except (OSError, ValueError, KeyError) as e:
            return str(e)
        return None

    def save(self, reason, best=False):
        self.last_ckpt = time.time()
        if self.rank != 0:
            return
        c = self.config
        path = runio.checkpoint_path(self.run_dir, self.step)
        words = [self.step, self.epoch, self.step_in_epoch, self.opt_step, self.rng_word,
                 self.epoch, self.step_in_epoch * c["batch"], self.data_rng_word]
        uw = None
        if self.uw is not None:
            uw = (self.uw["log_var"], self.uw["m"], self.uw["v"], self.uw["step"])
        try:
            ckpt.save(path, c, self.model, self.ema, self.opt_m, self.opt_v, self.model.masks, words, c["lr"],
                      self.best_loss, self.staged, uw)
            runio.publish(self.run_dir, path, best)
            self.emit("checkpoint", path=path, reason=reason)
            runio.prune(self.run_dir, c["keepCheckpoints"])
        except OSError as e:
            self.alert("error", f"checkpoint failed: {e}")


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    use_cuda = torch.cuda.is_available()
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo", timeout=datetime.timedelta(minutes=60))
    if use_cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device("cpu")
    trainer = None
    try:
        trainer = Trainer(a, rank, world, device)

        def on_signal(*_):
            trainer.signalled = True
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        trainer.run()
    except SystemExit as e:
        if rank == 0 and e.code not in (None, 0):
            print(e.code, file=sys.stderr)
        code = 0 if e.code in (None, 0) else 2
        if world > 1:
            dist.destroy_process_group()
        sys.exit(code)
    if trainer.lock:
        trainer.lock.release()
    if world > 1:
        # Every rank is done and every file is written (unbuffered descriptors, atomic checkpoints). Leave
        # without the process group's teardown: gloo's threads were seen to abort in it ("terminate called
        # without an active exception", SIGABRT), which turned a finished 2-rank run into a failed job.
        dist.barrier()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
