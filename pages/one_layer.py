"""One layer of a CNN: convolve, add a bias per filter, apply ReLU, stack; count parameters."""

import numpy as np
import streamlit as st

from cnn_core import (
    LECTURE_NETWORK,
    LENET5_LIKE,
    conv2d,
    conv_params,
    explain_cell,
    relu,
)
from cnn_core.examples import CHANNEL_NAMES, LECTURE_RGB
from cnn_core.filters import edge_pair
from ui.components.grid_views import biased_terms, layer_grids
from ui.components.linked_grid import linked_grid
from ui.controls.control import Whole
from ui.controls.network_builder import network_builder, parse_shape
from ui.controls.network_link import parse_network
from ui.controls.network_table import BUILDER_LIMITS
from ui.course.path import end_of_lesson
from ui.display import formula
from ui.figures.colors import symmetric_range
from ui.figures.formulas import number, products_formula
from ui.links import Param, one_of, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "layer"
PRESETS = {"The lecture's 39×39×3 network": LECTURE_NETWORK, "LeNet-5-like": LENET5_LIKE}
FIRST = next(iter(PRESETS))

# The small input: the volumes page's 6×6×3, a vertical- and a horizontal-edge filter.
X = LECTURE_RGB
W = edge_pair(3)
BIASES = (0, -5)
# The cell explained first: where filter 0's z is largest at the default biases, so ReLU
# lets a value through (cell (0, 0) has z = −15, and ReLU gives 0 there).
_z = conv2d(X, W, np.array(BIASES))[..., 0]
CELL = tuple(int(v) for v in np.unravel_index(np.argmax(_z), _z.shape))
N_F = W.shape[3]


BIAS = tuple(
    Whole(
        f"b{k}", f"Bias b{'₀₁'[k]} ({name} filter)", -20, 20, BIASES[k],
        f"One number added to every sum of the {name} filter, before ReLU.",
    )
    for k, name in enumerate(("vertical-edge", "horizontal-edge"))
)  # fmt: skip
# The parameter counter's sliders.
COUNTER = (
    Whole("f", "Filter size f", 1, 11, 3, "Each filter is f×f×n_c[l−1] weights."),
    Whole(
        "nc",
        "Input channels n_c[l−1]",
        1,
        64,
        3,
        "Channels of the layer's input (3 for a colour image).",
    ),
    Whole("nf", "Filters n_c[l]", 1, 64, 10, "How many filters, so how many output channels."),
)

LINK = [
    *(b.param for b in BIAS),
    # The chosen cell: grid k (0, 1: z of filter 0, 1; 2, 3: their ReLU), row i, column j.
    Param("k", 0, whole(0, 2 * N_F - 1)),
    Param("i", CELL[0], whole(0, _z.shape[0] - 1)),
    Param("j", CELL[1], whole(0, _z.shape[1] - 1)),
    *(c.param for c in COUNTER),
    Param("preset", FIRST, one_of(list(PRESETS))),
    # The network and input the student built (ui.controls.network_builder), when not the preset's.
    Param(
        "net",
        None,
        lambda text: parse_network(text, BUILDER_LIMITS),
        shown=lambda _: "the preset's network",
    ),
    Param("input", None, parse_shape, shown=lambda _: "the preset's input size"),
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
        "The lecture's 39×39×3 network": {"preset": FIRST, "net": None, "input": None},
        "LeNet-5-like network": {"preset": "LeNet-5-like", "net": None, "input": None},
    },
    reset={
        "b0": BIASES[0],
        "b1": BIASES[1],
        "k": 0,
        "i": CELL[0],
        "j": CELL[1],
        "f": 3,
        "nc": 3,
        "nf": 10,
        "preset": FIRST,
        "net": None,
        "input": None,
    },
)


def choose(group: int, i: int, j: int) -> None:
    st.session_state[f"{KEY}_k"], st.session_state[f"{KEY}_i"] = group, i
    st.session_state[f"{KEY}_j"] = j


