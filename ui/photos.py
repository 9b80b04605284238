"""Photos and edge maps as pictures: one PNG per figure, colours that keep faint edges visible."""

from __future__ import annotations

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from cnn_core import VERTICAL_EDGE, conv2d, pool2d, relu
from ui.colors import SIGNED_LUT
from ui.display import chart
from ui.formulas import grid_text
from ui.input_picker import bundled_gray


def to_display(img: np.ndarray, scale: str) -> np.ndarray:
    """Map a photo or an edge map to uint8 pixels a browser can show as an image.

    ``"gray"``: values in [0, 255] as they are; ``"magnitude"``: ``|z|`` scaled so the
    strongest edge is white; ``"signed"``: the diverging scale, 0 white, ± the
    strongest edge at the ends; ``"relu"``: ``z`` with its negatives already zeroed.
    """
    img = np.asarray(img, dtype=np.float32)
    if scale == "gray":
        return np.clip(np.round(img), 0, 255).astype(np.uint8)
    peak = display_peak(img)
    if scale in ("magnitude", "relu"):
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


@st.cache_resource(max_entries=24, show_spinner=False)
def image_figure(img: np.ndarray, *, scale: str = "gray", title: str = "") -> go.Figure:
    """A photo or edge map as one PNG image; shared like ``panels_figure``'s figures."""
    return _build_image(np.asarray(img), scale, title)


def _build_image(img: np.ndarray, scale: str, title: str) -> go.Figure:
    """A photo or edge map drawn as one PNG image (fast), not a heatmap of cells.

    The height follows the image's aspect ratio for a column about 420 px wide (two
    columns on a laptop, one on a phone), so little space is left blank.
    """
    fig = px.imshow(to_display(img, scale), binary_string=True, title=title or None)
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


@st.cache_data(max_entries=2, show_spinner=False)
def photo_stages(f: int, s: int, mode: str) -> dict[str, np.ndarray]:
    """camera.png at 256 px through conv (vertical edge) → ReLU → pool, as arrays."""
    gray = bundled_gray("camera.png", 256)
    z = conv2d(gray, VERTICAL_EDGE)
    a = relu(z)
    return {"input": gray, "conv": z, "relu": a, "pool": pool2d(a, f, stride=s, mode=mode)}


def conv_relu_pool(key: str, f: int, s: int, mode: str, *, title: str) -> None:
    """A photo through conv → ReLU → pool, two pictures to a line, each with its size."""
    stages = photo_stages(f, s, mode)
    titles = {
        "input": "Input (camera, gray)",
        "conv": "Conv: vertical edges (z)",
        "relu": "ReLU(z)",
        "pool": title,
    }
    scales = {"input": "gray", "conv": "signed", "relu": "relu", "pool": "relu"}
    names = list(stages)
    for row in (names[:2], names[2:]):
        for column, name in zip(st.columns(2), row, strict=True):
            with column:
                img = stages[name]
                chart(
                    image_figure(img, scale=scales[name], title=titles[name]),
                    key=f"{key}_{name}_photo",
                )
                st.caption(f"{img.shape[0]}×{img.shape[1]}")
