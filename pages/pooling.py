"""Pooling (with ReLU): shrink each channel by taking the max or the mean of each window."""

import numpy as np
import streamlit as st

from cnn_core import (
    VERTICAL_EDGE,
    Layer,
    conv2d,
    describe,
    downscale,
    explain_pool,
    load_image,
    pool2d,
    relu,
    to_gray,
)
from cnn_core.examples import LECTURE_RGB, POOL_AVERAGE_4X4, POOL_MAX_4X4
from ui.formulas import number
from ui.grids import Box, Panel, image_figure, panels_figure
from ui.links import Param, one_of, save_link, whole
from ui.widgets import ASSETS, cell_click_handler, cell_picker, chart, formula, setup_page

KEY = "pool"
MODES = {"max": "Max pooling", "average": "Average pooling"}
INPUTS = ["Lecture 4×4", "Random 6×6", "Random 8×8"]
CHANNELS = ("red", "green", "blue")


@st.cache_data(max_entries=2, show_spinner=False)
def photo_stages(f: int, s: int, mode: str) -> dict[str, np.ndarray]:
    """camera.png at 256 px through conv (vertical edge) → ReLU → pool."""
    gray = downscale(to_gray(load_image((ASSETS / "camera.png").read_bytes())), 256)
    z = conv2d(gray, VERTICAL_EDGE)
    a = relu(z)
    return {"input": gray, "conv": z, "relu": a, "pool": pool2d(a, f, stride=s, mode=mode)}


LINK = [
    Param("mode", "max", one_of(list(MODES))),
    Param("f", 2, whole(1, 4)),
    Param("s", 2, whole(1, 4)),
    Param("input", INPUTS[0], one_of(INPUTS)),
    Param("i", 0, whole(0, 7)),
    Param("j", 0, whole(0, 7)),
]

setup_page(KEY, LINK)
st.title("Pooling")
st.write(
    "A pooling layer slides an f×f window with stride s over each channel and keeps one "
    "number per window: the largest (max) or the mean (average). It shrinks height and "
    "width and has nothing to learn."
)
c = st.columns(4)
mode = c[0].radio("Mode", list(MODES), format_func=MODES.get, key=f"{KEY}_mode")
f = c[1].slider("Window f", 1, 4, 2, key=f"{KEY}_f")
s = c[2].slider("Stride s", 1, 4, 2, key=f"{KEY}_s")
choice = c[3].selectbox("Input", INPUTS, key=f"{KEY}_input")
if choice == INPUTS[0]:
    x = POOL_MAX_4X4 if mode == "max" else POOL_AVERAGE_4X4
else:
    side = 6 if "6" in choice else 8
    x = np.random.default_rng(side).integers(0, 10, (side, side))

try:
    out = pool2d(x, f, stride=s, mode=mode)
except ValueError as err:
    st.error(f"{err}. Make the window smaller.")
    st.stop()
params = describe((*x.shape, 1), [Layer("pool", f=f, s=s, mode=mode)])[0].params
i, j = cell_picker(KEY, *out.shape)
cell = explain_pool(x, f, i, j, stride=s, mode=mode)
winner = (Box(cell.top + cell.winner[0], cell.left + cell.winner[1]),) if cell.winner else ()
chart(
    panels_figure(
        [
            Panel(
                x,
                kind="count",
                title=f"Input {x.shape[0]}×{x.shape[1]}",
                window=Box(cell.top, cell.left, f, f),
                marks=winner,
            ),
            Panel(
                out,
                kind="count",
                title=f"{MODES[mode]} → {out.shape[0]}×{out.shape[1]}",
                window=Box(i, j),
                clickable=True,
            ),
        ]
    ),
    key=f"{KEY}_chart",
    on_select=cell_click_handler(KEY),
)
values = ", ".join(number(v) for v in cell.window.ravel())
if mode == "max":
    r, q = cell.winner
    formula(f"max({values}) = {number(cell.value)}", label=f"Output ({i}, {j}) =")
    st.caption(
        f"The winner (blue dot) sits at row {cell.top + r}, column {cell.left + q} of the input."
    )
else:
    formula(
        f"({' + '.join(number(v) for v in cell.window.ravel())}) / {cell.window.size} = "
        f"{number(cell.value)}",
        label=f"Output ({i}, {j}) =",
    )
st.success(
    f"Parameters to learn: {params}. The window f = {f} and stride s = {s} are "
    "hyperparameters you choose; nothing in a pooling layer is learned."
)

st.subheader("Each channel on its own")
vol = pool2d(LECTURE_RGB, f, stride=s, mode=mode) if f <= 6 else None
if vol is not None:
    for name, volume in (("Input", LECTURE_RGB), ("Pooled", vol)):
        chart(
            panels_figure(
                [
                    Panel(volume[..., k], kind="count", title=f"{name}, {CHANNELS[k]}")
                    for k in range(3)
                ]
            ),
            key=f"{KEY}_{name.lower()}_volume_chart",
        )
    formula(f"6×6×3 → {vol.shape[0]}×{vol.shape[1]}×{vol.shape[2]}", label="Shapes:")
    st.caption("The number of channels n_c does not change: each is pooled separately.")

st.subheader("A photo through conv → ReLU → pool")
stages = photo_stages(f, s, mode)
titles = {
    "input": "Input (camera, gray)",
    "conv": "Conv: vertical edges (z)",
    "relu": "ReLU(z)",
    "pool": f"{MODES[mode]}, f={f}, s={s}",
}
kinds = {"input": "gray", "conv": "signed", "relu": "relu", "pool": "relu"}
names = list(stages)
for row in (names[:2], names[2:]):
    for column, name in zip(st.columns(2), row, strict=True):
        with column:
            img = stages[name]
            chart(
                image_figure(img, kind=kinds[name], title=titles[name]),
                key=f"{KEY}_{name}_photo",
            )
            st.caption(f"{img.shape[0]}×{img.shape[1]}")
save_link(KEY, LINK)
