"""Number grids as Plotly figures: panels side by side, with windows, padding and marks.

Small grids show their numbers in the cells (sized to read on a projector); large ones
are colour only (colours: ``ui.figures.colors``). The current window is outlined, the zero
border washed out. Grids a student scrubs are drawn by the linked grid instead
(``ui.components.linked_grid``); these are the figures that stay still.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from ui.figures.colors import color_range
from ui.figures.formulas import grid_text, number

MAX_TEXT_CELLS = 20 * 20
"""Grids with more cells than this are drawn without numbers (text costs ~3 KB a cell)."""

WINDOW_COLOR = "#FFB000"  # amber: stands out on grey, on red and on blue
OUTLINE_UNDERLAY = "#111111"
PAD_OVERLAY = "rgba(255, 255, 255, 0.55)"
MARK_COLOR = "#0C7BDC"  # blue dots: distinct from amber for colour-blind viewers too
FLAG_COLOR = "rgba(213, 94, 0, 0.55)"  # vermillion (Okabe–Ito)


@dataclass(frozen=True)
class Box:
    """A rectangle of cells: top row, left column, height and width in cells."""

    top: int
    left: int
    height: int = 1
    width: int = 1


def _text_size(n_rows: int, n_cols: int) -> int:
    """Cell font size in px: large for the lecture's 4×4 to 8×8, smaller as grids grow."""
    return int(np.clip(26 - 0.9 * max(n_rows, n_cols), 10, 22))


def _boxes(boxes: list[Box], name: str, *, fill: str | None = None, **line) -> go.Scatter:
    """One trace drawing the cell rectangles ``boxes``, filled or outlined.

    Traces, not layout shapes: the browser draws a figure's shapes one by one, and
    with a few per grid they were measured to double the time a slider takes.
    """
    xs: list[float | None] = []
    ys: list[float | None] = []
    for b in boxes:
        x0, x1 = b.left - 0.5, b.left + b.width - 0.5
        y0, y1 = b.top - 0.5, b.top + b.height - 0.5
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        name=name,
        hoverinfo="skip",
        showlegend=False,
        fill="toself" if fill else None,
        fillcolor=fill,
        line=line or {"width": 0},
    )


def _outline(box: Box) -> list[go.Scatter]:
    """A thick amber outline over a dark underlay, so it reads on any cell colour."""
    return [
        _boxes([box], "window underlay", color=OUTLINE_UNDERLAY, width=7),
        _boxes([box], "window", color=WINDOW_COLOR, width=4),
    ]


def _padding(n_rows: int, n_cols: int, p: int) -> list[go.Scatter]:
    """Wash out the zero border and draw a dashed line around the real image."""
    if p <= 0:
        return []
    strips = [
        Box(0, 0, p, n_cols),
        Box(n_rows - p, 0, p, n_cols),
        Box(p, 0, n_rows - 2 * p, p),
        Box(p, n_cols - p, n_rows - 2 * p, p),
    ]
    inner = Box(p, p, n_rows - 2 * p, n_cols - 2 * p)
    return [
        _boxes(strips, "padding", fill=PAD_OVERLAY),
        _boxes([inner], "image edge", color="#333333", width=2, dash="dash"),
    ]


@dataclass(frozen=True)
class Panel:
    """One grid of a figure: its numbers, colour scale, title and overlays.

    scale : ``"signed"`` (diverging, centred on 0), ``"gray"`` (an image) or ``"count"``
    window : the cells to outline (the filter's window, or the selected output cell)
    pad : width of a zero border to wash out and mark with a dashed line
    marks : cells to mark with a dot in their top-left corner (e.g. where each window
        of a stride starts)
    flags : cells to wash in vermillion (e.g. pixels no window ever reaches)
    zrange : fixed colour range, e.g. to compare several grids on one scale
    """

    z: np.ndarray
    scale: str = "signed"
    title: str = ""
    window: Box | None = None
    pad: int = 0
    marks: tuple[Box, ...] = ()
    flags: tuple[Box, ...] = ()
    zrange: tuple[float, float] | None = None


