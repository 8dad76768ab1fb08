"""Sample grids as `dtr` writes them (ImageGrid.swift): images row by row in a rows × cols grid with a
2-pixel white gutter, values −1…1 mapped to 0…255 (rounded, NaN → 0); greyscale PNG for one channel, RGB
for three. Written atomically."""
import os

import numpy as np
import torch


def render(images, rows, cols, gutter=2):
    """uint8 [H', W'] (grey) or [H', W', 3] (RGB) of images [N, C, H, W]."""
    n, ch, h, w = images.shape
    out = np.full((rows * (h + gutter) + gutter, cols * (w + gutter) + gutter, ch), 255, dtype=np.uint8)
    v = ((images.float() + 1) * 127.5).clamp(0, 255)
    v = torch.nan_to_num(torch.floor(v + 0.5), nan=0.0).to(torch.uint8).permute(0, 2, 3, 1).numpy()
    for k in range(min(n, rows * cols)):
        top, left = gutter + (k // cols) * (h + gutter), gutter + (k % cols) * (w + gutter)
        out[top:top + h, left:left + w] = v[k]
    return out[:, :, 0] if ch == 1 else out


def write(images, rows, cols, path):
    from PIL import Image
    tmp = f"{path}.tmp-{os.getpid()}"
    Image.fromarray(render(images, rows, cols)).save(tmp, format="PNG")
    os.replace(tmp, path)
