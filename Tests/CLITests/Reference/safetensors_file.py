"""A safetensors file (8-byte little-endian header length, JSON header, raw tensor bytes) read with
json + struct + numpy, whose tensors can be overwritten in place (same dtype and shape), so the header
and its metadata stay byte for byte as written."""
import json
import struct

import numpy as np

DTYPES = {"F32": "<f4", "I64": "<i8"}


class SafeTensorsFile:
    """The bytes of one safetensors file, its header entries and its `__metadata__`."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        (length,) = struct.unpack("<Q", self.data[:8])
        header = json.loads(self.data[8:8 + length].decode("utf-8"))
        self.metadata = header.pop("__metadata__", {})
        self.entries = header
        self.base = 8 + length

    def names(self):
        """Tensor names in header order."""
        return list(self.entries)

    def shape(self, name):
        """The tensor's shape as a tuple."""
        return tuple(self.entries[name]["shape"])

    def _view(self, name):
        entry = self.entries[name]
        start, end = entry["data_offsets"]
        buffer = memoryview(self.data)[self.base + start:self.base + end]
        return np.frombuffer(buffer, dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])

    def tensor(self, name):
        """A float64 (or int64) copy of the tensor."""
        v = self._view(name)
        return v.astype(np.float64 if v.dtype.kind == "f" else np.int64)

    def replace(self, name, values):
        """Overwrites the tensor's bytes with `values`, cast to its stored dtype."""
        target = self._view(name)
        if np.shape(values) != target.shape:
            raise ValueError(f"{name}: replacement shape {np.shape(values)} != stored {target.shape}")
        target[...] = np.asarray(values, dtype=target.dtype)

    def write(self, path):
        """Writes the (possibly modified) file."""
        with open(path, "wb") as f:
            f.write(self.data)
