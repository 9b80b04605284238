"""The filter picker: edge presets, an edge at any angle, or a custom grid checked cell by cell."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import (
    HORIZONTAL_EDGE,
    SCHARR_HORIZONTAL,
    SCHARR_VERTICAL,
    SOBEL_HORIZONTAL,
    SOBEL_VERTICAL,
    VERTICAL_EDGE,
    rotated_edge,
)
from ui.figures.formulas import MINUS
from ui.links import OutOfRangeError, Param, one_of, verbatim, whole

# name → (kernel, the side a positive output means is brighter, its cnn_core.EDGE_KINDS family)
FILTERS = {
    "Vertical edge": (VERTICAL_EDGE, "left", "basic"),
    "Horizontal edge": (HORIZONTAL_EDGE, "top", "basic"),
    "Sobel, vertical": (SOBEL_VERTICAL, "left", "sobel"),
    "Sobel, horizontal": (SOBEL_HORIZONTAL, "top", "sobel"),
    "Scharr, vertical": (SCHARR_VERTICAL, "left", "scharr"),
    "Scharr, horizontal": (SCHARR_HORIZONTAL, "top", "scharr"),
}
ROTATED = "Rotated edge (any angle)"
CUSTOM = "Custom filter"
FILTER_CHOICES = [*FILTERS, ROTATED, CUSTOM]
EDGE_FAMILIES = {"Lecture (1, 0, −1)": "basic", "Sobel": "sobel", "Scharr": "scharr"}
"""The rotated edge's radio: label → its family in ``cnn_core.EDGE_KINDS``."""
MAX_CUSTOM_F = 7
MAX_WEIGHT = 1_000_000
"""The largest |weight| of a custom filter. Every input here is at most 255, so a 7×7
window's sum stays below 49 · 255 · 10⁶ ≈ 1.2·10¹⁰: exact in int64 and in float64 (2⁵³),
where a weight of 10¹⁸ overflowed int64 and showed a wrong sum."""
MAX_WEIGHTS_TEXT = MAX_CUSTOM_F**2 * 24
"""The longest ``w`` a link may carry: 49 cells of up to ~23 characters and a separator."""


@dataclass(frozen=True)
class PickedFilter:
    label: str
    kernel: np.ndarray
    sign: str
    """What a positive output means, in words."""
    family: str = "basic"
    """Its ``cnn_core.EDGE_KINDS`` family ("basic", "sobel", "scharr"), for the vertical
    and horizontal companions shown beside it."""


def _sign_text(direction: str) -> str:
    side, lines = {
        "left": (("left", "right"), "columns"),
        "top": (("top", "bottom"), "rows"),
    }[direction]
    return (
        f"Positive (red): brighter on the {side[0]} than on the {side[1]}. "
        f"Negative (blue): darker on the {side[0]}. Zero: the {side[0]} and {side[1]} "
        f"{lines} balance out (no change, or changes that cancel). Far from 0, of either "
        "sign, marks an edge."
    )


def _arrow(theta_deg: float) -> str:
    """The screen direction of θ (0° = →, 90° = ↓: image rows grow downwards)."""
    return "→↘↓↙←↖↑↗"[round((theta_deg % 360) / 45) % 8]


def custom_default(f: int) -> np.ndarray:
    """Where a custom filter starts: the lecture's vertical edge at 3×3, else a centred 1."""
    if f == 3:
        return VERTICAL_EDGE.copy()
    grid = np.zeros((f, f), dtype=np.int64)
    grid[(f - 1) // 2, (f - 1) // 2] = 1
    return grid


def parse_custom_filter(table: pd.DataFrame) -> np.ndarray:
    """Read an edited f×f table into a filter, or raise ``ValueError`` naming the bad cell."""
    values = np.empty(table.shape, dtype=np.float64)
    for r in range(table.shape[0]):
        for c in range(table.shape[1]):
            raw = table.iat[r, c]
            text = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw)
            text = text.strip().replace("−", "-").replace(",", ".")
            try:
                values[r, c] = float(text)
            except ValueError:
                shown = verbatim(text) if text else "empty"
                raise ValueError(
                    f"row {r}, column {c} is {shown}: every cell needs a number"
                ) from None
            if not np.isfinite(values[r, c]):
                raise ValueError(f"row {r}, column {c} is {verbatim(text)}: use a finite number")
            if abs(values[r, c]) > MAX_WEIGHT:
                raise OutOfRangeError(
                    f"row {r}, column {c} is {verbatim(text)}: weights here are from "
                    f"{MINUS}{MAX_WEIGHT:,} to {MAX_WEIGHT:,}"
                )
    if table.shape[0] != table.shape[1]:
        raise ValueError(f"a filter must be square, got {table.shape[0]}×{table.shape[1]}")
    return values.astype(np.int64) if np.all(values == np.round(values)) else values


def weights_text(kernel: np.ndarray) -> str:
    """A filter for a link: rows split by ``;``, numbers by ``,`` (``1,0,-1;1,0,-1;…``)."""
    return ";".join(",".join(str(v).removesuffix(".0") for v in row) for row in kernel.tolist())


