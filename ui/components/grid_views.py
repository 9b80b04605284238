"""The grids of each kind of lesson: what to send the linked grid for a conv, a volume, a pool.

Each returns ``ui.components.linked_grid.Grid``s or the terms the browser writes out; every number
comes from cnn_core.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnn_core import pool2d
from cnn_core.windows import pool_winners, windows
from ui.components.linked_grid import Grid


def conv_terms(
    x: np.ndarray, w: np.ndarray, *, stride: int = 1, padding: int | str = 0
) -> np.ndarray:
    """Each output cell's (input, weight) pairs, column by column as the notes write them.

    ``x`` is ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``, ``w`` one filter ``(f, f[, n_c])``.
    Returns ``(n_H', n_W', f·f·n_c, 2)``: channel by channel, then column, then row, the
    order of ``ui.figures.formulas.products_formula``.
    """
    w = np.asarray(w)
    win = windows(x, w.shape[0], stride=stride, padding=padding)
    if win.ndim == 4:
        win, w = win[..., None], w[..., None]
    # (n_H', n_W', row, col, channel) → (n_H', n_W', channel, col, row)
    ordered = win.transpose(0, 1, 4, 3, 2).reshape(*win.shape[:2], -1)
    weights = np.broadcast_to(w.transpose(2, 1, 0).reshape(-1), ordered.shape)
    pairs = np.stack(np.broadcast_arrays(ordered, weights), axis=-1)
    return pairs.astype(np.result_type(ordered, weights))


def pool_terms(x: np.ndarray, f: int, *, stride: int) -> np.ndarray:
    """Each pooled cell's window values in row-major order: ``(n_H', n_W', f·f)``."""
    win = windows(x, f, stride=stride)
    return win.reshape(*win.shape[:2], f * f)


def pool_view(x: np.ndarray, f: int, *, stride: int, mode: str) -> tuple[np.ndarray, dict]:
    """The pooled output of one channel and what the linked grid needs to explain it."""
    out = pool2d(x, f, stride=stride, mode=mode)
    extra = {"terms": pool_terms(x, f, stride=stride)}
    if mode == "max":
        extra["winners"] = pool_winners(x, f, stride=stride)
    return out, extra


def volume_grids(
    x: np.ndarray, w: np.ndarray, out: np.ndarray, channels: Sequence[str]
) -> list[Grid]:
    """Convolution over a volume: each input channel, each filter's slices, each output.

    ``x`` is ``(n_H, n_W, n_c)``, ``w`` ``(f, f, n_c, n_f)``, ``out`` ``(n_H', n_W', n_f)``;
    inputs share a line, each filter has one, the outputs share the last.
    """
    n_c, n_f = w.shape[2], w.shape[3]
    grids = [
        Grid(
            x[..., c], f"Input, {channels[c]}", scale="gray", channel=c, name=f"Input {channels[c]}"
        )
        for c in range(n_c)
    ]
    grids += [
        Grid(
            w[..., c, m], f"Filter {m}, {channels[c]}", role="filter", channel=c, group=m, row=1 + m
        )
        for m in range(n_f)
        for c in range(n_c)
    ]
    grids += [
        Grid(
            out[..., m],
            f"Output channel {m}",
            role="output",
            group=m,
            name=f"Output channel {m}, cell",
            row=1 + n_f,
        )
        for m in range(n_f)
    ]
    return grids


def pooled_volume_grids(
    x: np.ndarray, pooled: Sequence[np.ndarray], channels: Sequence[str]
) -> list[Grid]:
    """Pooling over a volume: each channel and its pooled grid (output m reads input m)."""
    grids = [
        Grid(x[..., k], f"Input, {channels[k]}", scale="count", channel=k)
        for k in range(x.shape[2])
    ]
    grids += [
        Grid(
            p,
            f"Pooled, {channels[k]}",
            role="output",
            scale="count",
            group=k,
            name=f"Pooled {channels[k]}, cell",
            row=1,
        )
        for k, p in enumerate(pooled)
    ]
    return grids


def layer_grids(
    x: np.ndarray, z: np.ndarray, a: np.ndarray, channels: Sequence[str], zranges: Sequence
) -> list[Grid]:
    """One conv layer on a volume: each input channel, then each filter's z and ReLU(z).

    ``x`` is ``(n_H, n_W, n_c)``, ``z`` and ``a = relu(z)`` ``(n_H', n_W', n_f)``. Filter
    m's z is output group m (its window and its products); its ReLU is group ``n_f + m``,
    which reads the same window and has no products of its own (the page writes
    max(0, z)). z and ReLU(z) of one filter share ``zranges[m]``, so what ReLU zeroes shows.
    """
    n_f = z.shape[2]
    sub = "₀₁₂₃₄₅₆₇₈₉"
    grids = [
        Grid(
            x[..., c],
            f"Input, {channels[c]}",
            scale="gray",
            channel=c,
            name=f"Input {channels[c]}",
        )
        for c in range(x.shape[2])
    ]
    size = f"{z.shape[0]}×{z.shape[1]}"
    for m in range(n_f):
        k = sub[m] if m < 10 else str(m)
        grids.append(
            Grid(
                z[..., m],
                f"z{k} {size}",
                role="output",
                group=m,
                name=f"z{k}",
                zrange=zranges[m],
                row=1,
            )
        )
        grids.append(
            Grid(
                a[..., m],
                f"ReLU(z{k}) {size}",
                role="output",
                group=n_f + m,
                name=f"a{k} = ReLU(z{k})",
                zrange=zranges[m],
                row=1,
            )
        )
    return grids


def biased_terms(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """``conv_terms`` with the bias as a last product, 1 × b: the terms add up to z."""
    pairs = conv_terms(x, w)
    bias = np.broadcast_to(np.array([1, b], dtype=pairs.dtype), (*pairs.shape[:2], 1, 2))
    return np.concatenate([pairs, bias], axis=2)
