"""Arrays at the public boundary: images, batches and filter banks checked once, then trusted.

Every public function of cnn_core turns its inputs into these shapes first, so the
messages a student sees about a wrong shape are the same everywhere.
"""

from __future__ import annotations

import numpy as np


def as_array(name: str, a: object) -> np.ndarray:
    """Return a as an array of real numbers (booleans as 0 and 1), or raise naming it."""
    arr = np.asarray(a)
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr


def as_volume(x: object) -> np.ndarray:
    """Return x as ``(n_H, n_W, n_c)``, or raise if it is not 2-D or 3-D."""
    x = as_array("image", x)
    if x.ndim == 2:
        return x[:, :, None]
    if x.ndim != 3:
        raise ValueError(f"image must be (n_H, n_W) or (n_H, n_W, n_c), got shape {x.shape}")
    if min(x.shape) == 0:
        raise ValueError(f"image is empty: shape {x.shape}")
    return x


def as_batch(x: object) -> tuple[np.ndarray, int]:
    """Return x as a batch ``(m, n_H, n_W, n_c)`` and the number of axes it came with.

    A 2-D or 3-D x is one example (m = 1); a 4-D x is already a batch.
    """
    arr = as_array("image", x)
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            "image must be (n_H, n_W), (n_H, n_W, n_c) or a batch (m, n_H, n_W, n_c), "
            f"got shape {arr.shape}"
        )
    if min(arr.shape) == 0:
        raise ValueError(f"{'batch' if arr.ndim == 4 else 'image'} is empty: shape {arr.shape}")
    if arr.ndim == 2:
        return arr[None, :, :, None], 2
    return (arr, 4) if arr.ndim == 4 else (arr[None], 3)


def as_bank(w: object) -> tuple[np.ndarray, bool]:
    """Return w as ``(f, f, n_c, n_f)`` and whether it was a single filter."""
    w = as_array("filter", w)
    if w.ndim not in (2, 3, 4):
        raise ValueError(
            f"filter must be (f, f), (f, f, n_c) or (f, f, n_c, n_f), got shape {w.shape}"
        )
    if w.shape[0] != w.shape[1]:
        raise ValueError(f"filter must be square, got {w.shape[0]}×{w.shape[1]}")
    if w.shape[0] == 0:
        raise ValueError("filter is empty: f = 0")
    single = w.ndim < 4
    while w.ndim < 4:
        w = w[..., None]
    return w, single
