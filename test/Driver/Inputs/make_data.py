"""Writes small data files for the `quant` driver tests:
make_data.py DIR  ->  x.npy [4,2] float32, img.npy [4,1,2] uint8,
labels.npy [4] int64, short_labels.npy [2] int64, bad.npy (truncated),
wrong.npy [4,3] float32, notdata.bin."""
import os
import sys

import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
np.save(os.path.join(d, "x.npy"), np.array([[1, -2], [3, 4], [-5, 6], [7, -8]], np.float32))
np.save(os.path.join(d, "img.npy"), np.array([[[0, 255]], [[51, 102]], [[255, 0]], [[0, 0]]], np.uint8))
np.save(os.path.join(d, "labels.npy"), np.array([1, 1, 1, 0], np.int64))
np.save(os.path.join(d, "short_labels.npy"), np.array([1, 0], np.int64))
np.save(os.path.join(d, "wrong.npy"), np.zeros((4, 3), np.float32))
with open(os.path.join(d, "x.npy"), "rb") as f:
    data = f.read()
with open(os.path.join(d, "bad.npy"), "wb") as f:
    f.write(data[:-5])
with open(os.path.join(d, "notdata.bin"), "wb") as f:
    f.write(b"hello")
