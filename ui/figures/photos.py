"""Photos and edge maps as pictures: one PNG per figure, colours that keep faint edges visible."""

from __future__ import annotations

import base64
import functools
import html
import io

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from PIL import Image

from cnn_core import VERTICAL_EDGE, conv2d, pool2d, relu
from ui.figures.bundled import ASSETS, bundled_gray, bundled_photo
from ui.figures.colors import SIGNED_LUT
from ui.figures.formulas import grid_text


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


STAGE_SCALES = {"input": "gray", "conv": "signed", "relu": "relu", "pool": "relu"}


@st.cache_data(max_entries=8, show_spinner=False)
def stage_pictures(f: int, s: int, mode: str) -> dict[str, tuple[str, tuple[int, ...]]]:
    """``photo_stages`` as PNG base64 with each stage's shape: encoded once per setting."""
    stages = photo_stages(f, s, mode)
    return {
        name: (png_data(to_display(img, STAGE_SCALES[name])), img.shape)
        for name, img in stages.items()
    }


def conv_relu_pool(f: int, s: int, mode: str, *, title: str) -> None:
    """A photo through conv → ReLU → pool, two pictures to a line, each with its size.

    Plain images, not Plotly charts: redrawing four charts cost ~100 ms of every change
    of f or s, and a pixel's hover told nothing a student needed here.
    """
    stages = photo_stages(f, s, mode)
    pictures = stage_pictures(f, s, mode)
    titles = {
        "input": "Input (camera, gray)",
        "conv": "Conv: vertical edges (z)",
        "relu": "ReLU(z)",
        "pool": title,
    }
    names = list(stages)
    for row in (names[:2], names[2:]):
        for column, name in zip(st.columns(2), row, strict=True):
            with column:
                data, shape = pictures[name]
                size = f"{shape[0]}×{shape[1]}"
                picture(
                    data,
                    grid_text(titles[name], stages[name]),
                    f"{titles[name]}, {size}",
                    pixelated=True,
                )


def png_data(pixels: np.ndarray) -> str:
    """uint8 pixels (gray or RGB) as a PNG, base64-encoded for a data: address."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode()


def picture(
    data: str,
    alt: str,
    caption: str,
    *,
    kind: str = "png",
    overlay: str = "",
    pixelated: bool = False,
) -> None:
    """An image with its text alternative (st.image writes no alt attribute).

    ``data`` is the image's base64; ``overlay`` HTML drawn over it (positioned in %);
    ``pixelated`` enlarges pixels as squares (a small map stays sharp, not blurred).
    """
    style = ' style="image-rendering: pixelated"' if pixelated else ""
    st.markdown(
        f'<figure class="convlab-figure"><div style="position: relative; line-height: 0">'
        f'<img src="data:image/{kind};base64,{data}" alt="{html.escape(alt)}"{style}>'
        f"{overlay}</div><figcaption>{html.escape(caption)}</figcaption></figure>",
        unsafe_allow_html=True,
    )


@functools.cache
def _file_data(file: str) -> str:
    return base64.b64encode((ASSETS / file).read_bytes()).decode()


def crop_place(file: str, top: int, left: int, *, side: int = 6, step: int = 4) -> None:
    """Where ``bundled.photo_crop(file, top, left)`` comes from: the photo, the crop
    outlined in amber. The crop takes every ``step``-th pixel, so it covers side·step
    pixels of the photo each way (24×24 for 6×6 at step 4)."""
    n_H, n_W = bundled_photo(file).shape[:2]
    box = {
        "left": 100 * left * step / n_W,
        "top": 100 * top * step / n_H,
        "width": 100 * side * step / n_W,
        "height": 100 * side * step / n_H,
    }
    style = "; ".join(f"{k}: {v:.3f}%" for k, v in box.items())
    overlay = (
        f'<div style="position: absolute; {style}; box-sizing: border-box; '
        'border: 3px solid #FFB000; box-shadow: 0 0 0 2px #111111"></div>'
    )
    name = file.rsplit(".", 1)[0]
    rows = f"{top * step}–{(top + side) * step - 1}"
    cols = f"{left * step}–{(left + side) * step - 1}"
    picture(
        _file_data(file),
        f"The {name} photo, {n_W}×{n_H} pixels, with an amber square around rows {rows} and "
        f"columns {cols}: the part the 6×6 crop is taken from",
        f"Where the crop comes from: the amber square on the {name} photo ({n_W}×{n_H}), "
        f"rows {rows}, columns {cols}; every {step}th pixel of it makes the {side}×{side} "
        "crop.",
        kind="jpeg" if file.endswith(".jpg") else "png",
        overlay=overlay,
    )
