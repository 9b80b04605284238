"""Sizes and parameter counts: the arithmetic of the lecture, as functions.

Every function validates its arguments and raises ``ValueError`` naming the
numbers that were wrong, so a page can show the message as it is.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

Padding = int | str


def check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer ≥ ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_stride(s: object) -> int:
    """Return the stride as an int, or raise if it is not a whole number ≥ 1."""
    return check_int("stride", s, 1)


def check_padding(p: object) -> int:
    """Return the padding as an int, or raise if it is not a whole number ≥ 0."""
    return check_int("padding p", p, 0)


def same_padding(f: int) -> int:
    """Padding that keeps a stride-1 output the size of its input: ``(f − 1) / 2``.

    Raises
    ------
    ValueError
        If ``f`` is even: ``(f − 1) / 2`` is then not a whole number, so the
        zeros cannot be split equally between the two sides.

    Examples
    --------
    >>> same_padding(3)
    1
    """
    f = check_int("filter size f", f, 1)
    if f % 2 == 0:
        raise ValueError(
            f'"same" padding needs an odd filter size: f = {f} would need '
            f"p = (f − 1)/2 = {(f - 1) / 2}, which cannot be split equally "
            "between the two sides"
        )
    return (f - 1) // 2


def resolve_padding(padding: Padding, f: int) -> int:
    """Turn ``"valid"``, ``"same"`` or an int into a number of zero pixels per side."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0
        if padding == "same":
            return same_padding(f)
        raise ValueError(f'padding must be a whole number, "valid" or "same", got "{padding}"')
    return check_padding(padding)


def check_fits(n_H: int, n_W: int, f: int, p: int) -> None:
    """Raise if an f×f window does not fit the n_H×n_W input padded by p."""
    if f > n_H + 2 * p or f > n_W + 2 * p:
        padded = f" (padded {n_H + 2 * p}×{n_W + 2 * p})" if p else ""
        raise ValueError(
            f"filter {f}×{f} does not fit a {n_H}×{n_W} image with padding {p}"
            f"{padded}: f must be at most n + 2p"
        )


POOL_MODES = ("max", "average")


def check_pool(n_H: int, n_W: int, f: int, mode: str) -> int:
    """Return the window size f as an int, or raise if the mode is unknown or f does not fit."""
    if mode not in POOL_MODES:
        raise ValueError(f'unknown pooling mode "{mode}": use "max" or "average"')
    f = check_int("window size f", f, 1)
    if f > n_H or f > n_W:
        raise ValueError(f"pooling window {f}×{f} does not fit a {n_H}×{n_W} input")
    return f


def output_size(n: int, f: int, p: int = 0, s: int = 1) -> int:
    """Output height (or width) of a convolution: ``⌊(n + 2p − f)/s⌋ + 1``.

    The floor is there because the filter must lie entirely inside the padded
    image: a last step that would stick out is not taken.

    Raises
    ------
    ValueError
        If ``n`` or ``f`` < 1, ``p`` < 0, ``s`` < 1, or ``f > n + 2p``.

    Examples
    --------
    >>> output_size(6, 3)
    4
    >>> output_size(6, 3, p=1, s=2)
    3
    """
    n = check_int("input size n", n, 1)
    f = check_int("filter size f", f, 1)
    p = check_padding(p)
    s = check_stride(s)
    check_fits(n, n, f, p)
    return (n + 2 * p - f) // s + 1


def conv_params(f: int, n_c_prev: int, n_f: int) -> int:
    """Parameters of a conv layer: ``(f·f·n_c_prev + 1)·n_f`` (weights + one bias per filter).

    Examples
    --------
    >>> conv_params(3, 3, 10)
    280
    """
    f = check_int("filter size f", f, 1)
    n_c_prev = check_int("input channels n_c", n_c_prev, 1)
    n_f = check_int("number of filters n_f", n_f, 1)
    return (f * f * n_c_prev + 1) * n_f


def dense_weights(n_in: int, n_out: int) -> int:
    """Weights of a fully connected layer, without biases: ``n_in·n_out``.

    Examples
    --------
    >>> dense_weights(3_000_000, 1000)
    3000000000
    """
    return check_int("inputs", n_in, 1) * check_int("units", n_out, 1)


def dense_params(n_in: int, n_out: int) -> int:
    """Parameters of a fully connected layer: ``n_in·n_out`` weights + ``n_out`` biases.

    Examples
    --------
    >>> dense_params(400, 120)
    48120
    """
    n_in = check_int("inputs", n_in, 1)
    n_out = check_int("units", n_out, 1)
    return n_in * n_out + n_out


def usage_count(n: int, f: int, p: int = 0, s: int = 1) -> np.ndarray:
    """How many filter positions use each pixel of an n×n input.

    Returns
    -------
    ndarray of int64, shape ``(n, n)``
        A corner pixel is used once without padding; a central pixel ``f²`` times
        at stride 1. Pixels a stride skips over are used 0 times.

    Examples
    --------
    >>> usage_count(4, 3)[0, 0], usage_count(5, 3)[2, 2]
    (np.int64(1), np.int64(9))
    """
    n_out = output_size(n, f, p, s)
    starts = np.arange(n_out) * s - p
    k = np.arange(n)[:, None]
    per_axis = ((k >= starts) & (k < starts + f)).sum(axis=1).astype(np.int64)
    return np.outer(per_axis, per_axis)
