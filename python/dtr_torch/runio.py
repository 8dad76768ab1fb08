"""The run directory protocol: the lock (docs/control.md), events.jsonl (docs/events.md, schema 2), the
control channel's inbox, and checkpoint publishing (last/best hard links, rotation)."""
import datetime
import fcntl
import json
import math
import os
import socket
import time

TRUNCATE_ABOVE = 64 << 10


class LockHeld(Exception):
    pass


class RunLock:
    """Exclusive flock on RUN/lock holding "PID HOST START"; the kernel drops it when the process ends."""

    def __init__(self, run_dir):
        os.makedirs(run_dir, exist_ok=True)
        self.path = os.path.join(run_dir, "lock")
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(self.fd, 512, 0).decode(errors="replace").strip()
            os.close(self.fd)
            parts = holder.split(" ", 2)
            who = f"pid {parts[0]} on {parts[1]} since {parts[2]}" if len(parts) == 3 else "another process"
            raise LockHeld(f"{run_dir} is being trained by {who}; stop that trainer first "
                           f"(dtr attach {run_dir}, then x) or choose another --run-dir")
        start = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()} {socket.gethostname()} {start}\n".encode(), 0)

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _clean(v):
    """Drops non-finite numbers (docs/events.md: never written) — in arrays they become null."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items() if not (isinstance(x, float) and not math.isfinite(x)) and x is not None}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


class EventLog:
    """Appends one JSON object per line with one write; cuts off a partial last line left by a killed
    trainer before appending."""

    def __init__(self, path):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        size = os.fstat(self.fd).st_size
        if size > 0:
            tail_start = max(0, size - (1 << 20))
            tail = os.pread(self.fd, size - tail_start, tail_start)
            if not tail.endswith(b"\n"):
                nl = tail.rfind(b"\n")
                os.ftruncate(self.fd, tail_start + nl + 1 if nl >= 0 else tail_start)

    def emit(self, type_, step, **fields):
        obj = {"type": type_, "time": time.time(), "step": int(step)}
        obj.update(_clean(fields))
        line = json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n"
        os.write(self.fd, line.encode())

    def close(self):
        os.close(self.fd)


class Inbox:
    """Reads new complete lines of control.jsonl under its flock; truncates a consumed file above 64 KiB."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def _locked(self, body):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return body(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @staticmethod
    def _read(fd, start):
        end = os.lseek(fd, 0, os.SEEK_END)
        if end <= start:
            return [], 0
        data = os.pread(fd, end - start, start)
        nl = data.rfind(b"\n")
        if nl < 0:
            return [], 0
        lines = [ln for ln in data[:nl].decode(errors="replace").split("\n") if ln.strip()]
        return lines, nl + 1

    def discard_backlog(self):
        def body(fd):
            lines, _ = self._read(fd, 0)
            os.ftruncate(fd, 0)
            self.offset = 0
            return len(lines)
        return self._locked(body)

    def poll(self):
        try:
            if os.stat(self.path).st_size == self.offset:
                return []
        except FileNotFoundError:
            return []

        def body(fd):
            if os.lseek(fd, 0, os.SEEK_END) < self.offset:
                self.offset = 0
            lines, consumed = self._read(fd, self.offset)
            self.offset += consumed
            if self.offset > TRUNCATE_ABOVE and os.lseek(fd, 0, os.SEEK_END) == self.offset:
                os.ftruncate(fd, 0)
                self.offset = 0
            return lines
        return self._locked(body)


def parse_command(line):
    """ControlCommand.parse: (id, cmd, fields) or an error string."""
    try:
        w = json.loads(line)
    except ValueError:
        return "not a JSON object of strings and numbers"
    if not isinstance(w, dict):
        return "not a JSON object of strings and numbers"
    cid = w.get("id")
    if not isinstance(cid, str) or not cid:
        return 'no "id" string'
    cmd = w.get("cmd")
    name = w.get("name") if w.get("name") in ("alpha", "beta", "lr") else None
    if cmd == "pause":
        at = w.get("at", "epoch")
        if at not in ("epoch", "now"):
            return 'pause "at" must be epoch or now'
        return cid, "pause", {"at": at}
    if cmd in ("resume", "save", "stop"):
        return cid, cmd, {}
    if cmd == "stage":
        v = w.get("value")
        if name is None or not isinstance(v, (int, float)) or isinstance(v, bool):
            return 'stage needs "name" (alpha, beta or lr) and a numeric "value"'
        return cid, "stage", {"name": name, "value": float(v)}
    if cmd == "unstage":
        if name is None:
            return 'unstage needs "name" (alpha, beta or lr)'
        return cid, "unstage", {"name": name}
    return 'unknown "cmd"; use pause, resume, stage, unstage, save or stop'


def checkpoint_path(run_dir, step):
    return os.path.join(run_dir, f"ckpt-{step:08d}.safetensors")


def publish(run_dir, ckpt, best):
    for name in (["last.safetensors", "best.safetensors"] if best else ["last.safetensors"]):
        link = os.path.join(run_dir, name)
        tmp = f"{link}.tmp-{os.getpid()}"
        if os.path.lexists(tmp):
            os.remove(tmp)
        os.link(ckpt, tmp)
        os.rename(tmp, link)


def prune(run_dir, keep):
    names = sorted(n for n in os.listdir(run_dir) if n.startswith("ckpt-") and n.endswith(".safetensors"))
    for old in names[:len(names) - max(1, keep)]:
        try:
            os.remove(os.path.join(run_dir, old))
        except FileNotFoundError:
            pass
