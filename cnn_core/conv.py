"""Convolution (cross-correlation, as in every deep-learning library) and padding.

Arrays are channels-last, as in the lecture: an input is ``(n_H, n_W)`` or
``(n_H, n_W, n_c)``; a filter bank is ``(f, f, n_c, n_f)``.

How it is fast (figures in README, Performance):
- the padded input is moved channels-first, and a stride s is folded away by
  space-to-depth (each s×s block becomes s²·n_c channels, an f×f filter a
  ⌈f/s⌉×⌈f/s⌉ one), so only stride 1 is ever computed;
- with rows laid end to end, each filter offset is a shift of the flat image, so a
  band of output rows becomes one ``(K, band)`` block of contiguous slices and one
  BLAS call ``(n_f, K) @ (K, band)``;
- bands are sized to stay in cache, so a 12 MP photo never needs a whole-image
  im2col: peak extra memory stays near twice the input.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.lib.stride_tricks import as_strided

from cnn_core.arrays import as_array, as_bank, as_batch, as_volume
from cnn_core.shapes import (
    Padding,
    check_fits,
    check_padding,
    check_stride,
    resolve_padding,
)

# Elements per im2col band: 256 K float32 values (1 MiB) fit a typical 1–2 MiB L2 cache.
_BAND_ELEMENTS = 1 << 18
# Work (output cells × K) above which rows are split between threads.
_PARALLEL_ELEMENTS = 1 << 22
_WORKERS = os.cpu_count() or 1
# Integer inputs are computed in float64 when every partial sum stays below 2^53,
# where float64 represents whole numbers exactly; otherwise in int64.
_EXACT_FLOAT64 = 2.0**53


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(_WORKERS, thread_name_prefix="cnn_core")


def _compute_dtype(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.dtype:
    """int64 for all-integer inputs; else the image's float type (float32 stays float32)."""
    if all(a.dtype.kind in "iu" for a in (x, w, b)):
        return np.dtype(np.int64)
    if x.dtype.kind == "f":
        return np.promote_types(x.dtype, np.float32)
    return np.result_type(w.dtype, b.dtype, np.float32)


def pad(x: np.ndarray, p: int) -> np.ndarray:
    """Add ``p`` pixels of zeros on every side of height and width (not channels).

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``
    p : int ≥ 0

    Returns
    -------
    ndarray, shape ``(n_H + 2p, n_W + 2p[, n_c])``, same dtype as ``x``

    Examples
    --------
    >>> pad(np.ones((6, 6)), 1).shape
    (8, 8)
    """
    x = as_array("image", x)
    if x.ndim not in (2, 3):
        raise ValueError(f"image must be (n_H, n_W) or (n_H, n_W, n_c), got shape {x.shape}")
    p = check_padding(p)
    out = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p, *x.shape[2:]), dtype=x.dtype)
    out[p : p + x.shape[0], p : p + x.shape[1]] = x
    return out


