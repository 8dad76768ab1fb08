"""Training data, scaled to [−1, 1]: Fashion-MNIST IDX files (raw or .gz, the same files `dtr` reads) or a
folder of images (PNG/JPEG, any square size, grey or RGB) for real data sets.

A folder's images are found recursively. When they sit in subfolders, each subfolder (sorted by name) is a
class; images at the top level make an unconditional set. All images must have one square size; the set is
greyscale when every image is, else RGB (grey images are repeated over three channels). The images are
held in memory as bytes."""
import gzip
import os

import numpy as np
import torch

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")


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


def is_idx_dir(directory):
    return any(os.path.exists(os.path.join(directory, "train-images-idx3-ubyte" + z)) for z in ("", ".gz"))


class Images(torch.utils.data.Dataset):
    """Bytes [N, C, H, W] and labels [N]; `batch(idx)` gives float images in [−1, 1] and labels."""

    def __init__(self, pixels, labels, classes):
        self.pixels = torch.from_numpy(np.ascontiguousarray(pixels))
        self.y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
        self.classes = classes

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.pixels[i], self.y[i]

    def batch(self, idx):
        return self.pixels[idx].float() / 127.5 - 1, self.y[idx].clone()

    @property
    def shape(self):
        """(channels, size) of every image."""
        return self.pixels.shape[1], self.pixels.shape[2]


def fashion_mnist(directory, split="train"):
    pre = "train" if split == "train" else "t10k"
    images = read_idx(find(directory, f"{pre}-images-idx3-ubyte"))
    labels = read_idx(find(directory, f"{pre}-labels-idx1-ubyte"))
    return Images(images[:, None].copy(), labels, 10)


def folder_files(directory):
    """[(path, class name or None)] of the images under `directory`, sorted."""
    out = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        rel = os.path.relpath(root, directory)
        cls = None if rel == "." else rel.split(os.sep)[0]
        out += [(os.path.join(root, n), cls) for n in sorted(names) if n.lower().endswith(IMAGE_SUFFIXES)]
    return out


def folder_layout(directory):
    """(files, class names, channels, size) of an image folder, from the image headers; raises ValueError
    naming the problem and the fix."""
    from PIL import Image
    files = folder_files(directory)
    if not files:
        raise ValueError(f"{directory} holds no Fashion-MNIST IDX files and no .png/.jpg/.jpeg images; pass "
                         "--data-dir with one or the other")
    named = sorted({c for _, c in files if c is not None})
    if named and any(c is None for _, c in files):
        raise ValueError(f"{directory} mixes images at the top level with class subfolders; move the top-level "
                         "images into a subfolder (one per class) or drop the subfolders")
    size, colour = None, False
    for path, _ in files:
        with Image.open(path) as im:
            w, h = im.size
            colour = colour or im.mode not in GREY_MODES
        if w != h:
            raise ValueError(f"{path} is {w}×{h}; every training image must be square (crop or resize the set)")
        if size is None:
            size = w
        elif w != size:
            raise ValueError(f"{path} is {w}×{w} but the first image is {size}×{size}; resize the set to one size")
    return files, named, 3 if colour else 1, size


def image_folder(directory):
    from PIL import Image
    files, named, channels, size = folder_layout(directory)
    pixels = np.empty((len(files), channels, size, size), dtype=np.uint8)
    for i, (path, _) in enumerate(files):
        with Image.open(path) as im:
            a = np.asarray(im.convert("RGB" if channels == 3 else "L"))
        pixels[i] = a.transpose(2, 0, 1) if channels == 3 else a[None]
    labels = [named.index(c) if named else 0 for _, c in files]
    return Images(pixels, labels, len(named))


def open_dataset(directory):
    """The training set in `directory`: Fashion-MNIST IDX files when present, else an image folder."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"data directory {directory} not found; pass --data-dir")
    return fashion_mnist(directory) if is_idx_dir(directory) else image_folder(directory)


def data_shape(directory):
    """(channels, size, classes) the model needs for the data in `directory`."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"data directory {directory} not found; pass --data-dir")
    if is_idx_dir(directory):
        return 1, 28, 10
    _, named, channels, size = folder_layout(directory)
    return channels, size, len(named)
