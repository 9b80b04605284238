"""Why convolutions: a conv layer's parameters do not grow with the image; a dense one's do."""

import streamlit as st

from cnn_core import VERTICAL_EDGE, conv2d, conv_params, dense_params, dense_weights, output_size
from cnn_core.examples import lecture_image
from ui.components.grid_views import conv_terms
from ui.components.linked_grid import Grid, linked_grid, pin_to, pinned_cell
from ui.controls.control import Choice
from ui.course.path import end_of_lesson
from ui.display import chart, formula
from ui.figures.bars import count_bars
from ui.figures.formulas import in_words
from ui.links import Param, save_link, whole
from ui.page import examples, setup_page

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


SIZE = Choice(
    "size", "Image", list(SIZES), "1000×1000×3",
    "The colour image fed to the layer: height × width × 3 channels.",
)  # fmt: skip
LAYER = Choice(
    "layer", "Layer", list(LAYERS), next(iter(LAYERS)),
    "Which convolutional layer to compare with a fully connected one.", names=LAYER_NAMES,
)  # fmt: skip
LINK = [
    SIZE.param,
    LAYER.param,
    Param("i", 0, whole(0, 5)),
    Param("j", 0, whole(0, 5)),
]

setup_page(KEY, LINK)
st.title("Why convolutions?")
st.write(
    "Flatten an image and connect every input number (3 per pixel: red, green, blue) to "
    "every unit, and the weights explode with the image size. A convolutional layer reuses "
    "a few small filters everywhere: its parameters do not depend on the image at all."
)
examples(KEY, LECTURE_EXAMPLES)
c1, c2 = st.columns(2)
size_label, layer_label = SIZE.show(KEY, c1), LAYER.show(KEY, c2)
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

chart(
    count_bars(
        ["Fully connected", "Convolution"],
        {"parameters": [dense, conv]},
        height=360,
        title="parameters (log scale)",
        alt=f"Fully connected: {grouped(dense)} weights; convolution: {conv} parameters",
    ),
    key=f"{KEY}_bars",
)

st.header("Sparse connections and parameter sharing")
st.write(
    "Pick an output cell: it depends only on the pixels under its window, and every cell "
    "uses the same nine weights."
)
st.markdown(
    "**Why sharing works:** a feature detector, such as a vertical-edge filter, that is "
    "useful in one part of the image is probably useful in another. So one filter serves "
    "every position: far fewer parameters, so the network overfits less and can learn from "
    "less data, and a feature is found wherever it appears (translation invariance)."
)
x = lecture_image(8)
out = conv2d(x, VERTICAL_EDGE)
i, j = pinned_cell(KEY, *out.shape)
linked_grid(
    f"{KEY}_grid",
    [
        Grid(x, "Input 8×8", scale="gray"),
        Grid(VERTICAL_EDGE, "Filter 3×3, shared by every cell", role="filter", name="Filter"),
        Grid(out, f"Output {out.shape[0]}×{out.shape[1]}", role="output", name="Output cell"),
    ],
    f=3,
    terms={0: conv_terms(x, VERTICAL_EDGE)},
    pin=(0, i, j),
    on_pin=pin_to(KEY),
    hint="Point at an output cell: only the nine pixels under its window light up, and the "
    "same nine weights serve every cell. Point at a pixel to see which cells read it.",
)
st.caption(
    f"Output cell ({i}, {j}) reads {3 * 3} of the {x.size} input pixels. A dense unit would "
    f"read all {x.size}, with {x.size} weights of its own."
)
save_link(KEY, LINK)
end_of_lesson(KEY, "pages/why_convolutions.py")
