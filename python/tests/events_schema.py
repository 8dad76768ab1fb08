"""The keys docs/events.md documents per event type, read from its table."""
import json
import os
import re

from conftest import ROOT


def documented_keys():
    text = open(os.path.join(ROOT, "docs", "events.md")).read()
    keys = {}
    table = text[text.index("| type | fields |"):]
    for line in table.splitlines():
        m = re.match(r"^\| `([a-z_]+)` \| (.*) \|$", line)
        if m:
            keys[m.group(1)] = set(re.findall(r"`([a-z_0-9]+)`", m.group(2)))
    return keys


def validate(path):
    """Every complete line is a known type with only documented keys; returns the decoded events."""
    docs = documented_keys()
    events = []
    for n, line in enumerate(open(path).read().splitlines(), 1):
        e = json.loads(line)
        assert e["type"] in docs, f"line {n}: unknown type {e['type']}"
        assert isinstance(e["time"], (int, float)) and isinstance(e["step"], int), f"line {n}: header {e}"
        extra = set(e) - {"type", "time", "step"} - docs[e["type"]]
        assert not extra, f"line {n}: {e['type']} has undocumented keys {extra}"
        events.append(e)
    return events
