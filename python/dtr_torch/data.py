"""Fashion-MNIST IDX files (raw or .gz), the same files `dtr` reads, scaled to [−1, 1]."""
import gzip
import os

import numpy as np
import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{stem}(.gz) not found in {directory}; install dataset-fashion-mnist or pass --data-dir")


class FashionMNIST(torch.utils.data.Dataset):
    def __init__(self, directory, split="train"):
        pre = "train" if split == "train" else "t10k"
        self.images = read_idx(find(directory, f"{pre}-images-idx3-ubyte"))
        self.labels = read_idx(find(directory, f"{pre}-labels-idx1-ubyte")).astype(np.int64)
        self.x = torch.from_numpy(self.images.astype(np.float32) / 127.5 - 1).unsqueeze(1)
        self.y = torch.from_numpy(self.labels)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
