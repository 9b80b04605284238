"""Colour rules for grids and pictures: diverging around 0 for signed values, grey, blue counts."""

from __future__ import annotations

import numpy as np
from plotly.colors import sample_colorscale

SIGNED_SCALE = "RdBu_r"  # blue negative, white 0, red positive; safe for red-green CVD
GRAY_SCALE = [[0.0, "#3a3a3a"], [1.0, "#f7f7f7"]]
"""Grey for number grids, short of black and white so that black or white text reads on
every cell (contrast ≥ 4.5:1 at the switch-over grey)."""
COUNT_SCALE = "Blues"
CHANNEL_SCALES = {"red": "Reds", "green": "Greens", "blue": "Blues"}
"""An RGB image's channels, each in its own hue (light for 0, dark for 255), as CNN
Explainer tints them; every colour keeps black or white text at AA contrast (``_readable``)."""
INK = ("#111111", "#ffffff")
"""The two text colours a cell may take (``ink`` in ``ui/grid_format.js``)."""


def color_range(z: np.ndarray, scale: str, zrange: tuple[float, float] | None) -> dict:
    """Plotly's ``zmin``, ``zmax`` and ``colorscale`` for a grid drawn on this scale."""
    if zrange is not None:
        lo, hi = zrange
    elif scale == "signed":
        hi = float(np.abs(z).max()) or 1.0
        lo = -hi
    elif scale == "gray" or scale in CHANNEL_SCALES:
        lo, hi = 0.0, max(255.0, float(z.max()))
        if z.max() <= 10 and z.min() >= 0:  # small lecture numbers: use their own range
            hi = max(float(z.max()), 1.0)
    else:
        lo, hi = 0.0, max(float(z.max()), 1.0)
    colorscale = {"signed": SIGNED_SCALE, "gray": GRAY_SCALE, "count": COUNT_SCALE}.get(scale)
    colorscale = colorscale or CHANNEL_SCALES[scale]
    return {"zmin": lo, "zmax": hi, "colorscale": colorscale}


def _lut(scale: str, n: int = 256) -> np.ndarray:
    """``(n, 3)`` uint8 colours sampled evenly from a Plotly colour scale."""
    colors = sample_colorscale(scale, np.linspace(0, 1, n), colortype="tuple")
    return np.clip(np.round(np.array(colors) * 255), 0, 255).astype(np.uint8)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of ``(..., 3)`` uint8 colours."""
    c = np.asarray(rgb, dtype=np.float64) / 255
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """WCAG contrast ratio between colours (``(..., 3)`` uint8), from 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def hex_rgb(text: str) -> np.ndarray:
    return np.array([int(text[k : k + 2], 16) for k in (1, 3, 5)], dtype=np.uint8)


def _readable(lut: np.ndarray) -> np.ndarray:
    """The colours, with those where neither text colour reaches 4.5:1 replaced.

    With text #111111 or white, a narrow band of mid luminances (about 0.18 to 0.20)
    reads at under 4.5:1 either way; such a colour takes its nearest neighbour on the
    scale that is outside the band (a step no one sees).
    """
    best = np.maximum(*(contrast(lut, hex_rgb(c)) for c in INK))
    ok = np.flatnonzero(best >= 4.5)
    out = lut.copy()
    for k in np.flatnonzero(best < 4.5):
        out[k] = lut[ok[np.argmin(np.abs(ok - k))]]
    return out


SIGNED_LUT = _lut(SIGNED_SCALE)
_CELL_LUTS = {
    name: _readable(_lut(scale))
    for name, scale in {
        "signed": SIGNED_SCALE,
        "gray": GRAY_SCALE,
        "count": COUNT_SCALE,
        **CHANNEL_SCALES,
    }.items()
}
"""Number cells' colours: each keeps its numbers at AA contrast (the photos' SIGNED_LUT
has no text on it and keeps every colour)."""


def cell_colors(z: np.ndarray, scale: str, zrange: tuple[float, float] | None = None) -> list:
    """Each cell's colour as ``"#rrggbb"``, by the same rules as the Plotly grids.

    ``scale`` and ``zrange`` as in ``Panel``: signed values diverge from white at 0, images
    are grey (or, for an RGB image's channels, ``"red"``, ``"green"``, ``"blue"``), counts
    blue. The linked grid (``ui.components.linked_grid``) paints its cells with these.
    """
    rgb = _CELL_LUTS[scale][_lut_places(z, scale, zrange)]
    return [[_hex(c) for c in row] for row in rgb.tolist()]


def indexed_colors(z: np.ndarray, scale: str, zrange: tuple[float, float] | None = None) -> dict:
    """``cell_colors`` as sent to the browser: ``{"palette": the distinct colours, "index":
    each cell's place in the palette}``, a few characters a cell instead of ten (grid_format.js's
    ``unpack`` reads it back). Vectorised: a learning run sends every frame's colours."""
    places = _lut_places(z, scale, zrange)
    used, index = np.unique(places, return_inverse=True)
    palette = [_hex(c) for c in _CELL_LUTS[scale][used].tolist()]
    return {"palette": palette, "index": index.reshape(places.shape).tolist()}


def _lut_places(z: np.ndarray, scale: str, zrange: tuple[float, float] | None) -> np.ndarray:
    """Each cell's row in its scale's 256-colour table."""
    z = np.asarray(z, dtype=np.float64)
    rng = color_range(z, scale, zrange)
    lo, hi = rng["zmin"], rng["zmax"]
    if scale == "signed":  # zmid = 0: each side of 0 spans half the scale
        half = max(abs(lo), abs(hi)) or 1.0
        t = 0.5 + z / (2 * half)
    else:
        t = (z - lo) / ((hi - lo) or 1.0)
    return np.round(np.clip(t, 0, 1) * 255).astype(np.intp)


def _hex(rgb: list[int]) -> str:
    r, g, b = rgb
    return f"#{r:02x}{g:02x}{b:02x}"


def symmetric_range(*grids: np.ndarray) -> tuple[float, float]:
    """(−m, m), m the largest |value| of the grids: one signed scale for grids compared."""
    peak = max(float(np.abs(np.asarray(g)).max()) for g in grids)
    return -(peak or 1.0), peak or 1.0
