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


def conv2d_backward_loops(x, w, grad_out, stride=1, p=0):
    """The lecture's backward pass, one example, output cell and filter at a time.

    ``x`` is a batch ``(m, n_H, n_W, n_c)``, ``w`` a bank ``(f, f, n_c, n_f)`` and
    ``grad_out`` ``(m, n_H', n_W', n_f)``; returns ``(dA_prev, dW, db)`` in those shapes.
    """
    x, w, dz = (np.asarray(a, dtype=float) for a in (x, w, grad_out))
    m, n_H, n_W, _ = x.shape
    f, n_f = w.shape[0], w.shape[3]
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(n_f)
    for i in range(m):
        for h in range(dz.shape[1]):
            for v in range(dz.shape[2]):
                top, left = h * stride, v * stride
                a_slice = xp[i, top : top + f, left : left + f]
                for c in range(n_f):
                    dxp[i, top : top + f, left : left + f] += w[:, :, :, c] * dz[i, h, v, c]
                    dw[:, :, :, c] += a_slice * dz[i, h, v, c]
                    db[c] += dz[i, h, v, c]
    return dxp[:, p : p + n_H, p : p + n_W], dw, db


def pool2d_backward_loops(x, grad_out, f, stride, mode):
    """Pooling's backward pass window by window, for a batch ``(m, n_H, n_W, n_c)``.

    Max: the window's gradient goes to its first largest value, scanning rows then
    columns; average: each cell of the window gets an f²-th of it.
    """
    x, dz = np.asarray(x, dtype=float), np.asarray(grad_out, dtype=float)
    dx = np.zeros_like(x)
    for i in range(x.shape[0]):
        for h in range(dz.shape[1]):
            for v in range(dz.shape[2]):
                for c in range(x.shape[3]):
                    top, left = h * stride, v * stride
                    if mode == "average":
                        dx[i, top : top + f, left : left + f, c] += dz[i, h, v, c] / (f * f)
                        continue
                    best = (top, left)
                    for r in range(top, top + f):
                        for q in range(left, left + f):
                            if x[i, r, q, c] > x[i, best[0], best[1], c]:
                                best = (r, q)
                    dx[i, best[0], best[1], c] += dz[i, h, v, c]
    return dx
