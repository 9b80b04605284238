"""Plotly figure builders: one for number grids, one for photos. Every page uses these.

Small grids show their numbers in the cells (sized to read on a projector); large ones
are colour only. Signed values use a diverging, colour-blind-safe scale centred on 0;
images are grey. The current window is outlined on the input, its cell on the output.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from ui.formulas import grid_text, number

MAX_TEXT_CELLS = 20 * 20
"""Grids with more cells than this are drawn without numbers (text costs ~3 KB a cell)."""

SIGNED_SCALE = "RdBu_r"  # blue negative, white 0, red positive; safe for red-green CVD
GRAY_SCALE = [[0.0, "#3a3a3a"], [1.0, "#f7f7f7"]]
"""Grey for number grids, short of black and white so that black or white text reads on
every cell (contrast ≥ 4.5:1 at the switch-over grey)."""
COUNT_SCALE = "Blues"
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


def _color_range(z: np.ndarray, kind: str, zrange: tuple[float, float] | None) -> dict:
    if zrange is not None:
        lo, hi = zrange
    elif kind == "signed":
        hi = float(np.abs(z).max()) or 1.0
        lo = -hi
    elif kind == "gray":
        lo, hi = 0.0, max(255.0, float(z.max()))
        if z.max() <= 10 and z.min() >= 0:  # small lecture numbers: use their own range
            hi = max(float(z.max()), 1.0)
    else:
        lo, hi = 0.0, max(float(z.max()), 1.0)
    scale = {"signed": SIGNED_SCALE, "gray": GRAY_SCALE, "count": COUNT_SCALE}[kind]
    return {"zmin": lo, "zmax": hi, "colorscale": scale}


@dataclass(frozen=True)
class Panel:
    """One grid of a figure: its numbers, colour kind, title and overlays.

    kind : ``"signed"`` (diverging, centred on 0), ``"gray"`` (an image) or ``"count"``
    window : the cells to outline (the filter's window, or the selected output cell)
    pad : width of a zero border to wash out and mark with a dashed line
    marks : cells to mark with a dot in their top-left corner (e.g. where each window
        of a stride starts)
    flags : cells to wash in vermillion (e.g. pixels no window ever reaches)
    clickable : an invisible marker per cell, so a click selects ``(row, col)`` through
        ``st.plotly_chart(on_select=...)``; heatmap clicks alone do not reach Python
    zrange : fixed colour range, e.g. to compare several grids on one scale
    """

    z: np.ndarray
    kind: str = "signed"
    title: str = ""
    window: Box | None = None
    pad: int = 0
    marks: tuple[Box, ...] = ()
    flags: tuple[Box, ...] = ()
    clickable: bool = False
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
        **_color_range(z, panel.kind, panel.zrange),
    )
    if panel.kind == "signed":
        heat.update(zmid=0)
    traces: list = [heat]
    if panel.clickable:
        rows, cols = np.mgrid[0:n_rows, 0:n_cols]
        traces.append(
            go.Scatter(
                x=cols.ravel(),
                y=rows.ravel(),
                mode="markers",
                marker={"size": 28, "opacity": 0, "symbol": "square"},
                customdata=np.stack([rows.ravel(), cols.ravel()], axis=1),
                hovertemplate="click to explain row %{y}, column %{x}<extra></extra>",
                showlegend=False,
                name="cells",
            )
        )
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


class _FigureCache:
    """Figures built once per process and shared by every session, newest kept.

    A classroom on one link asks for the same figures thirty times; building one costs
    ~20 ms of Plotly validation. Callers must not change a figure they get: copy it
    with ``go.Figure(fig)`` first (``ui.display.chart`` does, for presentation mode).
    """

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple, go.Figure] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple, build) -> go.Figure:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        fig = build()
        with self._lock:
            self._items[key] = fig
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return fig


_GRIDS = _FigureCache(256)
_IMAGES = _FigureCache(24)


def _array_key(a: np.ndarray) -> tuple:
    a = np.ascontiguousarray(a)
    return a.shape, a.dtype.str, hashlib.blake2b(a.tobytes(), digest_size=16).digest()


def panels_figure(panels: list[Panel], *, height: int | None = None) -> go.Figure:
    """Several grids side by side in one figure (one chart to draw instead of several).

    Each panel has its own square cells, title and overlays; numbers are shown while
    each panel has at most ``MAX_TEXT_CELLS`` cells. The figure is shared (see
    ``_FigureCache``): do not change it.
    """
    key = (
        tuple(
            (
                _array_key(p.z),
                p.kind,
                p.title,
                p.window,
                p.pad,
                p.marks,
                p.flags,
                p.clickable,
                p.zrange,
            )
            for p in panels
        ),
        height,
    )
    return _GRIDS.get(key, lambda: _build_panels(panels, height))


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


def grid_figure(z: np.ndarray, *, height: int | None = None, **panel) -> go.Figure:
    """One grid as a figure: row 0 at the top, cells square. Options as ``Panel``."""
    return panels_figure(
        [
            Panel(
                np.asarray(z),
                **{
                    k: tuple(v) if k in ("marks", "flags") else v
                    for k, v in panel.items()
                    if v is not None
                },
            )
        ],
        height=height,
    )


def _lut(scale: str, n: int = 256) -> np.ndarray:
    """``(n, 3)`` uint8 colours sampled evenly from a Plotly colour scale."""
    colors = sample_colorscale(scale, np.linspace(0, 1, n), colortype="tuple")
    return np.clip(np.round(np.array(colors) * 255), 0, 255).astype(np.uint8)


SIGNED_LUT = _lut(SIGNED_SCALE)
_CELL_LUTS = {"signed": SIGNED_LUT, "gray": _lut(GRAY_SCALE), "count": _lut(COUNT_SCALE)}


def cell_colors(z: np.ndarray, kind: str, zrange: tuple[float, float] | None = None) -> list:
    """Each cell's colour as ``"#rrggbb"``, by the same rules as the Plotly grids.

    ``kind`` and ``zrange`` as in ``Panel``: signed values diverge from white at 0, images
    are grey, counts blue. The linked grid (``ui.linked_grid``) paints its cells with these.
    """
    z = np.asarray(z, dtype=np.float64)
    rng = _color_range(z, kind, zrange)
    lo, hi = rng["zmin"], rng["zmax"]
    if kind == "signed":  # zmid = 0: each side of 0 spans half the scale
        half = max(abs(lo), abs(hi)) or 1.0
        t = 0.5 + z / (2 * half)
    else:
        t = (z - lo) / ((hi - lo) or 1.0)
    rgb = _CELL_LUTS[kind][np.round(np.clip(t, 0, 1) * 255).astype(np.intp)]
    return [[f"#{r:02x}{g:02x}{b:02x}" for r, g, b in row] for row in rgb.tolist()]


def to_display(img: np.ndarray, kind: str) -> np.ndarray:
    """Map a photo or an edge map to uint8 pixels a browser can show as an image.

    ``"gray"``: values in [0, 255] as they are; ``"magnitude"``: ``|z|`` scaled so the
    strongest edge is white; ``"signed"``: the diverging scale, 0 white, ± the
    strongest edge at the ends; ``"relu"``: ``z`` with its negatives already zeroed.
    """
    img = np.asarray(img, dtype=np.float32)
    if kind == "gray":
        return np.clip(np.round(img), 0, 255).astype(np.uint8)
    peak = display_peak(img)
    if kind in ("magnitude", "relu"):
        return np.round(np.clip(np.abs(img) * (255.0 / peak), 0, 255)).astype(np.uint8)
    index = np.round((img / peak + 1.0) * 127.5).astype(np.intp)
    return SIGNED_LUT[np.clip(index, 0, 255)]


def display_peak(z: np.ndarray) -> float:
    """The |value| drawn at full colour: the 99.5th percentile of |z|, not the maximum.

    A photo's few strongest edges would otherwise wash every other edge out to white;
    the top 0.5 % are drawn at full colour instead.
    """
    magnitude = np.abs(z)
    return float(np.percentile(magnitude, 99.5)) or float(magnitude.max()) or 1.0


def image_figure(img: np.ndarray, *, kind: str = "gray", title: str = "") -> go.Figure:
    """A photo or edge map as one PNG image; shared like ``panels_figure``'s figures."""
    key = (_array_key(np.asarray(img)), kind, title)
    return _IMAGES.get(key, lambda: _build_image(np.asarray(img), kind, title))


def _build_image(img: np.ndarray, kind: str, title: str) -> go.Figure:
    """A photo or edge map drawn as one PNG image (fast), not a heatmap of cells.

    The height follows the image's aspect ratio for a column about 420 px wide (two
    columns on a laptop, one on a phone), so little space is left blank.
    """
    fig = px.imshow(to_display(img, kind), binary_string=True, title=title or None)
    n_H, n_W = np.shape(img)[:2]
    fig.update_layout(
        height=int(np.clip(420 * n_H / n_W + (44 if title else 4), 180, 640)),
        margin={"l": 0, "r": 0, "t": 44 if title else 4, "b": 0},
        title={"x": 0.5, "xanchor": "center", "font": {"size": 18}},
        dragmode=False,
    )
    fig.update_xaxes(showticklabels=False, ticks="", showgrid=False)
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, constraintoward="top")
    fig.update_traces(hovertemplate="row %{y}, column %{x}<extra></extra>")
    fig.update_layout(meta={"alt": grid_text(title or "Image", img)})
    return fig
