"""Real data to learn from: 1,797 handwritten digits of 8×8 pixels, and a fixed split.

The images are the test set of "Optical Recognition of Handwritten Digits" (E. Alpaydin,
C. Kaynak, 1998, UCI Machine Learning Repository, CC BY 4.0), as scikit-learn ships it.
Each pixel counts the inked pixels in a 4×4 block of a 32×32 bitmap, so it is an integer
from 0 to 16. ``assets/make_digits.py`` made ``assets/digits.npz``; ``assets/LICENSE.md``
gives the attribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_core.arrays import as_array

DIGITS_PATH = Path(__file__).resolve().parents[1] / "assets" / "digits.npz"

SPLIT_SEED = 1998
"""Seed of the shuffle that picks the test images (the data set's year)."""

TEST_SHARE = 5
"""One image in five is held out for testing: ``⌈m / 5⌉``, 360 of the 1,797."""


@dataclass(frozen=True, eq=False)
class Digits:
    """Labelled 8×8 digits, ``m`` of them.

    Attributes
    ----------
    images : ndarray of uint8, shape ``(m, 8, 8)``
        Ink counts from 0 (blank) to 16 (a fully inked 4×4 block); divide by 16 for [0, 1].
    labels : ndarray of int64, shape ``(m,)``
        The digit each image shows, 0 to 9.
    rows : ndarray of int64, shape ``(m,)``
        Each image's row in the original file (0 to 1,796), to name it and to show that
        the training and test sets do not overlap.
    """

    images: np.ndarray
    labels: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index: np.ndarray) -> Digits:
        """The images at ``index`` (integers or a boolean mask), with their labels and rows."""
        return Digits(self.images[index], self.labels[index], self.rows[index])


def load_digits(path: str | Path = DIGITS_PATH) -> Digits:
    """Read the 1,797 handwritten digits.

    Parameters
    ----------
    path : str or Path
        An ``.npz`` file with ``images`` ``(m, 8, 8)`` and ``labels`` ``(m,)``, integers;
        ``assets/digits.npz`` unless a test points elsewhere.

    Returns
    -------
    Digits
        ``images`` uint8 ``(1797, 8, 8)`` in 0–16, ``labels`` int64 ``(1797,)`` in 0–9,
        ``rows`` ``0 … 1796``.

    Raises
    ------
    ValueError
        If the file's arrays have the wrong shapes or values out of range.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, digits.labels.shape, int(digits.images.max())
    ((1797, 8, 8), (1797,), 16)
    """
    with np.load(path) as data:
        images, labels = data["images"], data["labels"]
    if images.ndim != 3 or images.shape[1:] != (8, 8) or labels.shape != images.shape[:1]:
        raise ValueError(
            f"digits must be (m, 8, 8) images with (m,) labels, got images {images.shape} "
            f"and labels {labels.shape}"
        )
    if images.min() < 0 or images.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(
            f"pixels must be 0–16 and labels 0–9, got pixels {images.min()}–{images.max()} "
            f"and labels {labels.min()}–{labels.max()}"
        )
    rows = np.arange(len(labels), dtype=np.int64)
    return Digits(images.astype(np.uint8), labels.astype(np.int64), rows)


def _test_counts(labels: np.ndarray) -> np.ndarray:
    """How many test images each digit gets: its share of ``⌈m / 5⌉``, largest remainders first."""
    counts = np.bincount(labels, minlength=10)
    n_test = -(-len(labels) // TEST_SHARE)
    quota, remainder = np.divmod(counts * n_test, len(labels))
    # Integer arithmetic, so the rounding never depends on floating point; ties go to
    # the smaller digit (a stable sort).
    extra = np.argsort(-remainder, kind="stable")[: n_test - quota.sum()]
    quota[extra] += 1
    return quota


def split_digits(digits: Digits | None = None) -> tuple[Digits, Digits]:
    """The fixed 80/20 split into training and test images, the same on every run.

    The split is stratified: each digit gives the test set its share of ``⌈m / 5⌉``
    images (35 to 37 of each for the full set), chosen by a shuffle seeded with
    ``SPLIT_SEED``. Both parts keep the file's order.

    Parameters
    ----------
    digits : Digits, optional
        What to split; all 1,797 digits from ``load_digits()`` if omitted.

    Returns
    -------
    train, test : Digits
        ``m − ⌈m / 5⌉`` and ``⌈m / 5⌉`` images: 1,437 and 360 for the full set.

    Examples
    --------
    >>> train, test = split_digits()
    >>> len(train), len(test), train.images.shape
    (1437, 360, (1437, 8, 8))
    """
    if digits is None:
        digits = load_digits()
    shuffled = np.random.default_rng(SPLIT_SEED).permutation(len(digits))
    # Group the shuffled positions by digit; each digit's first few go to the test set.
    by_digit = shuffled[np.argsort(digits.labels[shuffled], kind="stable")]
    quota = _test_counts(digits.labels)
    starts = np.concatenate([[0], np.cumsum(np.bincount(digits.labels, minlength=10))[:-1]])
    is_test = np.zeros(len(digits), dtype=bool)
    for start, k in zip(starts, quota, strict=True):
        is_test[by_digit[start : start + k]] = True
    return digits.take(~is_test), digits.take(is_test)


PIXEL_SCALE = 16
"""The digits' largest ink count: ``digit_inputs`` divides by it, so pixels are in [0, 1]."""


def digit_inputs(images: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """The network's input for ``Digits.images``: pixels ÷ 16, in [0, 1], with a channel axis.

    Parameters
    ----------
    images : ndarray, shape ``(m, 8, 8)``, ink counts 0–16
    dtype : float type of the result (float32 unless told)

    Returns
    -------
    ndarray, shape ``(m, 8, 8, 1)``

    Examples
    --------
    >>> digit_inputs(np.full((1, 8, 8), 16, dtype=np.uint8)).max()
    np.float32(1.0)
    """
    images = as_array("images", images)
    if images.ndim != 3:
        raise ValueError(f"images must be (m, n_H, n_W), got shape {images.shape}")
    return (images.astype(dtype) / dtype(PIXEL_SCALE))[..., None]


def digit_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``split_digits()`` as the network takes it: ``(x_train, y_train, x_test, y_test)``.

    ``x`` is ``digit_inputs`` of the images, ``(m, 8, 8, 1)`` float32; ``y`` the labels.

    >>> [a.shape for a in digit_arrays()]
    [(1437, 8, 8, 1), (1437,), (360, 8, 8, 1), (360,)]
    """
    train_set, test_set = split_digits()
    return (
        digit_inputs(train_set.images),
        train_set.labels,
        digit_inputs(test_set.images),
        test_set.labels,
    )
