"""Pooling and the ReLU non-linearity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core.arrays import as_batch
from cnn_core.shapes import check_pool, check_stride


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
    x : ndarray, shape ``(n_H, n_W)``, ``(n_H, n_W, n_c)`` or a batch ``(m, n_H, n_W, n_c)``
    f : int ≥ 1, window size
    stride : int ≥ 1
    mode : ``"max"`` or ``"average"``

    Returns
    -------
    ndarray, shape ``([m, ]⌊(n_H − f)/s⌋ + 1, ⌊(n_W − f)/s⌋ + 1[, n_c])``
        A batch keeps its ``m`` in front, a 2-D input stays 2-D. Max keeps the
        input's dtype; average is float (float32 stays float32, integers give float64).

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
    x, ndim = as_batch(x)
    n_H, n_W = x.shape[1:3]
    f = check_pool(n_H, n_W, f, mode)
    s = check_stride(stride)
    out_H, out_W = (n_H - f) // s + 1, (n_W - f) // s + 1
    if mode == "average" and not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    elif mode == "average":
        x = x.astype(np.promote_types(x.dtype, np.float32), copy=False)

    # One vectorised ufunc per window offset: f² passes over strided slices of x.
    def at(i: int, j: int) -> np.ndarray:
        return x[:, i : i + s * (out_H - 1) + 1 : s, j : j + s * (out_W - 1) + 1 : s]

    out = at(0, 0).copy()
    combine = np.maximum if mode == "max" else np.add
    for i in range(f):
        for j in range(f):
            if i or j:
                combine(out, at(i, j), out=out)
    if mode == "average":
        out /= f * f
    return _unbatch(out, ndim)


def _unbatch(out: np.ndarray, ndim: int) -> np.ndarray:
    """Give a ``(m, n_H, n_W, n_c)`` result the number of axes its input had."""
    if ndim == 4:
        return out
    return out[0, :, :, 0] if ndim == 2 else out[0]


@dataclass(frozen=True)
class PoolExplanation:
    """What output cell (i, j) of one channel's pooling is made of.

    ``window`` is the f×f input window at ``(top, left)``; ``value`` the cell; for max
    pooling ``winner`` is the (row, column) inside the window of the first largest value.
    """

    window: np.ndarray
    value: float
    top: int
    left: int
    winner: tuple[int, int] | None


def explain_pool(
    x: np.ndarray, f: int, i: int, j: int, *, stride: int = 2, mode: str = "max"
) -> PoolExplanation:
    """The window behind pooled cell ``(i, j)`` of a 2-D input, and which value won.

    Raises
    ------
    ValueError
        As ``pool2d``, and if (i, j) lies outside the output or x is not 2-D.

    Examples
    --------
    >>> explain_pool(np.array([[1, 3], [2, 9]]), 2, 0, 0).winner
    (1, 1)
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"explain_pool takes one channel (n_H, n_W), got shape {x.shape}")
    out = pool2d(x, f, stride=stride, mode=mode)
    if not (0 <= i < out.shape[0] and 0 <= j < out.shape[1]):
        raise ValueError(f"cell ({i}, {j}) is outside the {out.shape[0]}×{out.shape[1]} output")
    top, left = i * stride, j * stride
    window = x[top : top + f, left : left + f].copy()
    winner = None
    if mode == "max":
        r, c = np.unravel_index(int(np.argmax(window)), window.shape)
        winner = (int(r), int(c))
    return PoolExplanation(window, out[i, j].item(), top, left, winner)
