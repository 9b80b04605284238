"""Backward passes: how a loss's gradient flows back through convolution and pooling.

In the lecture's notation, for ``Z = conv(A_prev, W) + b`` with stride s and padding p,
and ``dZ = ∂L/∂Z`` given:

- ``db[c] = Σ dZ[..., h, w, c]`` over examples and output cells;
- ``dW[a, b, :, c] = Σ A_prev_padded[..., h·s + a, w·s + b, :] · dZ[..., h, w, c]``: each
  filter tap collects the inputs it saw, weighted by the gradient of what it produced;
- ``dA_prev_padded[..., h·s + a, w·s + b, :] += W[a, b] · dZ[..., h, w]``, then the
  padding is stripped.

Both sums run over the f² filter taps (a, b), each one vectorised NumPy operation over
every example and output cell, as ``pool2d`` runs over window offsets.
"""

from __future__ import annotations

import numpy as np

from cnn_core.arrays import as_array, as_bank, as_batch
from cnn_core.pool import _unbatch, pool2d
from cnn_core.shapes import Padding, check_fits, check_stride, resolve_padding


def _grad_dtype(a: np.ndarray) -> np.dtype:
    """The float type gradients are computed in: a's if it is float (float32 stays
    float32), float64 for integers."""
    return np.promote_types(a.dtype, np.float32) if a.dtype.kind == "f" else np.dtype(np.float64)


def _check_grad_shape(grad_out: np.ndarray, want: tuple[int, ...], of: str) -> None:
    """Raise unless ``grad_out`` has the forward pass's output shape ``want``."""
    if grad_out.shape != want:
        raise ValueError(
            f"grad_out must have the shape of {of}'s output {want}, got {grad_out.shape}"
        )


