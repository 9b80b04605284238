"""Why convolutions: a conv layer's parameters do not grow with the image; a dense one's do."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import VERTICAL_EDGE, conv2d, conv_params, dense_params, dense_weights, output_size
from cnn_core.examples import lecture_image
from ui.course import end_of_lesson
from ui.formulas import in_words
from ui.grids import Box, Panel, panels_figure
from ui.links import Param, one_of, save_link, whole
from ui.widgets import cell_click_handler, cell_picker, chart, examples, formula, setup_page

KEY = "why"
SIZES = {"64×64×3": 64, "32×32×3": 32, "256×256×3": 256, "1000×1000×3": 1000}
LAYERS = {
    "10 filters 3×3 against 1,000 dense units": (3, 10, "units"),
    "6 filters 5×5 against a dense layer with the same output": (5, 6, "same"),
}
# The link keeps the values above; the page writes the filters as the lecture does.
LAYER_NAMES = {
    "10 filters 3×3 against 1,000 dense units": "10 filters 3×3×3 against 1,000 dense units",
    "6 filters 5×5 against a dense layer with the same output": (
        "6 filters 5×5×3 against a dense layer with the same output"
    ),
}
LECTURE_EXAMPLES = {
    "3 billion against 280: 1000×1000×3, 10 filters 3×3×3": {
        "size": "1000×1000×3",
        "layer": "10 filters 3×3 against 1,000 dense units",
    },
    "14.5 million against 456: 32×32×3, 6 filters 5×5×3": {
        "size": "32×32×3",
        "layer": "6 filters 5×5 against a dense layer with the same output",
    },
}


def grouped(v: int) -> str:
    return f"{v:,}"


LINK = [
    Param("size", "1000×1000×3", one_of(list(SIZES))),
    Param("layer", next(iter(LAYERS)), one_of(list(LAYERS))),
    Param("i", 0, whole(0, 5)),
    Param("j", 0, whole(0, 5)),
]

setup_page(KEY, LINK)
st.title("Why convolutions?")
st.write(
    "Flatten an image and connect every pixel to every unit, and the weights explode with "
    "the image size. A convolutional layer reuses one small filter everywhere: its "
    "parameters do not depend on the image at all."
)
examples(KEY, LECTURE_EXAMPLES)
c1, c2 = st.columns(2)
with c1:
    size_label = st.selectbox(
        "Image",
        list(SIZES),
        index=3,
        key=f"{KEY}_size",
        help="The colour image fed to the layer: height × width × 3 channels.",
    )
with c2:
    layer_label = st.selectbox(
        "Layer",
        list(LAYERS),
        format_func=LAYER_NAMES.get,
        key=f"{KEY}_layer",
        help="Which convolutional layer to compare with a fully connected one.",
    )
n = SIZES[size_label]
f, n_f, dense_kind = LAYERS[layer_label]
n_in = n * n * 3
n_out_side = output_size(n, f)
units = 1000 if dense_kind == "units" else n_out_side * n_out_side * n_f
dense = dense_weights(n_in, units)
biases = dense_params(n_in, units) - dense
conv = conv_params(f, 3, n_f)

formula(f"{grouped(n)}·{grouped(n)}·3 = {grouped(n_in)} inputs", label="Flattened image:")
formula(
    f"{grouped(n_in)} × {grouped(units)} = {grouped(dense)} weights (≈ {in_words(dense)}), "
    f"+ {grouped(biases)} biases",
    label=f"Fully connected, {grouped(units)} units:",
)
formula(
    f"({f}·{f}·3 + 1)·{n_f} = {conv} parameters",
    label=f"Convolution, {n_f} filters {f}×{f}×3:",
)
st.caption(
    f"The dense layer needs {dense / conv:,.0f} times as many numbers, counting its "
    f"weights alone (the chart leaves its {grouped(biases)} biases out; the convolution's "
    f"{n_f} biases are in its {conv}). "
    + (
        "Its units match the conv layer's output, "
        f"{n_out_side}×{n_out_side}×{n_f} = {grouped(units)}."
        if dense_kind == "same"
        else ""
    )
)

bars = go.Figure(
    go.Bar(
        x=["Fully connected", "Convolution"],
        y=[dense, conv],
        text=[grouped(dense), grouped(conv)],
        textposition="outside",
        marker_color=["#D55E00", "#0C7BDC"],
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
)
bars.update_yaxes(type="log", title="parameters (log scale)", range=[0, np.log10(dense) + 1])
bars.update_layout(height=360, margin={"l": 10, "r": 10, "t": 30, "b": 10}, dragmode=False)
chart(
    bars,
    key=f"{KEY}_bars",
    alt=f"Fully connected: {grouped(dense)} weights; convolution: {conv} parameters",
)

st.header("Sparse connections and parameter sharing")
st.write(
    "Pick an output cell: it depends only on the pixels under its window, and every cell "
    "uses the same nine weights."
)
x = lecture_image(8)
out_side = output_size(8, 3)
i, j = cell_picker(KEY, out_side, out_side)
out = conv2d(x, VERTICAL_EDGE)
chart(
    panels_figure(
        [
            Panel(x, kind="gray", title="Input 8×8", window=Box(i, j, 3, 3)),
            Panel(
                out,
                kind="signed",
                title=f"Output {out_side}×{out_side}",
                window=Box(i, j),
                clickable=True,
            ),
        ]
    ),
    key=f"{KEY}_chart",
    on_select=cell_click_handler(KEY),
)
st.caption(
    f"Output cell ({i}, {j}) reads {3 * 3} of the {x.size} input pixels. A dense unit would "
    f"read all {x.size}, with {x.size} weights of its own."
)
save_link(KEY, LINK)
end_of_lesson(KEY, "pages/why_convolutions.py")
