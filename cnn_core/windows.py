"""Every window a filter or a pooling window sees: the numbers behind each output cell.

``explain_cell`` and ``explain_pool`` explain one cell; these give all of them at once,
so a page can send every cell's window to the browser and let the student scrub.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_core.shapes import Padding, check_fits, check_stride, resolve_padding


def windows(x: np.ndarray, f: int, *, stride: int = 1, padding: Padding = 0) -> np.ndarray:
    """The f×f window of the padded input under each output cell.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``
    f : int, the window (filter) size
    stride, padding : as in ``conv2d``

    Returns
    -------
    ndarray, shape ``(n_H', n_W', f, f)`` or ``(n_H', n_W', f, f, n_c)``
        ``out[i, j]`` is the window whose top-left corner is at row ``i·s``, column
        ``j·s`` of the padded input; the same numbers ``explain_cell(...).window`` holds.

    Raises
    ------
    ValueError
        If the window does not fit the padded input, or stride or padding is invalid.

    Examples
    --------
    >>> windows(np.arange(16).reshape(4, 4), 2, stride=2)[1, 0].tolist()
    [[8, 9], [12, 13]]
    """
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"image must be (n_H, n_W) or (n_H, n_W, n_c), got shape {x.shape}")
    p = resolve_padding(padding, f)
    s = check_stride(stride)
    check_fits(x.shape[0], x.shape[1], f, p)
    spread = ((p, p), (p, p)) + ((0, 0),) * (x.ndim - 2)
    padded = np.pad(x, spread)
    view = sliding_window_view(padded, (f, f), axis=(0, 1))[::s, ::s]
    # sliding_window_view puts the window axes last: (n_H', n_W'[, n_c], f, f).
    return np.moveaxis(view, (-2, -1), (2, 3)) if x.ndim == 3 else view


def pool_winners(x: np.ndarray, f: int, *, stride: int = 2) -> np.ndarray:
    """Where each max-pooling window's winner sits, as ``(row, column)`` inside the window.

    Ties go to the first in row-major order, as in ``explain_pool``.

    Returns
    -------
    ndarray of int, shape ``(n_H', n_W', 2)`` for a 2-D ``x``

    Examples
    --------
    >>> pool_winners(np.array([[1, 3, 2, 1], [2, 9, 1, 1]]), 2)[0].tolist()
    [[1, 1], [0, 0]]
    """
    win = windows(x, f, stride=stride)
    if win.ndim != 4:
        raise ValueError(f"pool_winners takes one channel (n_H, n_W), got shape {np.shape(x)}")
    flat = win.reshape(*win.shape[:2], f * f).argmax(axis=-1)
    return np.stack(np.divmod(flat, f), axis=-1)
