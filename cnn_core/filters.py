"""Hand-designed edge filters from the lecture, as named constants.

Each ``*_VERTICAL`` filter responds to vertical edges (a change from left to right);
its transpose, ``*_HORIZONTAL``, to horizontal edges (a change from top to bottom).
A positive response means bright on the left (or top), dark on the right (or bottom).

References
----------
Sobel and Feldman (1968); Scharr, "Optimale Operatoren in der digitalen
Bildverarbeitung" (2000).
"""

from __future__ import annotations

import numpy as np

from cnn_core.conv import conv2d
from cnn_core.shapes import check_int

VERTICAL_EDGE = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
HORIZONTAL_EDGE = VERTICAL_EDGE.T.copy()
SOBEL_VERTICAL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
SOBEL_HORIZONTAL = SOBEL_VERTICAL.T.copy()
SCHARR_VERTICAL = np.array([[3, 0, -3], [10, 0, -10], [3, 0, -3]])
SCHARR_HORIZONTAL = SCHARR_VERTICAL.T.copy()

for _k in (
    VERTICAL_EDGE,
    HORIZONTAL_EDGE,
    SOBEL_VERTICAL,
    SOBEL_HORIZONTAL,
    SCHARR_VERTICAL,
    SCHARR_HORIZONTAL,
):
    _k.flags.writeable = False

EDGE_KINDS = {
    "basic": (VERTICAL_EDGE, HORIZONTAL_EDGE),
    "sobel": (SOBEL_VERTICAL, SOBEL_HORIZONTAL),
    "scharr": (SCHARR_VERTICAL, SCHARR_HORIZONTAL),
}


def box_filter(f: int) -> np.ndarray:
    """An all-ones f×f filter: each output cell is the sum of its window.

    Examples
    --------
    >>> box_filter(2)
    array([[1, 1],
           [1, 1]])
    """
    return np.ones((check_int("filter size f", f, 1),) * 2, dtype=np.int64)


def rotated_edge(theta_deg: float, kind: str = "sobel") -> np.ndarray:
    """An edge filter steered to ``theta_deg``: ``Gx·cos θ + Gy·sin θ``.

    θ = 0 gives the vertical-edge filter ``Gx``, θ = 90 the horizontal one ``Gy``;
    45 and 30 are the lecture's slanted edges.

    Parameters
    ----------
    theta_deg : float, angle in degrees
    kind : ``"basic"`` (the lecture's 1, 0, −1), ``"sobel"`` or ``"scharr"``

    Returns
    -------
    ndarray of float64, shape ``(3, 3)``

    Examples
    --------
    >>> rotated_edge(90, "basic")
    array([[ 1.,  1.,  1.],
           [ 0.,  0.,  0.],
           [-1., -1., -1.]])
    """
    if kind not in EDGE_KINDS:
        raise ValueError(f'unknown edge filter kind "{kind}": use one of {", ".join(EDGE_KINDS)}')
    gx, gy = EDGE_KINDS[kind]
    theta = np.deg2rad(float(theta_deg))
    # Snap cos and sin to exact values at multiples of 90° (cos 90° is 6e-17 otherwise).
    c, s = (0.0 if abs(v) < 1e-12 else v for v in (np.cos(theta), np.sin(theta)))
    # Rounding removes the last-bit residue of cos·a + sin·b where the terms cancel.
    return np.round(gx * c + gy * s, 12) + 0.0


def on_channels(kernel: np.ndarray, n_c: int, *, only: int | None = None) -> np.ndarray:
    """An f×f filter made into one for an n_c-channel volume: ``(f, f, n_c)``.

    The same slice on every channel, or, with ``only=c``, on channel c alone (zeros on
    the others: the filter sees nothing of them).

    Examples
    --------
    >>> on_channels(VERTICAL_EDGE, 3).shape
    (3, 3, 3)
    >>> on_channels(VERTICAL_EDGE, 3, only=0)[:, :, 1].any()
    np.False_
    """
    kernel = np.asarray(kernel)
    n_c = check_int("channels n_c", n_c, 1)
    if only is None:
        return np.repeat(kernel[:, :, None], n_c, axis=2)
    if not 0 <= only < n_c:
        raise ValueError(f"channel {only} does not exist in a {n_c}-channel volume")
    out = np.zeros((*kernel.shape, n_c), dtype=kernel.dtype)
    out[:, :, only] = kernel
    return out


def filter_bank(*filters: np.ndarray) -> np.ndarray:
    """Filters ``(f, f, n_c)`` stacked into a layer's weights ``(f, f, n_c, n_f)``.

    Examples
    --------
    >>> filter_bank(on_channels(VERTICAL_EDGE, 3), on_channels(HORIZONTAL_EDGE, 3)).shape
    (3, 3, 3, 2)
    """
    shapes = {np.shape(w) for w in filters}
    if len(shapes) != 1:
        raise ValueError(f"filters in one layer must have one shape, got {sorted(shapes)}")
    return np.stack(filters, axis=3)


def edge_strength(gray: np.ndarray) -> np.ndarray:
    """How strongly the brightness changes at each pixel: √(Gx² + Gy²), where Gx and Gy
    are the image convolved (no padding) with the two Sobel filters.

    Examples
    --------
    >>> step = np.repeat([[0, 0, 10, 10]], 3, axis=0)
    >>> edge_strength(step)
    array([[40., 40.]])
    """
    return np.hypot(conv2d(gray, SOBEL_VERTICAL), conv2d(gray, SOBEL_HORIZONTAL))


def edge_pair(n_c: int) -> np.ndarray:
    """The lecture's two filters on ``n_c`` channels, ``(3, 3, n_c, 2)``: vertical edge,
    then horizontal edge, each the same 3×3 on every channel.

    Examples
    --------
    >>> w = edge_pair(3)
    >>> w.shape, int(w[0, 0, 2, 0]), int(w[0, 0, 2, 1])
    ((3, 3, 3, 2), 1, 1)
    """
    return filter_bank(on_channels(VERTICAL_EDGE, n_c), on_channels(HORIZONTAL_EDGE, n_c))
