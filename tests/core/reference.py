"""Independent references for the engine: plain loops, written to be obviously right."""

from __future__ import annotations

import numpy as np


def conv2d_loops(x, w, b=0, stride=1, p=0):
    """Cross-correlation by four nested loops over output cells and filters."""
    x = np.asarray(x)
    x = x[:, :, None] if x.ndim == 2 else x
    w = np.asarray(w)
    while w.ndim < 4:
        w = w[..., None]
    f, n_f = w.shape[0], w.shape[3]
    xp = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p, x.shape[2]), dtype=object)
    xp[p : p + x.shape[0], p : p + x.shape[1]] = x
    out_H = (x.shape[0] + 2 * p - f) // stride + 1
    out_W = (x.shape[1] + 2 * p - f) // stride + 1
    b = np.broadcast_to(np.asarray(b, dtype=object), (n_f,))
    out = np.zeros((out_H, out_W, n_f), dtype=object)
    for i in range(out_H):
        for j in range(out_W):
            window = xp[i * stride : i * stride + f, j * stride : j * stride + f]
            for k in range(n_f):
                out[i, j, k] = (window * w[:, :, :, k]).sum() + b[k]
    return out


def pool2d_loops(x, f, stride, mode):
    x = np.asarray(x)
    x = x[:, :, None] if x.ndim == 2 else x
    out_H, out_W = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1
    out = np.zeros((out_H, out_W, x.shape[2]))
    for i in range(out_H):
        for j in range(out_W):
            window = x[i * stride : i * stride + f, j * stride : j * stride + f].astype(float)
            out[i, j] = window.max(axis=(0, 1)) if mode == "max" else window.mean(axis=(0, 1))
    return out
