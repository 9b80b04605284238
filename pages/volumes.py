"""Convolution over volumes: an f×f×n_c filter on an n×n×n_c input; n_f filters stack."""

import numpy as np
import streamlit as st

from cnn_core import HORIZONTAL_EDGE, VERTICAL_EDGE, conv2d, explain_cell, load_image, output_size
from cnn_core.examples import LECTURE_RGB
from ui.course import end_of_lesson
from ui.display import formula
from ui.formulas import output_size_formula, products_formula
from ui.input_picker import ASSETS
from ui.linked_grid import Grid, conv_terms, linked_grid, pin_to, pinned_cell
from ui.links import Param, one_of, save_link, whole
from ui.page import examples, setup_page

KEY = "volumes"
CHANNELS = ("red", "green", "blue")
INPUTS = ["Lecture RGB 6×6×3", "Random integers 6×6×3", "Crop of a photo (cat)"]
# The link keeps the values above; the page says where the first one comes from.
INPUT_NAMES = {INPUTS[0]: "Made from the lecture's 6×6 (6×6×3)"}
FILTER_BANKS = {
    "Vertical + horizontal edges (the lecture's 4×4×2)": "vh",
    "Vertical edge, all channels": "v",
    "Vertical edge, red channel only": "v_red",
    "Random integers": "random",
}


@st.cache_data(max_entries=4, show_spinner=False)
def cat_crop(top: int, left: int) -> np.ndarray:
    """A 6×6×3 crop of the cat photo at 1/4 size, as whole numbers 0–255."""
    rgb = load_image((ASSETS / "cat.jpg").read_bytes())[::4, ::4]
    return np.round(rgb[top : top + 6, left : left + 6]).astype(np.int64)


def pick_input() -> np.ndarray:
    choice = st.selectbox(
        "Input volume",
        INPUTS,
        format_func=lambda c: INPUT_NAMES.get(c, c),
        key=f"{KEY}_input",
        help="The 6×6×3 colour image the filters slide over.",
    )
    if choice == INPUTS[0]:
        st.caption(
            "The lecture draws an RGB cube without numbers, so this one is made from the "
            "lecture's 6×6: red is the 6×6 itself, green its transpose, blue upside down."
        )
        return LECTURE_RGB
    if choice == INPUTS[1]:
        seed = st.number_input(
            "Random seed",
            0,
            9999,
            0,
            key=f"{KEY}_seed",
            help="Each seed gives other random whole numbers 0 to 9 (and other filters).",
        )
        return np.random.default_rng(int(seed)).integers(0, 10, (6, 6, 3))
    c1, c2 = st.columns(2)
    top = c1.slider(
        "Crop row", 0, 69, 30, key=f"{KEY}_crop_top", help="Top row of the 6×6 crop (from 0)."
    )
    left = c2.slider(
        "Crop column",
        0,
        106,
        50,
        key=f"{KEY}_crop_left",
        help="Left column of the 6×6 crop (from 0).",
    )
    return cat_crop(top, left)


def filter_bank(kind: str, n_c: int) -> np.ndarray:
    """``(3, 3, n_c, n_f)``: the chosen filters, each repeated or placed per channel."""

    def all_channels(k):
        return np.repeat(k[:, :, None], n_c, axis=2)

    if kind == "vh":
        return np.stack([all_channels(VERTICAL_EDGE), all_channels(HORIZONTAL_EDGE)], axis=3)
    if kind == "v":
        return all_channels(VERTICAL_EDGE)[..., None]
    if kind == "v_red":
        red = np.zeros((3, 3, n_c), dtype=np.int64)
        red[:, :, 0] = VERTICAL_EDGE
        return red[..., None]
    seed = st.session_state.get(f"{KEY}_seed", 0)
    return np.random.default_rng(int(seed) + 1).integers(-2, 3, (3, 3, n_c, 2))


LINK = [
    Param("input", INPUTS[0], one_of(INPUTS)),
    Param("seed", 0, whole(0, 9999)),
    Param("crop_top", 30, whole(0, 69)),
    Param("crop_left", 50, whole(0, 106)),
    Param("filters", next(iter(FILTER_BANKS)), one_of(list(FILTER_BANKS))),
    Param("i", 0, whole(0, 3)),
    Param("j", 0, whole(0, 3)),
    Param("k", 0, whole(0, 1)),
]

setup_page(KEY, LINK)
st.title("Convolution over volumes")
st.write(
    "A colour image is n×n×3: one grid per channel. Its filter is f×f×3, one slice per "
    "channel; each output number adds up all f·f·3 products. Several filters give several "
    "output channels, stacked."
)
examples(
    KEY,
    {
        "6×6×3 * two 3×3×3 filters → 4×4×2": {
            "input": INPUTS[0],
            "filters": next(iter(FILTER_BANKS)),
        },
        "6×6×3 * one 3×3×3 filter → 4×4": {
            "input": INPUTS[0],
            "filters": "Vertical edge, all channels",
        },
    },
)


