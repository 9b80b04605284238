"""Small number grids drawn compactly, many to a line: digits, filters, activation maps.

Static: nothing reaches Python, so nothing reruns. Python formats every number and
colours every cell (``ui.figures.colors.indexed_colors``); the browser (``maps.js``, ``maps.css``
beside this file) lays the grids out, a band per layer, wrapping on a phone.

Test contract: each grid is ``role="grid"`` with a unique ``aria-label``; cells are
``role="gridcell"`` with ``data-i``/``data-j`` and their number as ``aria-label``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ui.components import register
from ui.figures.colors import indexed_colors
from ui.figures.formulas import number

_COMPONENT = register("maps", "grid_format.js", "maps.js")


@dataclass(frozen=True)
class Map:
    """One grid: its numbers, a short caption and a full name for screen readers.

    scale, zrange : colour rule, as ``ui.figures.grids.Panel`` ("signed", "gray", "count")
    decimals : the numbers written in the cells are rounded to this many places
    band : grids of one band share a line (wrapping) under the band's title
    flags : (row, column) cells washed in vermillion (e.g. pixels no window reaches)
    """

    values: np.ndarray
    caption: str
    name: str
    scale: str = "count"
    zrange: tuple[float, float] | None = None
    decimals: int | None = None
    band: int = 0
    flags: tuple[tuple[int, int], ...] = ()

    def payload(self) -> dict:
        values = np.asarray(self.values, dtype=np.float64)
        if self.decimals is not None:
            values = np.round(values, self.decimals) + 0.0  # no "−0"
        return {
            "caption": self.caption,
            "name": self.name,
            "values": values.tolist(),
            "text": [[number(v) for v in row] for row in values.tolist()],
            "colors": indexed_colors(values, self.scale, self.zrange),
            "flags": [[int(i), int(j)] for i, j in self.flags],
        }


def show_maps(key: str, maps: Sequence[Map], *, titles: Sequence[str] = (), cell: int = 26) -> None:
    """Draw the grids, band by band; ``titles[b]`` heads band b; ``cell`` is a cell's px."""
    names = [m.name for m in maps]
    if len(set(names)) != len(names):
        raise ValueError(f"grid names must be unique, got {names}")
    bands: dict[int, list[dict]] = {}
    for m in maps:
        bands.setdefault(m.band, []).append(m.payload())
    data = {
        "bands": [
            {"title": titles[b] if b < len(titles) else "", "grids": bands[b]}
            for b in sorted(bands)
        ],
        "cell": int(cell * (1.4 if st.session_state.get("present") else 1)),
    }
    _COMPONENT(key=key, data=data, width="stretch")
