"""The lecture's worked inputs, so that pages and tests start from the same numbers."""

from __future__ import annotations

import numpy as np

from cnn_core.shapes import check_int

LECTURE_6X6 = np.array(
    [
        [3, 0, 1, 2, 7, 4],
        [1, 5, 8, 9, 3, 1],
        [2, 7, 2, 5, 1, 3],
        [0, 1, 3, 1, 7, 8],
        [4, 2, 1, 6, 2, 8],
        [2, 4, 5, 2, 3, 9],
    ]
)
"""The 6×6 image of the vertical-edge example."""

BRIGHT_TO_DARK = np.repeat([[10, 10, 10, 0, 0, 0]], 6, axis=0)
"""Six rows of ``10 10 10 0 0 0``: a bright left half meeting a dark right half."""

DARK_TO_BRIGHT = BRIGHT_TO_DARK[:, ::-1].copy()
"""The same edge flipped: dark on the left, bright on the right."""

CHECKER = np.kron([[1, 0], [0, 1]], np.full((3, 3), 10))
"""6×6: top-left and bottom-right 3×3 quadrants 10, the rest 0."""

POOL_MAX_4X4 = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]])
"""The 4×4 of the max-pooling example."""

POOL_AVERAGE_4X4 = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 4, 2, 3], [5, 6, 1, 2]])
"""The 4×4 of the average-pooling example (one cell differs from the max example)."""

LECTURE_RGB = np.stack([LECTURE_6X6, LECTURE_6X6.T, LECTURE_6X6[::-1]], axis=2)
"""6×6×3 for convolution over volumes. The notes draw an RGB cube without numbers, so
ConvLab's is the lecture's 6×6 as red, its transpose as green, upside down as blue."""


CHANNEL_NAMES = ("red", "green", "blue")
"""The channels of an RGB volume, in order (channel 0 is red)."""


def random_integers(seed: int, shape: tuple[int, ...], low: int = 0, high: int = 10) -> np.ndarray:
    """Whole numbers from low to high − 1, the same for the same seed: a "random" example.

    >>> random_integers(6, (2, 3)).shape
    (2, 3)
    """
    return np.random.default_rng(seed).integers(low, high, shape)


def lecture_image(n: int) -> np.ndarray:
    """The lecture's 6×6 numbers, tiled or cropped to n×n (exactly ``LECTURE_6X6`` at n = 6)."""
    n = check_int("input size n", n, 1)
    reps = -(-n // 6)
    return np.tile(LECTURE_6X6, (reps, reps))[:n, :n].copy()


for _a in (
    LECTURE_6X6,
    LECTURE_RGB,
    BRIGHT_TO_DARK,
    DARK_TO_BRIGHT,
    CHECKER,
    POOL_MAX_4X4,
    POOL_AVERAGE_4X4,
):
    _a.flags.writeable = False
