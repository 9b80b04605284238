"""Pooling and the ReLU non-linearity."""

from __future__ import annotations

import numpy as np

from cnn_core.conv import _as_volume
from cnn_core.shapes import check_int, check_stride

POOL_MODES = ("max", "average")


def relu(z: np.ndarray) -> np.ndarray:
    """``g(z) = max(0, z)``: 0 for z ≤ 0, z for z > 0; same shape and dtype.

    Examples
    --------
    >>> relu(np.array([-6, 0, 3]))
    array([0, 0, 3])
    """
    z = np.asarray(z)
    return np.maximum(z, np.zeros((), dtype=z.dtype))


def pool2d(x: np.ndarray, f: int = 2, *, stride: int = 2, mode: str = "max") -> np.ndarray:
    """Max or average pooling of every f×f window, each channel on its own.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``
    f : int ≥ 1, window size
    stride : int ≥ 1
    mode : ``"max"`` or ``"average"``

    Returns
    -------
    ndarray, shape ``(⌊(n_H − f)/s⌋ + 1, ⌊(n_W − f)/s⌋ + 1[, n_c])``
        Max keeps the input's dtype; average is float (float32 stays float32,
        integers give float64).

    Raises
    ------
    ValueError
        Unknown mode, stride < 1, or a window larger than the input.

    Examples
    --------
    >>> pool2d(np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]]))
    array([[9, 2],
           [6, 3]])
    """
    if mode not in POOL_MODES:
        raise ValueError(f'unknown pooling mode "{mode}": use "max" or "average"')
    flat = np.asarray(x).ndim == 2
    x = _as_volume(x)
    f = check_int("window size f", f, 1)
    s = check_stride(stride)
    n_H, n_W = x.shape[:2]
    if f > n_H or f > n_W:
        raise ValueError(f"pooling window {f}×{f} does not fit a {n_H}×{n_W} input")
    out_H, out_W = (n_H - f) // s + 1, (n_W - f) // s + 1
    if mode == "average" and not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    elif mode == "average":
        x = x.astype(np.promote_types(x.dtype, np.float32), copy=False)

    # One vectorised ufunc per window offset: f² passes over strided slices of x.
    def at(i: int, j: int) -> np.ndarray:
        return x[i : i + s * (out_H - 1) + 1 : s, j : j + s * (out_W - 1) + 1 : s]

    out = at(0, 0).copy()
    combine = np.maximum if mode == "max" else np.add
    for i in range(f):
        for j in range(f):
            if i or j:
                combine(out, at(i, j), out=out)
    if mode == "average":
        out /= f * f
    return out[:, :, 0] if flat else out
