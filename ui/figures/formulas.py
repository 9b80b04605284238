"""The lecture's formulas written out with today's numbers, as plain text.

Pure functions (no Streamlit), so pages and tests share them. Every result shown comes
from ``cnn_core``; these only lay the numbers out the way the notes do.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from cnn_core import CellExplanation, PoolExplanation, output_size

MINUS = "−"
NOISE = 1e-9
"""Closer than this to a whole number (relatively, above 1) is float noise: 1.776e−15 is 0."""
DIGITS = 4
"""Significant digits a number is written with: 0.7071, 21.21, 109.8k."""
_SUFFIXES = {1: "k", 2: "M", 3: "B", 4: "T"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _significant(a: float) -> tuple[str, int]:
    """``a > 0`` to DIGITS significant digits: the digits and the power of ten of the first.

    Rounds half away from zero on the exact binary value, as JavaScript's toExponential
    does, so the browser (``ui/grid_format.js``) writes every number the same way.
    """
    d = Decimal(a)
    exp = d.adjusted()
    digits = d.quantize(Decimal(1).scaleb(exp - DIGITS + 1), rounding=ROUND_HALF_UP)
    text = "".join(map(str, digits.as_tuple().digits))
    if len(text) > DIGITS:  # 9.9996 → 10.00
        text, exp = text[:DIGITS], exp + 1
    return text.ljust(DIGITS, "0"), exp


def _place(digits: str, point: int) -> str:
    """The digits with the decimal point after ``point`` of them, trailing zeros dropped."""
    if point <= 0:
        text = "0." + "0" * -point + digits
    elif point >= len(digits):
        text = digits + "0" * (point - len(digits))
    else:
        text = digits[:point] + "." + digits[point:]
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(v: float) -> str:
    """A number as a student should read it: never ``e`` notation, no float noise.

    Whole numbers (and numbers within 1e-9 of one) without a decimal point below 10,000;
    otherwise 4 significant digits: ``0.7071``, ``21.21``, ``−109.8k``, ``2.5×10⁻⁵``.
    |v| < 1e-9 is 0 (``1.776e−15`` is what 10×1.414 − 10×1.414 leaves behind). A real
    minus sign. ``ui/grid_format.js`` writes numbers the same way in the browser.

    >>> number(4.0000000001), number(-109812.3), number(1 / 3)
    ('4', '−109.8k', '0.3333')
    """
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    whole = round(v)
    if abs(v - whole) <= NOISE * max(1.0, abs(v)):
        v = float(whole)
    if v == 0:
        return "0"
    sign = MINUS if v < 0 else ""
    if v == whole and abs(v) < 10_000:
        return sign + str(abs(int(whole)))
    digits, exp = _significant(abs(v))
    if -4 <= exp < 4:
        return sign + _place(digits, exp + 1)
    if 4 <= exp < 15:
        group = exp // 3
        return sign + _place(digits, exp - 3 * group + 1) + _SUFFIXES[group]
    return f"{sign}{_place(digits, 1)}×10{str(exp).translate(_SUPERSCRIPT)}"


def factor(v: float) -> str:
    """A number inside a product: negative ones in brackets, ``8×(−1)`` (noise is 0)."""
    text = number(v)
    return f"({text})" if text.startswith(MINUS) else text


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


def products_formula(
    cell: CellExplanation,
    channels: Sequence[str] = (),
    subtotals: Sequence[float] = (),
) -> str:
    """The sum behind one output cell, column by column as in the notes.

    ``3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×(−1) + 8×(−1) + 2×(−1) = −5``. A
    multi-channel window is written channel by channel; given the channels' names and
    each channel's sum (``subtotals``, from cnn_core), one line per channel and a last
    line adding them up, as CNN Explainer writes it::

        R: 3×1 + … = −5
        G: 3×1 + … = 2
        B: 2×1 + … = 7
        total: −5 + 2 + 7 = 4
    """
    window, weights = np.asarray(cell.window), np.asarray(cell.weights)
    if window.ndim == 2:
        window, weights = window[:, :, None], weights[:, :, None]

    def terms(k: int) -> list[str]:
        return [
            f"{factor(window[r, c, k])}×{factor(weights[r, c, k])}"
            for c in range(window.shape[1])
            for r in range(window.shape[0])
        ]

    if not channels:
        every = [t for k in range(window.shape[2]) for t in terms(k)]
        return " + ".join(every) + f" = {number(cell.total)}"
    if len(channels) != window.shape[2] or len(subtotals) != window.shape[2]:
        raise ValueError(
            f"a {window.shape[2]}-channel window needs {window.shape[2]} names and subtotals, "
            f"got {len(channels)} and {len(subtotals)}"
        )
    lines = [
        f"{name}: {' + '.join(terms(k))} = {number(sub)}"
        for k, (name, sub) in enumerate(zip(channels, subtotals, strict=True))
    ]
    added = " + ".join(factor(v) for v in subtotals)
    return "\n".join([*lines, f"total: {added} = {number(cell.total)}"])


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


_SMALL = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def spelled(n: int) -> str:
    """A small count in a sentence, as a word up to twelve: ``nine``; ``13`` past it."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else f"{n:,}"


def grid_text(title: str, z: np.ndarray) -> str:
    """A grid as words for a text alternative: every number if small, else its range."""
    z = np.asarray(z)
    if z.ndim == 2 and z.size <= 64:
        rows = " / ".join(" ".join(number(v) for v in row) for row in z)
        return f"{title}: {rows}"
    shape = "×".join(str(v) for v in z.shape)
    return f"{title}, {shape}, values from {number(z.min())} to {number(z.max())}"
