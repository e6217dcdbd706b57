"""Minimal reader for the (gzipped) IDX files of Fashion-MNIST.

No downloads: the files come from Debian's dataset directory
(/usr/share/datasets/fashion-mnist) or any directory with the same four names.
"""
import gzip
import os

import numpy as np

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"

# Normalization constants (Fashion-MNIST training-set pixel mean/std after /255).
MEAN = 0.2860
STD = 0.3530

_IDX_DTYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path):
    """Read one IDX file (plain or .gz) into a numpy array of its stored shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file (bad magic)")
    code, ndim = data[2], data[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"{path}: unknown IDX element type 0x{code:02x}")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    dtype = np.dtype(_IDX_DTYPES[code])
    count = int(np.prod(dims)) if dims else 1
    expected = offset + count * dtype.itemsize
    if len(data) != expected:
        raise ValueError(f"{path}: size {len(data)} != expected {expected}")
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return arr.reshape(dims).astype(dtype.newbyteorder("="), copy=True)


def load(split, data_dir=DEFAULT_DIR):
    """Return (images uint8 [N,28,28], labels int64 [N]) for split 'train' or 't10k'."""
    if split not in ("train", "t10k"):
        raise ValueError("split must be 'train' or 't10k'")
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    if images.shape[0] != labels.shape[0]:
        raise ValueError("image/label count mismatch")
    return images, labels.astype(np.int64)


def normalize(images_u8, mean=MEAN, std=STD):
    """uint8 [N,28,28] -> float32 [N,1,28,28]: x/255, then (x-mean)/std."""
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(mean)) / np.float32(std)
    return x[:, None, :, :].astype(np.float32)
