"""Learning one filter by gradient descent: the lecture's "treat w1 … w9 as parameters".

Given an image and the output some hidden filter made of it, ``fit_filter`` starts from
small random weights and repeats the four steps every network repeats: forward
(``conv2d``), loss (mean squared error), backward (``conv2d_backward``), step. The loss
is quadratic in the f²·n_c weights and the bias (a least-squares problem), so plain
gradient descent with a small enough step converges from any start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_core.arrays import as_array
from cnn_core.backward import conv2d_backward
from cnn_core.conv import conv2d
from cnn_core.shapes import check_fits, check_int

MAX_STEPS = 100_000
"""The most steps ``fit_filter`` takes in one call (about a minute at 16×16)."""

BLOW_UP = 1e12
"""Gradient descent has diverged once the loss exceeds this many times its start."""


@dataclass(frozen=True, eq=False)
class FilterHistory:
    """Every step of one run of ``fit_filter``; entry 0 is the start.

    Attributes
    ----------
    weights : ndarray, shape ``(k + 1, f, f)`` or ``(k + 1, f, f, n_c)``
    bias : ndarray, shape ``(k + 1,)``
    loss : ndarray, shape ``(k + 1,)``
        Mean squared error of ``conv2d(x, weights[t]) + bias[t]`` against the target.
    lr : float
        The learning rate used.
    diverged : bool
        True if the loss blew up: it became infinite or grew past ``BLOW_UP`` times its
        start. The run then stopped, and ``k`` is the last step whose loss was still
        finite and below that bound (so the loss blew up at step ``k + 1``); otherwise
        ``k`` is the number of steps asked for.
    """

    weights: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    lr: float
    diverged: bool

    @property
    def steps(self) -> int:
        """Steps taken: ``k``, one less than the number of entries."""
        return len(self.loss) - 1


def _windows_matrix(x: np.ndarray, f: int) -> np.ndarray:
    """P, ``(N, f²·n_c + 1)``: each window of x as a row, and a column of ones."""
    win = sliding_window_view(x, (f, f), axis=(0, 1)).reshape(-1, x.shape[2] * f * f)
    return np.hstack([win, np.ones((win.shape[0], 1))])


def safe_learning_rate(x: np.ndarray, f: int) -> float:
    """``1 / L`` with ``L = 2·λ_max(PᵀP / N)``: a step gradient descent cannot overshoot with.

    ``L`` is the largest curvature of the mean squared error of an f×f filter on
    ``x`` (P holds the N windows as rows, with a column of ones for the bias). Any
    step below ``2 / L`` converges; ``1 / L`` leaves a margin.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_c)``, float64
    f : int, the filter size (it must fit x)

    Examples
    --------
    >>> round(safe_learning_rate(np.ones((4, 4, 1)), 3), 3)  # PᵀP/N is all ones, λ_max 10
    0.05
    """
    P = _windows_matrix(x, f)
    return float(1.0 / (2.0 * np.linalg.eigvalsh(P.T @ P / len(P))[-1]))


def fit_filter(
    x: np.ndarray,
    target: np.ndarray,
    *,
    f: int = 3,
    steps: int = 200,
    lr: float | None = None,
    seed: int = 0,
) -> FilterHistory:
    """Learn an f×f filter and a bias so that ``conv2d(x, w) + b`` matches ``target``.

    Plain gradient descent on the mean squared error, from weights drawn as
    ``0.01 · standard_normal`` by ``np.random.default_rng(seed)`` and a bias of 0.
    Everything is computed in float64.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``
    target : ndarray, shape ``(n_H − f + 1, n_W − f + 1)``
        What the filter should produce ("valid" padding, stride 1).
    f : int ≥ 1, the filter size; it must fit x
    steps : int, 0 … ``MAX_STEPS``
    lr : float > 0, or None
        The learning rate. None picks ``safe_learning_rate(x, f)``.
    seed : int, for the starting weights

    Returns
    -------
    FilterHistory
        ``weights`` ``(steps + 1, f, f)`` for a 2-D x, ``(steps + 1, f, f, n_c)`` for a
        3-D x (one slice per channel); ``bias`` and ``loss`` ``(steps + 1,)``.
        If the loss blows up (a learning rate too large), the run stops early and
        returns the finite part only: the arrays are then shorter, ``diverged`` is
        True, and the loss blew up at step ``len(loss)``. Nothing in the history is
        NaN or infinite.

    Raises
    ------
    ValueError
        If x is not 2-D or 3-D, holds NaN or infinity, the filter does not fit it,
        ``target`` has the wrong shape or is not finite, ``steps`` is not a whole
        number from 0 to ``MAX_STEPS``, or ``lr`` is not a finite number > 0.

    Examples
    --------
    >>> x = np.random.default_rng(1).uniform(0, 9, (8, 8))
    >>> hidden = np.array([[1.0, 0, -1], [1, 0, -1], [1, 0, -1]])
    >>> history = fit_filter(x, conv2d(x, hidden), steps=2000)
    >>> bool(history.loss[-1] < 1e-4 * history.loss[0]), history.diverged
    (True, False)
    >>> np.round(history.weights[-1], 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    array([[ 1.,  0., -1.],
           [ 1.,  0., -1.],
           [ 1.,  0., -1.]])
    """
    arr = as_array("image", x)
    if arr.ndim not in (2, 3) or min(arr.shape) == 0:
        raise ValueError(
            f"fit_filter takes one image (n_H, n_W) or (n_H, n_W, n_c), got shape {arr.shape}"
        )
    flat = arr.ndim == 2
    vol = arr.astype(np.float64).reshape(*arr.shape[:2], -1)
    if not np.isfinite(vol).all():
        raise ValueError("image holds NaN or infinity")
    f = check_int("filter size f", f, 1)
    n_H, n_W, n_c = vol.shape
    check_fits(n_H, n_W, f, 0)
    want = (n_H - f + 1, n_W - f + 1)
    goal = as_array("target", target).astype(np.float64)
    if goal.shape != want:
        raise ValueError(
            f"target must have shape {want}, the output of a {f}×{f} filter on a "
            f"{n_H}×{n_W} image, got {goal.shape}"
        )
    if not np.isfinite(goal).all():
        raise ValueError("target holds NaN or infinity")
    steps = check_int("steps", steps, 0)
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS:,}, got {steps:,}")
    if lr is None:
        lr = safe_learning_rate(vol, f)
    elif isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {lr!r}")
    lr = float(lr)

    shape = (f, f) if flat else (f, f, n_c)
    w = 0.01 * np.random.default_rng(seed).standard_normal(shape)
    b = 0.0
    weights, biases, losses = [], [], []
    # A huge step overflows to inf or NaN; the check on the loss stops the run, silently.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            error = conv2d(vol, w) + b - goal  # forward
            loss = float(np.mean(error**2))
            if not math.isfinite(loss) or (t and loss > BLOW_UP * losses[0]):
                break
            weights.append(w)
            biases.append(b)
            losses.append(loss)
            if t == steps:
                break
            _, grad_w, grad_b = conv2d_backward(vol, w, 2 * error / error.size)  # backward
            w = w - lr * grad_w  # step
            b = b - lr * float(grad_b)
    return FilterHistory(
        weights=np.array(weights),
        bias=np.array(biases),
        loss=np.array(losses),
        lr=lr,
        diverged=len(losses) < steps + 1,
    )
