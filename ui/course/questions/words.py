"""What every question is made of: the generator's type, a few filters, and small pieces of
text said the way the lecture says them (an 8×8, 64·64·3 = 12,288)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cnn_core import HORIZONTAL_EDGE, SOBEL_VERTICAL, VERTICAL_EDGE
from ui.course.answers import Grid, Question

Generator = Callable[[np.random.Generator], Question]
"""A kind of question: one draw from its own random stream."""

TRAIN_DIGITS, TEST_DIGITS = 1_437, 360
"""The digits split Train a CNN uses (``cnn_core.split_digits``; a test keeps them equal)."""
SLIDES = "without flipping, as in the lecture"
FILTERS = {
    "vertical edge": VERTICAL_EDGE,
    "horizontal edge": HORIZONTAL_EDGE,
    "Sobel vertical": SOBEL_VERTICAL,
}


def article(n: int, capital: bool = False) -> str:
    """``a`` or ``an`` before a number said aloud: an 8×8, an 11×11, an 18×18, a 7×7."""
    lead = abs(int(n))
    while lead >= 1000:
        lead //= 1000
    an = str(lead).startswith("8") or lead in (11, 18)
    word = "an" if an else "a"
    return word.capitalize() if capital else word


def square(n: int, capital: bool = False) -> str:
    """``an 8×8``."""
    return f"{article(n, capital)} {n}×{n}"


def as_grid(values: np.ndarray) -> Grid:
    """A small grid as plain numbers (hashable, so questions compare equal)."""
    return tuple(
        tuple(int(v) if float(v) == int(v) else float(v) for v in row) for row in np.asarray(values)
    )


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


def pad_for(rng: np.random.Generator, f: int, least: int = 0) -> int:
    """A padding a network would use with an f×f filter: at most "same", (f − 1)/2."""
    return int(rng.integers(least, (f - 1) // 2 + 1))