def parse_weights(text: str) -> np.ndarray:
    """The inverse of ``weights_text``; raises ValueError for anything but a square grid."""
    if len(text) > MAX_WEIGHTS_TEXT:
        raise ValueError(f"longer than the {MAX_WEIGHTS_TEXT:,} characters a filter needs")
    rows = [r.split(",") for r in text.split(";")]
    table = pd.DataFrame(rows)
    if len({len(r) for r in rows}) != 1 or not 1 <= len(rows) <= MAX_CUSTOM_F:
        raise ValueError(f"not a square grid of 1×1 to {MAX_CUSTOM_F}×{MAX_CUSTOM_F} numbers")
    return parse_custom_filter(table)


def filter_picker(key: str, *, hidden: bool = False) -> PickedFilter | None:
    """Choose a filter; returns None (after a message) if a custom one is malformed.

    ``hidden``: the filter is the one that makes a target to learn (Learn a filter).
    """
    choice = st.selectbox(
        "Hidden filter (it makes the target)" if hidden else "Filter",
        FILTER_CHOICES,
        key=f"{key}_filter",
        help=(
            "The filter that makes the target output; gradient descent must find its "
            "weights. The lecture's edge filters, one turned to any direction, or your own."
            if hidden
            else "The grid of weights that slides over the image: the lecture's edge "
            "filters, one turned to any direction, or your own numbers."
        ),
    )
    if choice in FILTERS:
        kernel, direction, family = FILTERS[choice]
        return PickedFilter(choice, kernel, _sign_text(direction), family)
    if choice == ROTATED:
        theta = st.slider(
            "Direction of the brightness change θ (degrees)",
            0,
            180,
            45,
            step=5,
            key=f"{key}_theta",
            help="θ is the direction across the edge, not the edge line: θ = 0 looks for a "
            "change from left to right, so it finds vertical edges; θ = 90 finds "
            "horizontal ones. The edge line runs at right angles to θ.",
        )
        label = st.radio(
            "Built from",
            list(EDGE_FAMILIES),
            key=f"{key}_kind",
            horizontal=True,
            help="Which pair of vertical and horizontal filters is turned: the lecture's "
            "1, 0, −1, Sobel's or Scharr's.",
        )
        family = EDGE_FAMILIES[label]
        sign = (
            f"Filter = Gx·cos {theta}° + Gy·sin {theta}°, where Gx is the vertical-edge "
            "filter (left minus right) and Gy the horizontal-edge filter (top minus bottom). "
            f"Positive (red): the image gets darker in the direction {_arrow(theta)}; "
            "negative (blue): brighter. The edges found run at right angles to that arrow."
        )
        return PickedFilter(f"{label} edge at {theta}°", rotated_edge(theta, family), sign, family)
    f = st.select_slider(
        "Custom filter size f",
        options=list(range(1, MAX_CUSTOM_F + 1)),
        value=3,
        key=f"{key}_custom_f",
        help="How many rows and columns your filter has.",
    )
    linked = st.session_state.get(f"{key}_w")  # weights from a shared link, if any
    base = linked if linked is not None and linked.shape == (f, f) else custom_default(f)
    start = pd.DataFrame(base.astype(str), columns=[f"c{c}" for c in range(f)])
    st.caption(
        "Type a number in each cell (negative and decimal numbers are fine). Rows and "
        "columns count from 0, as in the column names."
    )
    edited = st.data_editor(
        start,
        key=f"{key}_custom_{f}",
        hide_index=True,
        num_rows="fixed",
        column_config={c: st.column_config.TextColumn(c, width="small") for c in start.columns},
    )
    try:
        kernel = parse_custom_filter(edited)
    except ValueError as err:
        st.error(f"This filter cannot be used yet: {err}.")
        return None
    return PickedFilter(
        f"Custom {f}×{f}",
        kernel,
        "Positive (red) and negative (blue) follow your weights: the output is "
        "the sum of each window times the filter.",
    )


def every_fifth(text: str) -> int:
    """A link's angle θ: a whole number of degrees from 0 to 180, in steps of 5 (the slider's)."""
    value = whole(0, 180)(text)
    if value % 5:
        raise ValueError("not a multiple of 5")
    return value


FILTER_LINK = [
    Param("filter", FILTER_CHOICES[0], one_of(FILTER_CHOICES)),
    Param("theta", 45, every_fifth),
    Param("kind", next(iter(EDGE_FAMILIES)), one_of(list(EDGE_FAMILIES))),
    Param("custom_f", 3, whole(1, MAX_CUSTOM_F)),
    Param("w", None, parse_weights, shown=lambda _: "the size's starting filter"),
]
"""The filter picker's controls in a page's link (``ui.links``); ``w`` is a custom filter."""


def custom_weights(picked: PickedFilter | None) -> str | None:
    """A custom filter's weights as link text (``save_link(..., w=...)``), else None."""
    if picked is None or not picked.label.startswith("Custom"):
        return None
    return weights_text(picked.kernel)