def conv2d_backward(
    x: np.ndarray,
    w: np.ndarray,
    grad_out: np.ndarray,
    *,
    stride: int = 1,
    padding: Padding = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | np.floating]:
    """Gradients of a loss with respect to ``conv2d``'s input, filters and biases.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)``, ``(n_H, n_W, n_c)`` or a batch ``(m, n_H, n_W, n_c)``
        The input ``A_prev`` as it was given to ``conv2d``.
    w : ndarray, shape ``(f, f)``, ``(f, f, n_c)`` or ``(f, f, n_c, n_f)``
    grad_out : ndarray, the shape of ``conv2d(x, w, stride=stride, padding=padding)``
        ``dZ = ∂L/∂Z``.
    stride, padding : as in ``conv2d`` (int, ``"valid"`` or ``"same"``)

    Returns
    -------
    grad_x : ndarray, the shape of ``x``
        ``dA_prev``; a cell no window reaches (cut off by the stride) gets 0.
    grad_w : ndarray, the shape of ``w``
        ``dW``.
    grad_b : ndarray of shape ``(n_f,)``, or a scalar for a single filter
        ``db``. It does not depend on the bias, so ``conv2d_backward`` takes none.

    All three are float: float32 if ``x`` is float32, else float64 (integers included).

    Raises
    ------
    ValueError
        As ``conv2d``, and if ``grad_out`` does not have ``conv2d``'s output shape.

    References
    ----------
    The three sums in this module's docstring; LEARNING_NOTES.md, "Backward passes".

    Examples
    --------
    Each weight's gradient is the sum of the inputs it touched (dZ all ones):

    >>> grad_x, grad_w, grad_b = conv2d_backward(np.arange(9.0).reshape(3, 3),
    ...                                          np.ones((2, 2)), np.ones((2, 2)))
    >>> grad_w
    array([[ 8., 12.],
           [20., 24.]])
    >>> grad_b
    np.float64(4.0)
    >>> grad_x
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    xb, ndim = as_batch(x)
    bank, single = as_bank(w)
    f, n_c, n_f = bank.shape[0], bank.shape[2], bank.shape[3]
    m, n_H, n_W, n_c_x = xb.shape
    if n_c != n_c_x:
        raise ValueError(
            f"filter has {n_c} channel{'s' * (n_c != 1)} but the image has "
            f"{n_c_x}: a filter must have as many channels as its input"
        )
    s = check_stride(stride)
    p = resolve_padding(padding, f)
    check_fits(n_H, n_W, f, p)
    out_H, out_W = (n_H + 2 * p - f) // s + 1, (n_W + 2 * p - f) // s + 1
    grad_out = as_array("grad_out", grad_out)
    want = (m, out_H, out_W) if ndim == 4 else (out_H, out_W)
    _check_grad_shape(grad_out, want if single else (*want, n_f), "conv2d")

    dtype = _grad_dtype(xb)
    dz = grad_out.astype(dtype, copy=False).reshape(m, out_H, out_W, n_f)
    weights = bank.astype(dtype, copy=False)
    xp = np.zeros((m, n_H + 2 * p, n_W + 2 * p, n_c), dtype=dtype)
    xp[:, p : p + n_H, p : p + n_W] = xb
    grad_xp = np.zeros_like(xp)
    grad_w = np.empty((f, f, n_c, n_f), dtype=dtype)
    # dZ as (N, n_f) with N = m·n_H'·n_W': one row per output cell.
    dz_rows = dz.reshape(-1, n_f)
    for a in range(f):
        rows = slice(a, a + s * (out_H - 1) + 1, s)
        for b in range(f):
            cols = slice(b, b + s * (out_W - 1) + 1, s)
            # The input cells tap (a, b) saw, one row per output cell: (N, n_c).
            seen = xp[:, rows, cols].reshape(-1, n_c)
            grad_w[a, b] = seen.T @ dz_rows
            grad_xp[:, rows, cols] += (dz_rows @ weights[a, b].T).reshape(m, out_H, out_W, n_c)

    grad_x = np.ascontiguousarray(_unbatch(grad_xp[:, p : p + n_H, p : p + n_W], ndim))
    grad_b = dz_rows.sum(axis=0)
    if single:
        return grad_x, grad_w.reshape(np.shape(w)), grad_b[0]
    return grad_x, grad_w, grad_b


def pool2d_backward(
    x: np.ndarray, grad_out: np.ndarray, f: int = 2, *, stride: int = 2, mode: str = "max"
) -> np.ndarray:
    """Gradient of a loss with respect to ``pool2d``'s input.

    Max pooling sends each window's gradient to its winner only (one winner per
    window: on a tie, the first in row-major order, as ``explain_pool`` shows).
    Average pooling gives each of the f·f cells ``dZ / f²``. Where windows overlap
    (s < f), a cell collects the gradient of every window it belongs to.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)``, ``(n_H, n_W, n_c)`` or a batch ``(m, n_H, n_W, n_c)``
        The input as it was given to ``pool2d``.
    grad_out : ndarray, the shape of ``pool2d(x, f, stride=stride, mode=mode)``
    f, stride, mode : as in ``pool2d``

    Returns
    -------
    ndarray, the shape of ``x``
        Float: float32 if ``grad_out`` is float32, else float64.

    Raises
    ------
    ValueError
        As ``pool2d``, and if ``grad_out`` does not have ``pool2d``'s output shape.

    Examples
    --------
    >>> x = np.array([[1, 3], [9, 9]])
    >>> pool2d_backward(x, np.array([[5.0]]))
    array([[0., 0.],
           [5., 0.]])
    >>> pool2d_backward(x, np.array([[5.0]]), mode="average")
    array([[1.25, 1.25],
           [1.25, 1.25]])
    """
    out_shape = pool2d(x, f, stride=stride, mode=mode).shape  # validates every argument
    xb, ndim = as_batch(x)
    m, n_H, n_W, n_c = xb.shape
    f, s = int(f), int(stride)  # pool2d has checked both
    out_H, out_W = (n_H - f) // s + 1, (n_W - f) // s + 1
    grad_out = as_array("grad_out", grad_out)
    _check_grad_shape(grad_out, out_shape, "pool2d")
    dtype = _grad_dtype(grad_out)
    dz = grad_out.astype(dtype, copy=False).reshape(m, out_H, out_W, n_c)

    def at(a: int, b: int) -> tuple[slice, slice, slice]:
        """Where window offset (a, b) lands for every window: rows and columns of x."""
        return (
            slice(None),
            slice(a, a + s * (out_H - 1) + 1, s),
            slice(b, b + s * (out_W - 1) + 1, s),
        )

    taps = [(a, b) for a in range(f) for b in range(f)]
    grad_x = np.zeros(xb.shape, dtype=dtype)
    if mode == "average":
        share = dz / (f * f)
        for a, b in taps:
            grad_x[at(a, b)] += share
        return _unbatch(grad_x, ndim)

    # Walk the offsets in row-major order; a strictly larger value takes over, so a
    # tie stays with the first.
    best = xb[at(0, 0)]
    winner = np.zeros(best.shape, dtype=np.intp)
    for k, (a, b) in enumerate(taps[1:], start=1):
        value = xb[at(a, b)]
        larger = value > best
        best = np.where(larger, value, best)
        winner[larger] = k
    for k, (a, b) in enumerate(taps):
        grad_x[at(a, b)] += np.where(winner == k, dz, 0)
    return _unbatch(grad_x, ndim)