def link() -> None:
    """The link, with the network built below (kept from the last full run)."""
    save_link(KEY, LINK, **st.session_state.get(f"_{KEY}_built", {}))


@fragment
def small_input() -> None:
    """Biases and the chosen cell: a changed bias or cell reruns only this part."""
    st.header("On a small input")
    c1, c2 = st.columns(2)
    b0, b1 = BIAS[0].show(KEY, c1), BIAS[1].show(KEY, c2)
    z = conv2d(X, W, np.array([b0, b1]))
    a = relu(z)
    st.caption(
        "Input: the 6×6×3 volume of the volumes page, made from the lecture's 6×6 (red the "
        "6×6, green its transpose, blue upside down); filters: vertical and horizontal edges on "
        "all three channels. ReLU(z) = max(0, z): 0 for z ≤ 0, z for z > 0."
    )

    k = min(max(int(st.session_state.setdefault(f"{KEY}_k", 0)), 0), 2 * N_F - 1)
    i = min(max(int(st.session_state.setdefault(f"{KEY}_i", CELL[0])), 0), z.shape[0] - 1)
    j = min(max(int(st.session_state.setdefault(f"{KEY}_j", CELL[1])), 0), z.shape[1] - 1)
    m = k % N_F  # the filter: z and ReLU(z) of filter m are grids m and N_F + m
    # z and ReLU(z) of one filter share a colour range, so what ReLU zeroes is plain to see.
    ranges = [symmetric_range(z[..., n]) for n in range(N_F)]
    linked_grid(
        f"{KEY}_grid",
        layer_grids(X, z, a, CHANNEL_NAMES, ranges),
        f=W.shape[0],
        terms={n: biased_terms(X, W[..., n], (b0, b1)[n]) for n in range(N_F)},
        pin=(k, i, j),
        on_pin=choose,
        hint="Point at a cell of z or ReLU(z) to light its 3×3×3 window in the input; the "
        "line writes its 27 products and, last, the bias as 1 × b. Click or press Enter to "
        "explain a cell below.",
    )
    formula(f"{'×'.join(map(str, X.shape))} → {'×'.join(map(str, a.shape))}", label="Shapes:")
    cell = explain_cell(X, W[..., m], i, j)
    b = (b0, b1)[m]
    z_ij, a_ij = z[i, j, m], a[i, j, m]
    formula(products_formula(cell), label=f"Cell ({i}, {j}) of filter {m}, Σ of its 27 products =")
    formula(
        f"z = Σ products + b{'₀₁'[m]} = {number(cell.total)} + ({number(b)}) = {number(z_ij)}; "
        f"a = ReLU(z) = max(0, {number(z_ij)}) = {number(a_ij)}",
        label="Then the bias and ReLU:",
    )
    st.markdown(
        f"z = {number(z_ij)} is positive, so ReLU lets it through: a = {number(a_ij)}."
        if z_ij > 0
        else f"z = {number(z_ij)} is not positive, so ReLU gives 0."
    )
    link()


@fragment
def parameters() -> None:
    """The parameter count of one conv layer: its sliders rerun only this part."""
    st.header("Parameters of a conv layer")
    c = st.columns(3)
    f, n_c, n_f = (control.show(KEY, column) for control, column in zip(COUNTER, c, strict=True))
    formula(
        f"({f}·{f}·{n_c} + 1)·{n_f} = {conv_params(f, n_c, n_f):,}",
        label="(f·f·n_c[l−1] + 1)·n_c[l] =",
    )
    st.caption(
        "Weights f×f×n_c[l−1]×n_c[l], plus one bias per filter, whatever the image size. "
        "The lecture's 10 filters of 3×3×3 and 6 filters of 5×5×3 are both a slider away."
    )
    link()


@fragment
def builder() -> None:
    """The network builder: an edit reruns only this part."""
    st.session_state[f"_{KEY}_built"] = network_builder(KEY, PRESETS)
    link()


small_input()
parameters()
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
builder()
end_of_lesson(KEY, "pages/one_layer.py")
