"""Digits, learned filters and activation maps as number grids (``ui.linked_grid``).

Every grid is static: hovering a cell names its value, nothing is committed. Labels
carry a ``prefix`` so two views on one page never share a grid's name.
"""

from __future__ import annotations

import numpy as np

from cnn_core import Digits, Layer
from ui.linked_grid import Grid, linked_grid

INK_RANGE = (0.0, 16.0)
MAX_MAPS = 16
"""Maps drawn per layer; a wider layer says how many are left out."""


def show_grids(key: str, grids: list[Grid]) -> None:
    """Static grids in one component (no window, no terms)."""
    linked_grid(key, grids, f=1, terms={})


def digit_grid(image: np.ndarray, label: str, row: int = 0) -> Grid:
    """An 8×8 digit, ink 0–16 in blue on white."""
    return Grid(
        np.asarray(image, dtype=int), label, role="filter", kind="count", zrange=INK_RANGE, row=row
    )


def samples(digits: Digits) -> list[Grid]:
    """The first image of each digit 0–9."""
    return [
        digit_grid(digits.images[np.flatnonzero(digits.labels == d)[0]], f"A {d}")
        for d in range(10)
    ]


def filter_grids(weights: np.ndarray) -> list[Grid]:
    """A conv layer's filters on a one-channel input, ``(f, f, 1, n_f)``, on one colour scale."""
    peak = float(np.abs(weights).max()) or 1.0
    return [
        Grid(
            weights[:, :, 0, k],
            f"Filter {k + 1}",
            role="filter",
            kind="signed",
            zrange=(-peak, peak),
            decimals=2,
        )
        for k in range(weights.shape[3])
    ]


def activation_grids(
    image: np.ndarray, acts: list[np.ndarray], layers: list[Layer], prefix: str
) -> tuple[list[Grid], list[str]]:
    """The digit and every layer's maps (one band per layer), and a line per layer.

    ``acts`` are ``forward(..., keep=True)``'s activations for one image (batch of 1).
    Volumes are drawn map by map (at most ``MAX_MAPS``); flat layers are described in words.
    """
    grids = [digit_grid(image, f"{prefix}: input", row=0)]
    lines = []
    for number, (layer, a) in enumerate(zip(layers, acts, strict=True), start=1):
        a = a[0]
        name = f"Layer {number}, {layer.label()}"
        if a.ndim == 3:
            peak = float(a.max()) or 1.0
            shown = min(a.shape[2], MAX_MAPS)
            for k in range(shown):
                grids.append(
                    Grid(
                        a[:, :, k],
                        f"{prefix}: layer {number} map {k + 1}",
                        role="filter",
                        kind="count",
                        zrange=(0.0, peak),
                        decimals=1,
                        row=number,
                    )
                )
            rest = f" (the first {shown} of {a.shape[2]} are drawn)" if shown < a.shape[2] else ""
            lines.append(f"{name}: {'×'.join(map(str, a.shape))}{rest}")
        elif layer.kind == "flatten":
            lines.append(f"{name}: {a.size} numbers, the maps before it laid end to end")
        elif number < len(layers):
            lines.append(f"{name}: {int((a > 0).sum())} of {a.size} units active (ReLU > 0)")
    return grids, lines
