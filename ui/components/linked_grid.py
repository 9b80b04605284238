"""The linked grid: input, filter and output as number grids that answer a hover in the browser.

Python (cnn_core) computes every number and sends it as plain nested lists: each grid's
values and colours, and each output cell's terms (the window's numbers paired with the
weights, or the pooled values). The browser (``linked_grid.js``, beside this file) only
decides which cells to light from the window geometry (f, s) and writes the arithmetic
line from the terms it was sent; no sum is computed in JavaScript. Hover, drag, touch and
arrow keys stay in the browser; a click, a released drag or Enter commits an output cell
to Python through ``on_pin`` (one rerun).

Test contract (also the ARIA grid pattern): each grid is ``role="grid"`` with a unique
``aria-label``; cells are ``role="gridcell"`` with ``data-i``/``data-j`` and their value
as ``aria-label``; lit cells carry ``aria-selected="true"``; the arithmetic line
(``.lg-line``) is an ``aria-live`` region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ui.components import register
from ui.figures.colors import indexed_colors

FORMULAS = ("products", "sum", "max", "average")


_COMPONENT = register("linked_grid", "grid_format.js", "linked_grid.js")


@dataclass(frozen=True)
class Grid:
    """One grid of a linked view.

    role : ``"input"`` (the window slides over it, padded as drawn), ``"filter"`` or
        ``"output"``
    scale : colour rule, as ``ui.figures.grids.Panel``: ``"signed"``, ``"gray"`` or ``"count"``
    name : how the arithmetic line names its cells (``"Output cell"``)
    channel : the input channel this grid shows (inputs, filter slices)
    group : the filter this grid belongs to: filter ``m``'s slices and output channel ``m``
    pad : width of the zero border drawn washed out (inputs)
    flags, marks : cells washed in vermillion (never reached) or marked with a dot
    row : grids with the same row share a line on the page (wrapping on a phone)
    decimals : round the numbers written in the cells (the values sent stay exact)
    """

    values: np.ndarray
    label: str
    role: str = "input"
    scale: str = "signed"
    name: str = ""
    channel: int = 0
    group: int = 0
    pad: int = 0
    flags: tuple[tuple[int, int], ...] = ()
    marks: tuple[tuple[int, int], ...] = ()
    zrange: tuple[float, float] | None = None
    row: int = 0
    decimals: int | None = None

    def payload(self) -> dict:
        values = np.asarray(self.values)
        return {
            "label": self.label,
            "name": self.name or self.label,
            "role": self.role,
            "channel": self.channel,
            "group": self.group,
            "pad": self.pad,
            "row": self.row,
            "decimals": self.decimals,
            "values": values.tolist(),
            "colors": indexed_colors(values, self.scale, self.zrange),
            "flags": [list(map(int, c)) for c in self.flags],
            "marks": [list(map(int, c)) for c in self.marks],
        }


@dataclass(frozen=True)
class Frames:
    """A run shown frame by frame (a filter learning): some grids change at every frame.

    steps : the step number of each frame
    grids : for the index of each changing grid (in the order passed to ``linked_grid``),
        its values at every frame; colours use that grid's scale and ``zrange`` at every
        frame, so a colour means the same number throughout
    captions : one line per frame (``"Step 40 of 200: loss 0.012"``)
    curve : a number per frame drawn as a line on a log scale (the loss)
    pin : the frame Python explains (committed), shown first
    ms : time per frame while playing
    """

    steps: Sequence[int]
    grids: Mapping[int, Sequence[np.ndarray]]
    captions: Sequence[str]
    curve: Sequence[float] = ()
    curve_label: str = ""
    label: str = "Step"
    pin: int | None = None
    ms: int = 120

    def payload(self, grids: Sequence[Grid]) -> dict:
        count = len(self.steps)
        if len(self.captions) != count or any(len(v) != count for v in self.grids.values()):
            raise ValueError(f"every frame needs its caption and values: {count} steps")
        changing = {}
        for index, seq in self.grids.items():
            g = grids[index]
            changing[str(index)] = {
                "values": [np.asarray(v).tolist() for v in seq],
                "colors": [indexed_colors(v, g.scale, g.zrange) for v in seq],
            }
        return {
            "count": count,
            "steps": [int(t) for t in self.steps],
            "captions": list(self.captions),
            "grids": changing,
            "curve": {"y": [float(v) for v in self.curve], "label": self.curve_label}
            if len(self.curve)
            else None,
            "label": self.label,
            "pin": self.pin,
            "ms": self.ms,
        }


def linked_grid(
    key: str,
    grids: Sequence[Grid],
    *,
    f: int,
    stride: int = 1,
    formula: str = "products",
    terms: Mapping[int, np.ndarray],
    winners: Mapping[int, np.ndarray] | None = None,
    pin: tuple[int, int, int] | None = None,
    on_pin: Callable[[int, int, int], None] | None = None,
    player: bool = False,
    depthwise: bool = False,
    hint: str = "",
    frames: Frames | None = None,
    on_frame: Callable[[int], None] | None = None,
    subtotals: Mapping[int, np.ndarray] | None = None,
    channels: Sequence[str] = (),
) -> None:
    """Mount the linked grid.

    Parameters
    ----------
    grids : the input(s), filter(s) and output(s), drawn in this order
    f, stride : the window geometry, in the coordinates of the input grids as drawn
    formula : how a cell's terms are written: ``"products"`` (``3×1 + … = −5``),
        ``"sum"``, ``"max"`` or ``"average"``
    terms : for each group (filter), every output cell's terms: ``conv_terms`` or
        ``pool_terms``
    winners : for max pooling, each window's winner inside it (``pool_winners``)
    pin : the committed output cell ``(group, i, j)``, lit while nothing is hovered
    on_pin : called with ``(group, i, j)`` when the student commits an output cell
    player : Step and Play buttons that walk the window through its positions
    depthwise : output channel m reads input channel m only (pooling)
    frames : a run to step and play through in the browser (adds the player)
    on_frame : called with a frame's index when the student settles on it
    subtotals : for each group, every output cell's sum per input channel,
        ``(n_H', n_W', n_c)`` (computed by cnn_core): the products line is written one
        channel at a time, each with its subtotal, then the subtotals added up, as CNN
        Explainer does. The terms must be in channel order (``conv_terms``).
    channels : how the line names the channels (``"R"``, ``"G"``, ``"B"``)
    """
    if formula not in FORMULAS:
        raise ValueError(f"formula must be one of {FORMULAS}, got {formula!r}")
    labels = [g.label for g in grids]
    if len(set(labels)) != len(labels):
        raise ValueError(f"grid labels must be unique on a page, got {labels}")
    data = {
        "grids": [g.payload() for g in grids],
        "f": int(f),
        "s": int(stride),
        "formula": formula,
        "terms": {str(m): np.asarray(t).tolist() for m, t in terms.items()},
        "winners": {str(m): np.asarray(t).tolist() for m, t in (winners or {}).items()},
        "pin": [int(v) for v in pin] if pin is not None else None,
        "player": player,
        "depthwise": depthwise,
        "present": bool(st.session_state.get("present")),
        "hint": hint,
        "frames": frames.payload(grids) if frames is not None else None,
    }
    if frames is not None:
        data["player"] = True
    if subtotals:
        if formula != "products" or len(channels) != np.shape(next(iter(subtotals.values())))[-1]:
            raise ValueError("subtotals need the products formula and a name per channel")
        data["subtotals"] = {str(m): np.asarray(t).tolist() for m, t in subtotals.items()}
        data["channels"] = list(channels)
    outputs = {g.group: np.shape(g.values) for g in grids if g.role == "output"}

    def committed() -> None:
        value = (st.session_state.get(key) or {}).get("pin")
        # The browser is not trusted: accept only a cell that exists.
        if on_pin is None or not isinstance(value, list) or len(value) != 3:
            return
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return
        group, i, j = value
        shape = outputs.get(group)
        if shape is not None and 0 <= i < shape[0] and 0 <= j < shape[1]:
            on_pin(group, i, j)

    def settled() -> None:
        value = (st.session_state.get(key) or {}).get("frame")
        count = len(frames.steps) if frames is not None else 0
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count
        if on_frame is not None and ok:
            on_frame(value)

    _COMPONENT(
        key=key, data=data, on_pin_change=committed, on_frame_change=settled, width="stretch"
    )


def pinned_cell(page: str, n_rows: int, n_cols: int) -> tuple[int, int]:
    """The page's committed output cell (``{page}_i``, ``{page}_j`` in session state).

    A link or an earlier pin may point outside a grid that has since shrunk: the cell is
    moved to the nearest one inside.
    """
    i = min(int(st.session_state.get(f"{page}_i", 0)), n_rows - 1)
    j = min(int(st.session_state.get(f"{page}_j", 0)), n_cols - 1)
    st.session_state[f"{page}_i"], st.session_state[f"{page}_j"] = i, j
    return i, j


def pin_to(page: str, *, group_key: str = "") -> Callable[[int, int, int], None]:
    """An ``on_pin`` that stores the cell as ``{page}_i``, ``{page}_j`` (and the group)."""

    def on_pin(group: int, i: int, j: int) -> None:
        st.session_state[f"{page}_i"], st.session_state[f"{page}_j"] = i, j
        if group_key:
            st.session_state[f"{page}_{group_key}"] = group

    return on_pin
