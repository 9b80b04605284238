"""Streamlit controls that several pages share: written once, used everywhere.

- ``input_picker``: the lecture's grids, bundled photos, or an upload.
- ``filter_picker``: edge presets, a rotated edge, or a custom grid checked cell by cell.
- ``cell_picker``: output row and column, by sliders or by a click on the output grid.
- ``formula``: one line of arithmetic with today's numbers, large enough for a projector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cnn_core import (
    HORIZONTAL_EDGE,
    SCHARR_HORIZONTAL,
    SCHARR_VERTICAL,
    SOBEL_HORIZONTAL,
    SOBEL_VERTICAL,
    VERTICAL_EDGE,
    downscale,
    image_size,
    load_image,
    rotated_edge,
    to_gray,
)
from cnn_core.examples import BRIGHT_TO_DARK, CHECKER, DARK_TO_BRIGHT, LECTURE_6X6
from ui.links import Param, load_link, verbatim
from ui.quiz import show_score

ASSETS = Path(__file__).resolve().parents[1] / "assets"
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"]
MAX_UPLOAD_MB = 25
"""The app's upload limit; ``.streamlit/config.toml`` sets Streamlit's to the same."""

GRID_INPUTS = {
    "Lecture 6×6": LECTURE_6X6,
    "Bright → dark step": BRIGHT_TO_DARK,
    "Dark → bright step": DARK_TO_BRIGHT,
    "Checker 6×6": CHECKER,
}
PHOTOS = {
    "Photo: camera": "camera.png",
    "Photo: brick wall": "brick.png",
    "Photo: cat": "cat.jpg",
    "Photo: coffee": "coffee.jpg",
    "Photo: astronaut": "astronaut.jpg",
}
UPLOAD = "Upload your own image"
INPUT_CHOICES = [*GRID_INPUTS, *PHOTOS, UPLOAD]

# name → (kernel, the sign's meaning)
FILTERS = {
    "Vertical edge": (VERTICAL_EDGE, "left"),
    "Horizontal edge": (HORIZONTAL_EDGE, "top"),
    "Sobel, vertical": (SOBEL_VERTICAL, "left"),
    "Sobel, horizontal": (SOBEL_HORIZONTAL, "top"),
    "Scharr, vertical": (SCHARR_VERTICAL, "left"),
    "Scharr, horizontal": (SCHARR_HORIZONTAL, "top"),
}
ROTATED = "Rotated edge (any angle)"
CUSTOM = "Custom filter"
FILTER_CHOICES = [*FILTERS, ROTATED, CUSTOM]
EDGE_KINDS = {"Lecture (1, 0, −1)": "basic", "Sobel": "sobel", "Scharr": "scharr"}
MAX_CUSTOM_F = 7


@dataclass(frozen=True)
class PickedInput:
    """What ``input_picker`` returns: a small grid, or a photo at its working size."""

    label: str
    """Markdown-safe: an upload's file name arrives as inline code (``ui.links.verbatim``)."""
    image: np.ndarray
    is_photo: bool
    original_shape: tuple[int, int] = (0, 0)
    factor: int = 1


@dataclass(frozen=True)
class PickedFilter:
    label: str
    kernel: np.ndarray
    sign: str
    """What a positive output means, in words."""
    kind: str = "basic"
    """The family ("basic", "sobel", "scharr") for vertical/horizontal companions."""


@st.cache_data(max_entries=16, show_spinner=False)
def _photo(digest: str, _data: bytes, max_side: int) -> tuple[np.ndarray, tuple[int, int], int]:
    """Decode, gray and shrink once per file and working size (hashed by digest, not bytes).

    A JPEG is decoded straight at a reduced scale (``load_image(max_side=...)``): a 12 MP
    photo then needs ~15 MB instead of ~300 MB, which matters with a classroom uploading.
    """
    rgb = load_image(_data, max_side=max_side)
    n_H, n_W = image_size(_data)
    gray = downscale(to_gray(rgb), max_side)
    return gray, (n_H, n_W), round(n_W / gray.shape[1])


