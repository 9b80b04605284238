"""One layer of a CNN: convolve, add a bias per filter, apply ReLU, stack; count parameters."""

import numpy as np
import streamlit as st

from cnn_core import (
    HORIZONTAL_EDGE,
    LECTURE_NETWORK,
    LENET5_LIKE,
    VERTICAL_EDGE,
    conv2d,
    conv_params,
    explain_cell,
    filter_bank,
    on_channels,
    relu,
)
from cnn_core.examples import LECTURE_RGB
from ui.colors import symmetric_range
from ui.course import end_of_lesson
from ui.display import chart, formula
from ui.formulas import number, products_formula
from ui.grids import Panel, panels_figure
from ui.links import Param, one_of, save_link, whole
from ui.network_builder import network_builder
from ui.page import examples, setup_page

KEY = "layer"
PRESETS = {"The lecture's 39×39×3 network": LECTURE_NETWORK, "LeNet-5-like": LENET5_LIKE}


LINK = [
    Param("b0", 0, whole(-20, 20)),
    Param("b1", -5, whole(-20, 20)),
    Param("f", 3, whole(1, 11)),
    Param("nc", 3, whole(1, 64)),
    Param("nf", 10, whole(1, 64)),
    Param("preset", next(iter(PRESETS)), one_of(list(PRESETS))),
]

setup_page(KEY, LINK)
st.title("One layer of a CNN")
st.latex(r"a^{[l]} = g\left(a^{[l-1]} * W^{[l]} + b^{[l]}\right)")
st.write(
    "Convolve the input with each filter, add that filter's bias (one real number), apply "
    "the non-linearity g = ReLU, and stack the results: that is one convolutional layer."
)

examples(
    KEY,
    {
        "10 filters 3×3×3: 280 parameters": {"f": 3, "nc": 3, "nf": 10},
        "6 filters 5×5×3: 456 parameters": {"f": 5, "nc": 3, "nf": 6},
        "The lecture's 39×39×3 network": {"preset": next(iter(PRESETS))},
        "LeNet-5-like network": {"preset": "LeNet-5-like"},
    },
    reset={"b0": 0, "b1": -5, "f": 3, "nc": 3, "nf": 10, "preset": next(iter(PRESETS))},
)

st.header("On a small input")
x = LECTURE_RGB
w = filter_bank(on_channels(VERTICAL_EDGE, 3), on_channels(HORIZONTAL_EDGE, 3))
c1, c2 = st.columns(2)
b0 = c1.slider(
    "Bias b₀ (vertical-edge filter)",
    -20,
    20,
    0,
    key=f"{KEY}_b0",
    help="One number added to every sum of the vertical-edge filter, before ReLU.",
)
b1 = c2.slider(
    "Bias b₁ (horizontal-edge filter)",
    -20,
    20,
    -5,
    key=f"{KEY}_b1",
    help="One number added to every sum of the horizontal-edge filter, before ReLU.",
)
z = conv2d(x, w, np.array([b0, b1]))
a = relu(z)
st.caption(
    "Input: the 6×6×3 volume of the volumes page, made from the lecture's 6×6 (red the "
    "6×6, green its transpose, blue upside down); filters: vertical and horizontal edges on "
    "all three channels. ReLU(z) = max(0, z): 0 for z ≤ 0, z for z > 0."
)
# z and ReLU(z) of one filter share a colour range, so what ReLU zeroes is plain to see.
ranges = [symmetric_range(z[..., k]) for k in (0, 1)]
# One chart per filter, side by side on a laptop, one under the other on a phone.
for column, k, b in zip(st.columns(2), (0, 1), (b0, b1), strict=True):
    with column:
        chart(
            panels_figure(
                [
                    Panel(
                        z[..., k],
                        title=f"z{'₀₁'[k]} = a * W{'₀₁'[k]} + ({number(b)})",
                        zrange=ranges[k],
                    ),
                    Panel(a[..., k], title=f"a{'₀₁'[k]} = ReLU(z{'₀₁'[k]})", zrange=ranges[k]),
                ]
            ),
            key=f"{KEY}_chart_{k}",
        )
formula(f"{'×'.join(map(str, x.shape))} → {'×'.join(map(str, a.shape))}", label="Shapes:")
cell = explain_cell(x, w[..., 0], 0, 0)
z00 = z[0, 0, 0]
formula(products_formula(cell), label="Cell (0, 0) of filter 0, Σ of its 27 products =")
formula(
    f"z = Σ products + b₀ = {number(cell.total)} + ({number(b0)}) = {number(z00)}; "
    f"a = ReLU(z) = max(0, {number(z00)}) = {number(a[0, 0, 0])}",
    label="Then the bias and ReLU:",
)

st.header("Parameters of a conv layer")
c = st.columns(3)
f = c[0].slider(
    "Filter size f", 1, 11, 3, key=f"{KEY}_f", help="Each filter is f×f×n_c[l−1] weights."
)
n_c = c[1].slider(
    "Input channels n_c[l−1]",
    1,
    64,
    3,
    key=f"{KEY}_nc",
    help="Channels of the layer's input (3 for a colour image).",
)
n_f = c[2].slider(
    "Filters n_c[l]",
    1,
    64,
    10,
    key=f"{KEY}_nf",
    help="How many filters, so how many output channels.",
)
formula(
    f"({f}·{f}·{n_c} + 1)·{n_f} = {conv_params(f, n_c, n_f):,}",
    label="(f·f·n_c[l−1] + 1)·n_c[l] =",
)
st.caption(
    "Weights f×f×n_c[l−1]×n_c[l], plus one bias per filter, whatever the image size. "
    "The lecture's 10 filters of 3×3×3 and 6 filters of 5×5×3 are both a slider away."
)

st.header("Build a network")
st.markdown(
    "Layer l has its own filter size f[l], padding p[l], stride s[l] and number of filters "
    "n_c[l]. Its input is n_H[l−1]×n_W[l−1]×n_c[l−1], its output n_H[l]×n_W[l]×n_c[l] with"
)
st.latex(
    r"n_H^{[l]} = \left\lfloor \frac{n_H^{[l-1]} + 2p^{[l]} - f^{[l]}}{s^{[l]}} \right\rfloor"
    r" + 1"
)
st.caption(
    "(likewise n_W[l]); weights f[l]×f[l]×n_c[l−1]×n_c[l] and n_c[l] biases. Each row "
    "below writes this out with its numbers."
)
network_builder(KEY, PRESETS)
save_link(KEY, LINK)
end_of_lesson(KEY, "pages/one_layer.py")
