"""Digits, learned filters and activation maps as small number grids (``ui.components.maps``).

Names carry a ``prefix`` so two views on one page never share a grid's name.
"""

from __future__ import annotations

import numpy as np

from cnn_core import Digits, Layer
from ui.components.maps import Map
from ui.controls.layer_views import view

INK_RANGE = (0.0, 16.0)
MAX_MAPS = 16
"""Maps drawn per layer; a wider layer says how many are left out."""


def digit_map(image: np.ndarray, caption: str, name: str = "", band: int = 0) -> Map:
    """An 8×8 digit, ink 0–16 in blue on white."""
    return Map(
        np.asarray(image, dtype=int), caption, name or caption, "count", INK_RANGE, band=band
    )


def samples(digits: Digits) -> list[Map]:
    """The first image of each digit 0–9."""
    return [
        digit_map(digits.images[np.flatnonzero(digits.labels == d)[0]], f"digit {d}", f"Digit {d}")
        for d in range(10)
    ]


def filter_maps(weights: np.ndarray, name: str = "Filter", decimals: int = 2) -> list[Map]:
    """A conv layer's filters on a one-channel input, ``(f, f, 1, n_f)``, on one colour scale;
    grid k is named ``f"{name} {k}"``."""
    peak = float(np.abs(weights).max()) or 1.0
    scale = ("signed", (-peak, peak), decimals)
    return [
        Map(weights[:, :, 0, k], f"filter {k + 1}", f"{name} {k + 1}", *scale)
        for k in range(weights.shape[3])
    ]


def activation_maps(
    image: np.ndarray, acts: list[np.ndarray], layers: list[Layer], prefix: str
) -> tuple[list[Map], list[str]]:
    """The digit and every layer's maps, a band per layer, and each band's title.

    ``acts`` are ``forward(..., keep=True)``'s activations for one image (a batch of 1).
    Volumes are drawn map by map (at most ``MAX_MAPS``, on one colour scale per layer);
    flat layers are described in words; the softmax is left to the probability chart.
    """
    maps = [digit_map(image, "pixels 0–16", f"{prefix}: input")]
    titles = ["Input 8×8×1"]
    for number, (layer, a) in enumerate(zip(layers, acts, strict=True), start=1):
        a = a[0]
        title = f"Layer {number}, {layer.label()}: "
        if a.ndim == 3:
            peak = float(a.max()) or 1.0
            shown = min(a.shape[2], MAX_MAPS)
            for k in range(shown):
                maps.append(
                    Map(
                        a[:, :, k],
                        f"map {k + 1}",
                        f"{prefix}: layer {number} map {k + 1}",
                        "count",
                        (0.0, peak),
                        1,
                        band=len(titles),
                    )
                )
            rest = f" (the first {shown} of {a.shape[2]} maps)" if shown < a.shape[2] else ""
            titles.append(title + "×".join(map(str, a.shape)) + rest)
        elif number < len(layers):
            titles.append(title + view(layer).flat_words(a))
    return maps, titles