def input_picker(key: str, *, photos: bool = True, max_side: int = 512) -> PickedInput | None:
    """Choose an input; returns None (after showing why) when there is nothing to use yet."""
    options = INPUT_CHOICES if photos else list(GRID_INPUTS)
    choice = st.selectbox(
        "Input image",
        options,
        key=f"{key}_input",
        help="The picture the filter slides over: the lecture's small grids (every number "
        "shown), a bundled photo, or a photo of your own (the last choice).",
    )
    if choice in GRID_INPUTS:
        return PickedInput(choice, GRID_INPUTS[choice], is_photo=False)
    if choice in PHOTOS:
        data, name = (ASSETS / PHOTOS[choice]).read_bytes(), choice.removeprefix("Photo: ")
    else:
        upload = st.file_uploader(
            f"Your image (JPEG, PNG, WebP, BMP, GIF or TIFF, up to {MAX_UPLOAD_MB} MB)",
            type=UPLOAD_TYPES,
            key=f"{key}_upload",
            help="Your photo stays on this server only while you use the page.",
        )
        if upload is None:
            st.info("Choose a photo from your computer or phone to see its edges.")
            return None
        data, name = upload.getvalue(), verbatim(upload.name)  # a visitor's text: as code
        if len(data) > MAX_UPLOAD_MB * 2**20:
            st.error(f"{name} is {len(data) / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
            return None
    try:
        gray, shape, factor = _photo(hashlib.sha256(data).hexdigest(), data, max_side)
    except ValueError as err:
        st.error(f"Could not use {name}: {err}.")
        return None
    return PickedInput(name, gray, is_photo=True, original_shape=shape, factor=factor)


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
    if table.shape[0] != table.shape[1]:
        raise ValueError(f"a filter must be square, got {table.shape[0]}×{table.shape[1]}")
    return values.astype(np.int64) if np.all(values == np.round(values)) else values


def weights_text(kernel: np.ndarray) -> str:
    """A filter for a link: rows split by ``;``, numbers by ``,`` (``1,0,-1;1,0,-1;…``)."""
    return ";".join(",".join(str(v).removesuffix(".0") for v in row) for row in kernel.tolist())


def parse_weights(text: str) -> np.ndarray:
    """The inverse of ``weights_text``; raises ValueError for anything but a square grid."""
    rows = [r.split(",") for r in text.split(";")]
    table = pd.DataFrame(rows)
    if len({len(r) for r in rows}) != 1 or not 1 <= len(rows) <= MAX_CUSTOM_F:
        raise ValueError(f"not a square grid of 1×1 to {MAX_CUSTOM_F}×{MAX_CUSTOM_F} numbers")
    return parse_custom_filter(table)


def filter_picker(key: str) -> PickedFilter | None:
    """Choose a filter; returns None (after a message) if a custom one is malformed."""
    choice = st.selectbox(
        "Filter",
        FILTER_CHOICES,
        key=f"{key}_filter",
        help="The grid of weights that slides over the image: the lecture's edge filters, "
        "one turned to any direction, or your own numbers.",
    )
    if choice in FILTERS:
        kernel, direction = FILTERS[choice]
        kind = "sobel" if "Sobel" in choice else "scharr" if "Scharr" in choice else "basic"
        return PickedFilter(choice, kernel, _sign_text(direction), kind)
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
        family = st.radio(
            "Built from",
            list(EDGE_KINDS),
            key=f"{key}_kind",
            horizontal=True,
            help="Which pair of vertical and horizontal filters is turned: the lecture's "
            "1, 0, −1, Sobel's or Scharr's.",
        )
        kind = EDGE_KINDS[family]
        sign = (
            f"Filter = Gx·cos {theta}° + Gy·sin {theta}°, where Gx is the vertical-edge "
            "filter (left minus right) and Gy the horizontal-edge filter (top minus bottom). "
            f"Positive (red): the image gets darker in the direction {_arrow(theta)}; "
            "negative (blue): brighter. The edges found run at right angles to that arrow."
        )
        return PickedFilter(f"{family} edge at {theta}°", rotated_edge(theta, kind), sign, kind)
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


def _select_cell(chart_key: str, key: str) -> None:
    """Click on the output grid → move the row and column sliders there."""
    points = st.session_state[chart_key]["selection"]["points"]
    if points:
        st.session_state[f"{key}_i"] = round(points[0]["y"])
        st.session_state[f"{key}_j"] = round(points[0]["x"])


def cell_click_handler(key: str):
    """The ``on_select`` callback for an output chart keyed ``f"{key}_chart"``."""
    return lambda: _select_cell(f"{key}_chart", key)


def _index_slider(label: str, state_key: str, size: int) -> int:
    if size <= 1:
        st.session_state[state_key] = 0
        st.caption(f"{label}: 0 (the only one)")
        return 0
    if st.session_state.get(state_key, 0) > size - 1:  # the grid shrank under the slider
        st.session_state[state_key] = size - 1
    return st.slider(
        label,
        0,
        size - 1,
        key=state_key,
        help="Which output cell to explain; rows and columns count from 0.",
    )


def cell_picker(key: str, n_rows: int, n_cols: int) -> tuple[int, int]:
    """Sliders for the output cell; a click on the chart moves them (``cell_click_handler``)."""
    left, right = st.columns(2)
    with left:
        i = _index_slider("Output row i", f"{key}_i", n_rows)
    with right:
        j = _index_slider("Output column j", f"{key}_j", n_cols)
    return i, j


def _apply_example(key: str, values: dict[str, object]) -> None:
    for name, value in values.items():
        st.session_state[f"{key}_{name}"] = value


RESET_LABEL = "↺ Back to the lecture's example"


def examples(
    key: str,
    presets: dict[str, dict[str, object]],
    *,
    reset: dict[str, object] | None = None,
    button_keys: Sequence[str] | None = None,
) -> None:
    """The lecture's worked examples, one click each, and a reset to the first one.

    ``presets`` maps a button's label to the controls it sets (URL names → values);
    ``reset`` (default: the first preset) is what "Back to the lecture's example" sets.
    """
    st.markdown("**The lecture's examples**, one click away:")
    keys = list(button_keys or [f"{key}_example_{n}" for n in range(len(presets))])
    columns = st.columns(len(presets) + 1)
    for column, (label, values), button_key in zip(
        columns[:-1], presets.items(), keys, strict=True
    ):
        column.button(
            label,
            on_click=_apply_example,
            args=(key, values),
            key=button_key,
            width="stretch",
            help="Set the controls to this example from the lecture.",
        )
    columns[-1].button(
        RESET_LABEL,
        on_click=_apply_example,
        args=(key, reset or next(iter(presets.values()))),
        key=f"{key}_reset",
        width="stretch",
        help="Put the controls back to the lecture's first example on this page.",
    )


PRESENT_SCALE = 1.3
"""Presentation mode multiplies figure text by this: numbers read from the back row."""


def chart(fig, key: str, *, alt: str | None = None, on_select=None) -> None:
    """Show a figure the ConvLab way: no Plotly toolbar, a text alternative, big in
    presentation mode; clicks reach ``on_select``.

    ``alt`` carries the figure's key numbers for a screen reader; figures from
    ``ui.grids`` bring their own (every grid's numbers), others must pass one.
    """
    alt = alt or (fig.layout.meta or {}).get("alt")
    if not alt:
        raise ValueError(f"chart {key!r} needs a text alternative (alt=...)")
    if st.session_state.get("present"):
        fig = go.Figure(fig)  # figures are shared between sessions (ui.grids): copy first
        for trace in fig.data:
            if getattr(trace, "textfont", None) is not None and trace.textfont.size:
                trace.textfont.size = round(trace.textfont.size * PRESENT_SCALE)
        fig.update_annotations(font_size=22)
        fig.update_layout(title_font_size=24)
    options = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    st.plotly_chart(fig, key=key, config={"displayModeBar": False}, alt=alt, **options)


def formula(text: str, *, label: str = "") -> None:
    """One line of arithmetic, large and wrapping (never a sideways scroll on a phone)."""
    prefix = f"**{label}** " if label else ""
    st.markdown(f'{prefix}<div class="convlab-formula">{text}</div>', unsafe_allow_html=True)


def _leave_pages_directory_mode() -> None:
    """Make a deep link on a fresh server run app.py's navigation, not Streamlit's old one.

    Streamlit decides once per server process, at the first session, whether the app
    uses the old ``pages/`` auto-discovery: it does if a ``pages/`` folder exists, until
    some run calls ``st.navigation``. A first visitor arriving at ``/stride`` (a shared
    link) gets the page run on its own, with a sidebar listing file names, and the flag
    never clears. Clearing it and rerunning lands on the same page through ``app.py``.
    See docs/decisions.md.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_PRESENTATION_CSS = """
    html, .stApp {font-size: 21px;}
    .stApp, .stApp p, .stApp li, .stApp label {color: #000000 !important;}
    .stApp h1 {font-size: 3.1rem;} .stApp h2, .stApp h3 {font-size: 2.1rem;}
    [data-testid="stCaptionContainer"] {color: #1a1a1a !important; font-size: 1.05rem;}
    .convlab-formula {font-size: 1.9rem; border-left-width: 6px; background: #FFF3D6;}
"""


_CONTRAST_CSS = """
    [data-testid="stCaptionContainer"] {opacity: 1 !important;}
    [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
    [data-testid="stWidgetLabel"] small {color: #595959 !important;}
    .stApp h2 {font-size: 1.5rem; padding-top: 1rem;}
    [data-testid="stPageLink"] p, .stButton button p {white-space: normal !important;
        overflow: visible !important; text-overflow: clip !important;}
    [data-testid="stCode"] pre, [data-testid="stCode"] code {white-space: pre-wrap !important;
        overflow-wrap: anywhere;}
    .convlab-figure {margin: 0 0 .5rem 0; padding: 0;}
    .convlab-figure img {display: block; width: 100% !important; max-width: 100%;
        height: auto; margin: 0; border-radius: .4rem; object-fit: contain !important;}
    .convlab-figure figcaption {color: #595959; font-size: .875rem; padding-top: .25rem;}
"""
"""WCAG AA needs 4.5:1: Streamlit's caption grey #828180 on white is 3.88:1 (axe-core),
and Streamlit 1.67 also fades the caption's container to opacity 0.6; #595959 at full
opacity is 7.0:1, 6.6:1 on the sidebar's #F8F8F7. The slider's value and primary buttons
take the theme's colour, darkened in .streamlit/config.toml. h2 looks like Streamlit's h3,
so sections can be h2 under the page's h1 (axe: heading-order). Code wraps: a block that
scrolls sideways on a phone cannot be scrolled from the keyboard (scrollable-region-focusable)."""


def setup_page(page: str, link: Sequence[Param] = ()) -> None:
    """Every page's first call: the deep-link fix, presentation mode, CSS, and the link.

    ``page`` is the page's key prefix and ``link`` its controls as ``ui.links.Param``s:
    a link opened on the page sets them (``ui.links.load_link``), and may ask for
    presentation mode (``present=1``), applied before the toggle exists.
    """
    _leave_pages_directory_mode()
    if not st.session_state.get(f"_{page}_link_loaded") and st.query_params.get("present") == "1":
        st.session_state["present"] = True
    present = st.sidebar.toggle(
        "Presentation mode",
        key="present",
        help="Larger type and stronger contrast for a projector. Kept in the page's link.",
    )
    show_score()
    st.markdown(
        f"""<style>
        .convlab-formula {{font-size: 1.35rem; line-height: 1.7; overflow-wrap: anywhere;
            padding: .35rem .75rem; border-left: 4px solid #FFB000;
            background: rgba(255, 176, 0, .08); margin-bottom: .75rem;}}
        {_CONTRAST_CSS}
        {_PRESENTATION_CSS if present else ""}
        </style>""",
        unsafe_allow_html=True,
    )
    load_link(page, link)