def _space_to_depth(x: np.ndarray, f: int, s: int, p: int) -> tuple[np.ndarray, int, int, int]:
    """Pad a batch and fold each s×s block into channels: ``(s·s·n_c, m·rows + 1, cols)``.

    Returns the folded, channels-first input, the output size ``(n_H', n_W')`` and
    ``rows = n_H' + g − 1``, the folded rows of one example (``cols = n_W' + g − 1``;
    ``g = ⌈f/s⌉`` is the folded filter's size). The m examples are stacked one under
    the other. With s = 1 this is padding plus a transpose to channels-first. One
    spare row of zeros at the bottom lets the last band read whole rows.
    """
    m, n_H, n_W, C = x.shape
    out_H, out_W = (n_H + 2 * p - f) // s + 1, (n_W + 2 * p - f) // s + 1
    g = -(-f // s)
    rows, cols = out_H - 1 + g, out_W - 1 + g
    # One pass over x pads it, drops rows no window reaches, moves channels first and
    # folds: pixel (r·s + u, q·s + v, c) of padded example k lands at xs[c, u, v, k, r, q].
    xs = np.zeros((C, s, s, m * rows + 1, cols), dtype=x.dtype)
    if m == 1:  # a view by indexing costs less than a reshape on a small image
        examples = xs[:, :, :, None]
    else:
        examples = xs[:, :, :, : m * rows].reshape(C, s, s, m, rows, cols, copy=False)
    for u in range(s):
        r0 = max(0, -(-(p - u) // s))
        i_rows = range(r0 * s + u - p, min(n_H, rows * s - p), s)
        for v in range(s):
            q0 = max(0, -(-(p - v) // s))
            j_cols = range(q0 * s + v - p, min(n_W, cols * s - p), s)
            if len(i_rows) and len(j_cols):
                src = x[:, i_rows.start : i_rows.stop : s, j_cols.start : j_cols.stop : s]
                dst = examples[:, u, v, :, r0 : r0 + len(i_rows), q0 : q0 + len(j_cols)]
                dst[...] = src.transpose(3, 0, 1, 2)
    xc = xs.reshape(C * s * s, m * rows + 1, cols)
    return xc, out_H, out_W, rows


def _phases(f: int, s: int) -> list[tuple[int, int, int, int]]:
    """The (u, v, g_u, g_v) of each s×s phase: filter taps ``(a·s + u, b·s + v)`` with
    ``a < g_u = ⌈(f − u)/s⌉``, ``b < g_v``. Together they cover the f×f filter exactly."""
    taps = [(u, -(-(f - u) // s)) for u in range(s)]
    return [(u, v, g_u, g_v) for u, g_u in taps for v, g_v in taps if g_u and g_v]


def _correlate(x: np.ndarray, w: np.ndarray, s: int, p: int) -> np.ndarray:
    """Cross-correlate ``(m, n_H, n_W, n_c)`` with ``(f, f, n_c, n_f)`` → ``(m, n_H', n_W', n_f)``.

    After ``_space_to_depth`` the convolution has stride 1. Flatten each channel's
    rows end to end (width ``cols``): filter offset (a, b) is then a shift by
    ``a·cols + b``, so every row of the im2col block is a contiguous slice. Taps are
    gathered phase by phase (``_phases``), so no zero weight is multiplied. The
    ``cols − n_W'`` cells computed across each row's end are garbage and cropped.
    A batch is one tall image of examples stacked vertically: the ``g − 1`` output
    rows whose windows straddle two examples are garbage too, and dropped.
    """
    f, _, C, n_f = w.shape
    m = x.shape[0]
    xs, out_H, out_W, rows = _space_to_depth(x, f, s, p)
    _, _, cols = xs.shape
    it, plane = xs.itemsize, xs.strides[0]
    total = (m - 1) * rows + out_H  # output rows of the stacked image
    length = total * cols
    phases = _phases(f, s)
    # Per phase: a strided view (n_c, g_u, g_v, length) of the shifted flat rows,
    # and the matching weights w[a·s + u, b·s + v, c, :], in the same row order.
    views, weights = [], []
    for u, v, g_u, g_v in phases:
        views.append(
            as_strided(
                xs[u * s + v :],
                shape=(C, g_u, g_v, length),
                strides=(s * s * plane, cols * it, it, it),
                writeable=False,
            )
        )
        weights.append(w[u::s, v::s].transpose(3, 2, 0, 1).reshape(n_f, -1))
    w_rows = np.ascontiguousarray(np.concatenate(weights, axis=1))
    K = w_rows.shape[1]
    bounds = list(itertools.accumulate((wt.shape[1] for wt in weights), initial=0))

    # A batch leaves room for the rows dropped between examples.
    out = np.empty((total if m == 1 else m * rows, out_W, n_f), dtype=x.dtype)
    band_rows = max(1, _BAND_ELEMENTS // (cols * K))

    def run(rows: range) -> None:
        """Compute output rows ``rows`` band by band, with buffers of its own."""
        block_buf = np.empty(K * band_rows * cols, dtype=x.dtype)
        wide_buf = np.empty(n_f * band_rows * cols, dtype=x.dtype)
        for r0 in range(rows.start, rows.stop, band_rows):
            r1 = min(rows.stop, r0 + band_rows)
            t0, n = r0 * cols, (r1 - r0) * cols
            block = block_buf[: K * n].reshape(K, n)
            for view, k0, k1 in zip(views, bounds[:-1], bounds[1:], strict=True):
                np.copyto(block[k0:k1].reshape((*view.shape[:3], n)), view[..., t0 : t0 + n])
            wide = wide_buf[: n_f * n].reshape(n_f, n)
            np.matmul(w_rows, block, out=wide)
            out[r0:r1] = wide.reshape(n_f, r1 - r0, cols)[:, :, :out_W].transpose(1, 2, 0)

    # NumPy releases the GIL in copies and matmul, so large images split their rows
    # between threads; the gathers, not BLAS, are what one thread leaves idle.
    workers = min(_WORKERS, total // band_rows) if length * K >= _PARALLEL_ELEMENTS else 1
    if workers > 1:
        cuts = [total * k // workers for k in range(workers + 1)]
        list(_pool().map(run, [range(a, b) for a, b in itertools.pairwise(cuts)]))
    else:
        run(range(total))
    if m == 1:
        return out[None]
    # Example k's output is rows k·rows … k·rows + n_H' − 1.
    return np.ascontiguousarray(out.reshape(m, rows, out_W, n_f)[:, :out_H])


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: float | np.ndarray | None = None,
    *,
    stride: int = 1,
    padding: Padding = 0,
) -> np.ndarray:
    """Convolve an image, or a batch of images, with one filter or a bank of filters (no flip).

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)``, ``(n_H, n_W, n_c)`` or a batch ``(m, n_H, n_W, n_c)``
        A 4-D x is always a batch of m examples; each is convolved on its own.
    w : ndarray, shape ``(f, f)``, ``(f, f, n_c)`` or ``(f, f, n_c, n_f)``
        A 2-D filter has one channel. The filter's channels must equal the image's.
    b : scalar or ndarray of shape ``(n_f,)``, optional
        One bias per filter, added to every output cell of that filter.
    stride : int ≥ 1
    padding : int ≥ 0, ``"valid"`` (0) or ``"same"`` (``(f − 1)/2``, odd f only)

    Returns
    -------
    ndarray
        ``(n_H', n_W')`` for a single filter, ``(n_H', n_W', n_f)`` for a bank, with
        ``n_H' = ⌊(n_H + 2p − f)/s⌋ + 1``; a batch puts ``m`` in front:
        ``(m, n_H', n_W')`` or ``(m, n_H', n_W', n_f)``. Integer inputs give exact int64 results;
        a float image keeps its dtype (float32 stays float32).

    Raises
    ------
    ValueError
        Filter not square or larger than the padded image, channel counts that
        differ, stride < 1, negative padding, ``"same"`` with an even f, a bias of
        the wrong length.

    References
    ----------
    The lecture's vertical-edge example (docs: CURRICULUM.md, section 2).

    Examples
    --------
    >>> x = np.array([[3, 0, 1, 2], [1, 5, 8, 9], [2, 7, 2, 5]])
    >>> conv2d(x, [[1, 0, -1], [1, 0, -1], [1, 0, -1]])
    array([[-5, -4]])
    """
    x, ndim = as_batch(x)
    w, single = as_bank(w)
    f, n_c, n_f = w.shape[0], w.shape[2], w.shape[3]
    if n_c != x.shape[3]:
        raise ValueError(
            f"filter has {n_c} channel{'s' * (n_c != 1)} but the image has "
            f"{x.shape[3]}: a filter must have as many channels as its input"
        )
    s = check_stride(stride)
    p = resolve_padding(padding, f)
    check_fits(x.shape[1], x.shape[2], f, p)
    b = as_array("bias", 0 if b is None else b)
    if b.ndim > 1 or (b.ndim == 1 and b.shape[0] != n_f):
        raise ValueError(
            f"bias must be a number or have one value per filter ({n_f}), got shape {b.shape}"
        )

    dtype = _compute_dtype(x, w, b)
    work = dtype
    if dtype == np.int64:
        bound = float(np.abs(x).max()) * float(np.abs(w).sum(axis=(0, 1, 2)).max())
        if bound + float(np.abs(b).max(initial=0)) < _EXACT_FLOAT64:
            work = np.dtype(np.float64)
    out = _correlate(x.astype(work, copy=False), w.astype(work, copy=False), s, p)
    if dtype == np.int64 and work != dtype:
        out = out.astype(np.int64)
    if b.ndim == 1 or b != 0:
        out += b.astype(dtype)
    out = out[..., 0] if single else out
    return out if ndim == 4 else out[0]


@dataclass(frozen=True)
class CellExplanation:
    """What output cell (i, j) of a single-filter convolution is made of.

    ``window`` and ``products`` have the filter's shape, ``(f, f)`` or ``(f, f, n_c)``;
    ``top`` and ``left`` locate the window in the padded input; ``total`` is the cell.
    """

    window: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    total: int | float
    top: int
    left: int


def explain_cell(
    x: np.ndarray,
    w: np.ndarray,
    i: int,
    j: int,
    *,
    stride: int = 1,
    padding: Padding = 0,
) -> CellExplanation:
    """The window, products and sum behind output cell ``(i, j)``.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``
    w : ndarray, shape ``(f, f)`` or ``(f, f, n_c)``: one filter
    i, j : int, row and column of the output cell

    Raises
    ------
    ValueError
        As ``conv2d``, and if (i, j) lies outside the output.

    Examples
    --------
    >>> x = np.array([[3, 0, 1, 2], [1, 5, 8, 9], [2, 7, 2, 5]])
    >>> explain_cell(x, [[1, 0, -1], [1, 0, -1], [1, 0, -1]], 0, 0).total
    -5
    """
    vol = as_volume(x)
    bank, single = as_bank(w)
    if not single or bank.shape[3] != 1:
        raise ValueError(f"explain_cell takes one filter, got a bank of shape {bank.shape}")
    out = conv2d(vol, bank[:, :, :, 0], stride=stride, padding=padding)
    n_H, n_W = out.shape
    if not (0 <= i < n_H and 0 <= j < n_W):
        raise ValueError(f"cell ({i}, {j}) is outside the {n_H}×{n_W} output")
    f = bank.shape[0]
    p = resolve_padding(padding, f)
    top, left = i * stride, j * stride
    dtype = out.dtype
    window = pad(vol, p)[top : top + f, left : left + f].astype(dtype)
    weights = np.asarray(w).astype(dtype)
    if weights.ndim == 2:
        window = window[:, :, 0]
    products = window * weights
    return CellExplanation(
        window=window,
        weights=weights,
        products=products,
        total=out[i, j].item(),
        top=top,
        left=left,
    )
