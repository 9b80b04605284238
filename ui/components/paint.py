"""A pad to paint an 8×8 digit on: cells 0–16 like the data, committed on release.

The browser (``paint.js`` and ``paint.css`` beside this file) paints while the pointer
(mouse, pen or finger) moves and sends the 64 values to Python once, when it is released,
with ``setTriggerValue`` (one rerun); Clear sends zeros. Keyboard: arrows move between
cells, Space or Enter inks or clears a cell and commits.

Test contract: the pad is ``role="grid"`` labelled "Paint a digit"; cells are
``role="gridcell"`` with ``data-i``/``data-j`` and their value as ``aria-label``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from ui.components import register

SIZE = 8
INK = 16
"""A fully inked cell, as in the digits (each pixel counts the ink in a 4×4 block)."""

_COMPONENT = register("paint")


def checked_pixels(value: object) -> np.ndarray | None:
    """The browser's 8×8 list as uint8 0–16, or None if it is anything else (not trusted)."""
    if not isinstance(value, list) or len(value) != SIZE:
        return None
    if not all(isinstance(row, list) and len(row) == SIZE for row in value):
        return None
    flat = [v for row in value for v in row]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in flat):
        return None
    arr = np.asarray(value, dtype=np.float64)
    if not np.isfinite(arr).all():
        return None
    return np.clip(np.round(arr), 0, INK).astype(np.uint8)


def paint_pad(key: str, pixels: np.ndarray, on_paint: Callable[[np.ndarray], None]) -> None:
    """Mount the pad showing ``pixels`` (8×8, 0–16); ``on_paint`` gets each committed digit."""

    def committed() -> None:
        value = checked_pixels((st.session_state.get(key) or {}).get("pixels"))
        if value is not None:
            on_paint(value)

    _COMPONENT(
        key=key,
        data={
            "values": np.asarray(pixels, dtype=int).tolist(),
            "ink": INK,
            "present": bool(st.session_state.get("present")),
        },
        on_pixels_change=committed,
        width="stretch",
    )


def pixels_text(pixels: np.ndarray) -> str:
    """A painted digit for the link: 64 base-17 characters, 0–9 then a–g for 10–16."""
    return "".join(np.base_repr(int(v), 17).lower() for v in np.asarray(pixels).ravel())


def parse_pixels(text: str) -> np.ndarray:
    """The inverse of ``pixels_text``; raises ValueError for anything else."""
    if len(text) != 64:
        raise ValueError("not 64 cells of 0–g")
    try:
        values = [int(c, 17) for c in text]
    except ValueError:
        raise ValueError("not 64 cells of 0–g") from None
    return np.array(values, dtype=np.uint8).reshape(8, 8)
