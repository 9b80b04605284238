"""The lecture's formulas written out with today's numbers, as plain text.

Pure functions (no Streamlit), so pages and tests share them. Every result shown comes
from ``cnn_core``; these only lay the numbers out the way the notes do.
"""

from __future__ import annotations

import numpy as np

from cnn_core import CellExplanation, PoolExplanation, output_size

MINUS = "−"


def number(v: float) -> str:
    """A number as the notes write it: whole numbers without a decimal point, a real minus."""
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    text = f"{int(v)}" if v == int(v) and abs(v) < 1e15 else f"{v:.4g}"
    return text.replace("-", MINUS)


def factor(v: float) -> str:
    """A number inside a product: negative ones in brackets, ``8×(−1)``."""
    return f"({number(v)})" if v < 0 else number(v)


def output_size_formula(n: int, f: int, p: int = 0, s: int = 1) -> str:
    """``⌊(n + 2p − f)/s⌋ + 1`` with the numbers in, e.g. ``⌊(6 + 2·1 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = 3``.

    Raises ``ValueError`` (from ``cnn_core.output_size``) if the filter does not fit.
    """
    result = output_size(n, f, p, s)
    inner = n + 2 * p - f
    if s == 1:
        return f"{n} + 2·{p} {MINUS} {f} + 1 = {result}"
    quotient = inner / s
    shown = number(quotient)
    floor_step = f"⌊{inner}/{s}⌋ + 1" + (f" = ⌊{shown}⌋ + 1" if inner % s else "")
    return f"⌊({n} + 2·{p} {MINUS} {f})/{s}⌋ + 1 = {floor_step} = {result}"


def products_formula(cell: CellExplanation) -> str:
    """The sum behind one output cell, column by column as in the notes.

    ``3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×(−1) + 8×(−1) + 2×(−1) = −5``. A
    multi-channel window is written channel by channel.
    """
    window, weights = np.asarray(cell.window), np.asarray(cell.weights)
    if window.ndim == 2:
        window, weights = window[:, :, None], weights[:, :, None]
    terms = [
        f"{factor(window[r, c, k])}×{factor(weights[r, c, k])}"
        for k in range(window.shape[2])
        for c in range(window.shape[1])
        for r in range(window.shape[0])
    ]
    return " + ".join(terms) + f" = {number(cell.total)}"


def sum_formula(window: np.ndarray, total: float) -> str:
    """A window's sum, column by column like ``products_formula``: ``0 + 3 + 1 + … = 9``."""
    return " + ".join(factor(v) for v in np.asarray(window).T.ravel()) + f" = {number(total)}"


def pool_formula(cell: PoolExplanation) -> str:
    """``max(1, 3, 2, 9) = 9`` or ``(1 + 3 + 2 + 9) / 4 = 3.75``: a pooled cell's working."""
    values = [number(v) for v in np.asarray(cell.window).ravel()]
    if cell.winner is not None:
        return f"max({', '.join(values)}) = {number(cell.value)}"
    return f"({' + '.join(values)}) / {len(values)} = {number(cell.value)}"


def pool_size_formula(n: int, f: int, s: int) -> str:
    """``⌊(4 − 2)/2⌋ + 1 = 2``: a pooled side, from ``cnn_core.output_size`` with p = 0."""
    return f"⌊({n} {MINUS} {f})/{s}⌋ + 1 = {output_size(n, f, 0, s)}"


def in_words(v: float) -> str:
    """A large count as people say it: ``3 billion``, ``14.5 million``, ``280``."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:.3g} {word}"
    return f"{v:,.0f}"


def grid_text(title: str, z: np.ndarray) -> str:
    """A grid as words for a text alternative: every number if small, else its range."""
    z = np.asarray(z)
    if z.ndim == 2 and z.size <= 64:
        rows = " / ".join(" ".join(number(v) for v in row) for row in z)
        return f"{title}: {rows}"
    shape = "×".join(str(v) for v in z.shape)
    return f"{title}, {shape}, values from {number(z.min())} to {number(z.max())}"