@st.fragment
def lesson() -> None:
    """Controls, grids and the link: a changed control reruns only this part."""
    c1, c2 = st.columns(2)
    with c1:
        x = pick_input()
    with c2:
        bank_label = st.selectbox(
            "Filters",
            list(FILTER_BANKS),
            key=f"{KEY}_filters",
            help="The 3×3×3 filters: each has one 3×3 slice per input channel.",
        )
    w = filter_bank(FILTER_BANKS[bank_label], x.shape[2])
    out = conv2d(x, w)
    n_H, n_W, n_f = out.shape
    f, n_c = w.shape[0], w.shape[2]
    st.info(
        f"The input has {x.shape[2]} channels, so each filter is {f}×{f}×{n_c}: a filter must "
        "have one slice per input channel, because each output number sums over all of them."
    )
    formula(
        f"{x.shape[0]}×{x.shape[1]}×{x.shape[2]} * {n_f} filter{'s' * (n_f > 1)} "
        f"{f}×{f}×{n_c} → {n_H}×{n_W}×{n_f}",
        label="Shapes:",
    )
    i, j = pinned_cell(KEY, n_H, n_W)
    k = min(int(st.session_state.get(f"{KEY}_k", 0)), n_f - 1)
    st.session_state[f"{KEY}_k"] = k
    save_link(KEY, LINK)
    grids = [
        Grid(
            x[..., c], f"Input, {CHANNELS[c]}", kind="gray", channel=c, name=f"Input {CHANNELS[c]}"
        )
        for c in range(n_c)
    ]
    grids += [
        Grid(
            w[..., c, m],
            f"Filter {m}, {CHANNELS[c]}",
            role="filter",
            channel=c,
            group=m,
            row=1 + m,
        )
        for m in range(n_f)
        for c in range(n_c)
    ]
    grids += [
        Grid(
            out[..., m],
            f"Output channel {m}",
            role="output",
            group=m,
            name=f"Output channel {m}, cell",
            row=1 + n_f,
        )
        for m in range(n_f)
    ]
    linked_grid(
        f"{KEY}_grid",
        grids,
        f=f,
        terms={m: conv_terms(x, w[..., m]) for m in range(n_f)},
        pin=(k, i, j),
        on_pin=pin_to(KEY, group_key="k"),
        hint="Point at an output cell: its window lights up on all three channels, and its "
        f"{f * f * n_c} products appear here. Click to pin a cell.",
    )
    cell = explain_cell(x, w[..., k], i, j)
    formula(
        products_formula(cell),
        label=f"Output ({i}, {j}, channel {k}), all {cell.products.size} products:",
    )
    st.caption("The products are written channel by channel: red, then green, then blue.")


lesson()


def rule_in_symbols() -> None:
    """The general rule with padding, stride and up to 4 filters, on any sizes."""
    st.header("The rule in symbols")
    # Two short lines: one long one would scroll sideways on a phone.
    st.latex(r"n \times n \times n_c \;*\; n_f \text{ filters } f \times f \times n_c")
    st.latex(r"\to\; n' \times n' \times n_f")
    st.latex(r"n' = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1")
    st.caption(
        "Without padding and with stride 1 this is (n − f + 1)×(n − f + 1)×n_f, the "
        "lecture's rule. Try any sizes:"
    )
    c = st.columns(6)
    n = c[0].number_input("n", 1, 512, 6, key=f"{KEY}_rule_n", help="Input height and width.")
    n_c = c[1].number_input(
        "n_c", 1, 64, 3, key=f"{KEY}_rule_nc", help="Input channels (3 for a colour image)."
    )
    f = c[2].number_input("f", 1, 11, 3, key=f"{KEY}_rule_f", help="Filter height and width.")
    p = c[3].number_input("p", 0, 5, 0, key=f"{KEY}_rule_p", help="Rings of zeros per side.")
    s = c[4].number_input("s", 1, 4, 1, key=f"{KEY}_rule_s", help="Stride: cells per step.")
    n_f = c[5].number_input("n_f", 1, 4, 2, key=f"{KEY}_rule_nf", help="How many filters (1 to 4).")
    try:
        side = output_size(int(n), int(f), int(p), int(s))
    except ValueError as err:
        st.error(f"{err}. Make the filter smaller or add padding.")
        return
    formula(output_size_formula(int(n), int(f), int(p), int(s)), label="Height and width:")
    formula(
        f"{n}×{n}×{n_c} * {n_f} filter{'s' * (n_f > 1)} {f}×{f}×{n_c} → {side}×{side}×{n_f}",
        label="Shapes:",
    )


rule_in_symbols()
end_of_lesson(KEY, "pages/volumes.py")
