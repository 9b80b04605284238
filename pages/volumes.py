"""Convolution over volumes: an f×f×n_c filter on an n×n×n_c input; n_f filters stack."""

from dataclasses import replace

import numpy as np
import streamlit as st

from cnn_core import (
    VERTICAL_EDGE,
    conv2d,
    explain_cell,
    filter_bank,
    on_channels,
    output_size,
)
from cnn_core.examples import CHANNEL_NAMES, LECTURE_RGB, random_integers
from cnn_core.filters import edge_pair
from ui.components.grid_views import conv_terms, volume_grids
from ui.components.linked_grid import Grid, linked_grid, pin_to, pinned_cell
from ui.controls.control import Whole
from ui.course.path import end_of_lesson
from ui.display import formula
from ui.figures.bundled import photo_crop
from ui.figures.formulas import output_size_formula, products_formula
from ui.figures.photos import crop_place
from ui.links import Param, one_of, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "volumes"
CHANNEL_LETTERS = ("R", "G", "B")
INPUTS = ["Lecture RGB 6×6×3", "Random integers 6×6×3", "Crop of a photo (cat)"]
# The link keeps the values above; the page says where the first one comes from.
INPUT_NAMES = {INPUTS[0]: "Made from the lecture's 6×6 (6×6×3)"}
FILTER_BANKS = {
    "Vertical + horizontal edges (the lecture's 4×4×2)": "vh",
    "Vertical edge, all channels": "v",
    "Vertical edge, red channel only": "v_red",
    "Random integers": "random",
}


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
        seed = SEED.show(KEY)
        return random_integers(seed, (6, 6, 3))
    top, left = (
        control.show(KEY, column) for control, column in zip(CROP, st.columns(2), strict=True)
    )
    return photo_crop("cat.jpg", top, left)


def chosen_filters(kind: str, n_c: int) -> np.ndarray:
    """``(3, 3, n_c, n_f)``: the chosen filters, each on every channel or on one."""
    if kind == "vh":
        return edge_pair(n_c)
    if kind == "v":
        return filter_bank(on_channels(VERTICAL_EDGE, n_c))
    if kind == "v_red":
        return filter_bank(on_channels(VERTICAL_EDGE, n_c, only=0))
    seed = int(st.session_state.get(f"{KEY}_seed", 0))
    return random_integers(seed + 1, (3, 3, n_c, 2), low=-2, high=3)


def tinted(grids: list[Grid]) -> list[Grid]:
    """The input's channels in their own hue: red, green and blue, light for 0."""
    return [replace(g, scale=CHANNEL_NAMES[g.channel]) if g.role == "input" else g for g in grids]


def channel_sums(x: np.ndarray, w: np.ndarray) -> dict[int, np.ndarray]:
    """For each filter m, every output cell's sum per channel: ``(n_H', n_W', n_c)``.

    Channel c's part is the 2-D convolution of input channel c with filter slice c; the
    parts add up to the output (the volume's convolution is their sum).
    """
    n_c, n_f = w.shape[2], w.shape[3]
    return {
        m: np.stack([conv2d(x[..., c], w[..., c, m]) for c in range(n_c)], axis=-1)
        for m in range(n_f)
    }


SEED = Whole(
    "seed", "Random seed", 0, 9999, 0,
    "Each seed gives other random whole numbers 0 to 9 (and other filters).", typed=True,
)  # fmt: skip
CROP = (
    Whole("crop_top", "Crop row", 0, 69, 30, "Top row of the 6×6 crop (from 0)."),
    Whole("crop_left", "Crop column", 0, 106, 50, "Left column of the 6×6 crop (from 0)."),
)
# The rule in symbols: any sizes.
RULE = (
    Whole("rule_n", "n", 1, 512, 6, "Input height and width.", typed=True),
    Whole("rule_nc", "n_c", 1, 64, 3, "Input channels (3 for a colour image).", typed=True),
    Whole("rule_f", "f", 1, 11, 3, "Filter height and width.", typed=True),
    Whole("rule_p", "p", 0, 5, 0, "Pixels of zeros per side (pad p).", typed=True),
    Whole("rule_s", "s", 1, 4, 1, "Stride: cells per step.", typed=True),
    Whole("rule_nf", "n_f", 1, 4, 2, "How many filters (1 to 4).", typed=True),
)

LINK = [
    Param("input", INPUTS[0], one_of(INPUTS)),
    SEED.param,
    *(c.param for c in CROP),
    Param("filters", next(iter(FILTER_BANKS)), one_of(list(FILTER_BANKS))),
    Param("i", 0, whole(0, 3)),
    Param("j", 0, whole(0, 3)),
    Param("k", 0, whole(0, 1)),
    *(c.param for c in RULE),
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
        "6×6×3 * one 3×3×3 filter → 4×4×1, one 4×4": {
            "input": INPUTS[0],
            "filters": "Vertical edge, all channels",
        },
    },
)


@fragment
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
        if st.session_state.get(f"{KEY}_input") == INPUTS[2]:
            # Beside the crop's sliders: where in the photo the 6×6×3 comes from.
            crop_place(
                "cat.jpg",
                st.session_state[f"{KEY}_crop_top"],
                st.session_state[f"{KEY}_crop_left"],
            )
    w = chosen_filters(FILTER_BANKS[bank_label], x.shape[2])
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
    grids = tinted(volume_grids(x, w, out, CHANNEL_NAMES))
    sums = channel_sums(x, w)
    letters = CHANNEL_LETTERS[:n_c]
    linked_grid(
        f"{KEY}_grid",
        grids,
        f=f,
        terms={m: conv_terms(x, w[..., m]) for m in range(n_f)},
        pin=(k, i, j),
        on_pin=pin_to(KEY, group_key="k"),
        subtotals=sums,
        channels=letters,
        hint="Point at an output cell: its window lights up on all three channels, and its "
        f"{f * f * n_c} products appear here, channel by channel. Click to pin a cell.",
    )
    cell = explain_cell(x, w[..., k], i, j)
    formula(
        products_formula(cell, letters, sums[k][i, j]).replace("\n", "<br>"),
        label=f"Output ({i}, {j}, channel {k}), all {cell.products.size} products:",
    )
    st.caption(
        "The products are written channel by channel: R (red), G (green), B (blue), each "
        "with its own sum; the output number adds the three. "
        "(No bias here: the next lesson adds one.)"
    )


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
    st.markdown(
        "f, p, s and n_f are the layer's **hyperparameters**: you choose them, the network "
        "does not learn them. For layer l the lecture writes them f[l] (filter size), p[l] "
        "(padding), s[l] (stride) and n_c[l] (the number of filters, which is the number of "
        "channels the layer outputs). What it learns are the filters' weights and biases."
    )
    columns = zip(RULE, st.columns(6), strict=True)
    n, n_c, f, p, s, n_f = (control.show(KEY, column) for control, column in columns)
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