def _panel_traces(panel: Panel, text_size: int) -> list:
    """The heatmap and its overlays for one panel, in drawing order."""
    z = np.asarray(panel.z)
    n_rows, n_cols = z.shape
    show_text = z.size <= MAX_TEXT_CELLS
    heat = go.Heatmap(
        z=z,
        x=np.arange(n_cols),
        y=np.arange(n_rows),
        showscale=False,
        xgap=1,
        ygap=1,
        hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>",
        text=np.vectorize(number, otypes=[object])(z) if show_text else None,
        texttemplate="%{text}" if show_text else None,
        textfont={"size": text_size},
        **color_range(z, panel.scale, panel.zrange),
    )
    if panel.scale == "signed":
        heat.update(zmid=0)
    traces: list = [heat]
    traces += _padding(n_rows, n_cols, panel.pad)
    if panel.flags:
        traces.append(_boxes(list(panel.flags), "never reached", fill=FLAG_COLOR))
    if panel.marks:
        traces.append(
            go.Scatter(
                x=[b.left - 0.28 for b in panel.marks],
                y=[b.top - 0.28 for b in panel.marks],
                mode="markers",
                hoverinfo="skip",
                showlegend=False,
                name="starts",
                marker={"size": 9, "color": MARK_COLOR, "line": {"color": "white", "width": 1.5}},
            )
        )
    if panel.window is not None:
        traces += _outline(panel.window)
    return traces


def panels_figure(panels: list[Panel], *, height: int | None = None) -> go.Figure:
    """Several grids side by side in one figure (one chart to draw instead of several).

    Each panel has its own square cells, title and overlays; numbers are shown while
    each panel has at most ``MAX_TEXT_CELLS`` cells. The figure is built once per
    process and shared by every session: do not change it (``ui.display.chart`` copies
    it for presentation mode).
    """
    return _shared_panels(tuple(panels), height)


# A classroom on one link asks for the same figures thirty times, and a build costs ~20 ms
# of Plotly validation. st.cache_resource hashes the panels' arrays: 0.25 ms per hit
# against 1.5 µs for the hand-written cache it replaced, on ≤ 5 figures a rerun.
@st.cache_resource(max_entries=256, show_spinner=False)
def _shared_panels(panels: tuple[Panel, ...], height: int | None) -> go.Figure:
    return _build_panels(list(panels), height)


def _build_panels(panels: list[Panel], height: int | None) -> go.Figure:
    count = len(panels)
    side = max(max(np.shape(p.z)) for p in panels)
    text_size = max(9, _text_size(side, side) - 2 * (count - 1))
    fig = make_subplots(
        rows=1,
        cols=count,
        subplot_titles=[p.title for p in panels],
        # Widths follow the grids, so a cell is the same size in every panel.
        column_widths=[float(np.shape(p.z)[1]) for p in panels],
        horizontal_spacing=0.04 if count > 1 else 0.0,
    )
    rows_max = max(np.shape(p.z)[0] for p in panels)
    for k, panel in enumerate(panels, start=1):
        fig.add_traces(_panel_traces(panel, text_size), rows=1, cols=k)
        n_rows, n_cols = np.shape(panel.z)
        small = max(n_rows, n_cols) <= 20
        axis = "x" if k == 1 else f"x{k}"
        # Shared by both axes: no grid lines, ticks only on a lone panel, fixed zoom.
        common = {
            "showgrid": False,
            "zeroline": False,
            "constrain": "domain",
            "showticklabels": small and count == 1,
            "ticks": "" if count > 1 else "outside",
            "tickmode": "linear" if small else "auto",
            "dtick": 1,
            "fixedrange": True,
            "row": 1,
            "col": k,
        }
        fig.update_xaxes(side="top", range=[-0.5, n_cols - 0.5], **common)
        fig.update_yaxes(
            # Rows use a share of the height like columns do of the width: equal cells.
            domain=[1 - n_rows / rows_max, 1],
            scaleanchor=axis,
            constraintoward="top",
            autorange="reversed",
            **common,
        )
    # A single panel shows its tick numbers on top: lift its title above them.
    fig.update_annotations(
        font={"size": 18 if count == 1 else 15, "color": "#262730"}, yshift=28 if count == 1 else 4
    )
    fig.update_layout(
        # About 760 px of width is shared between the panels on a laptop.
        height=height or int(np.clip(min(58 * side, 760 / count) + 110, 200, 560)),
        margin={"l": 8, "r": 8, "t": 72, "b": 8},
        dragmode=False,
        clickmode="event+select",
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    # The text alternative travels with the figure (ui.display.chart reads it).
    fig.update_layout(meta={"alt": "; ".join(grid_text(p.title or "Grid", p.z) for p in panels)})
    return fig
