"""Pooling (with ReLU): shrink each channel by taking the max or the mean of each window."""

import numpy as np
import streamlit as st

from cnn_core import (
    LENET5_LIKE,
    Layer,
    describe,
    explain_pool,
)
from cnn_core.examples import (
    CHANNEL_NAMES,
    LECTURE_RGB,
    POOL_AVERAGE_4X4,
    POOL_MAX_4X4,
    random_integers,
)
from ui.components.grid_views import pool_view, pooled_volume_grids
from ui.components.linked_grid import Grid, linked_grid, pin_to, pinned_cell
from ui.controls.control import Choice, Whole
from ui.course.path import end_of_lesson
from ui.display import formula
from ui.figures.formulas import pool_formula, pool_size_formula
from ui.figures.photos import conv_relu_pool
from ui.links import Param, one_of, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "pool"
MODES = {"max": "Max pooling", "average": "Average pooling"}
INPUTS = ["Lecture 4×4", "Lecture 4×4 (average)", "Random 6×6", "Random 8×8"]
LECTURE_INPUTS = {"max": INPUTS[0], "average": INPUTS[1]}
# Short enough to show whole in the select box at 1280 wide (its column is ~250 px).
INPUT_NAMES = {
    INPUTS[0]: "Lecture 4×4 (max)",
    INPUTS[1]: "Lecture 4×4 (average)",
}
LECTURE_X = {INPUTS[0]: POOL_MAX_4X4, INPUTS[1]: POOL_AVERAGE_4X4}
# The one cell where the lecture's two 4×4 inputs differ.
DIFF = tuple(int(v) for v in np.argwhere(POOL_MAX_4X4 != POOL_AVERAGE_4X4)[0])
RANDOM_SIDES = {INPUTS[2]: 6, INPUTS[3]: 8}


def lecture_input_for_mode() -> None:
    """Changing the mode on a lecture input moves to that mode's lecture input (and says so)."""
    if st.session_state.get(f"{KEY}_input", INPUTS[0]) in LECTURE_X:
        st.session_state[f"{KEY}_input"] = LECTURE_INPUTS[st.session_state[f"{KEY}_mode"]]


def input_from_link(text: str) -> str:
    """Older links say "Lecture 4×4" for both lecture inputs: the mode decides which."""
    choice = one_of(INPUTS)(text)
    if choice == INPUTS[0] and st.query_params.get("mode") == "average":
        return INPUTS[1]
    return choice


MODE = Choice(
    "mode",
    "Mode",
    list(MODES),
    "max",
    "Max keeps the largest number of each window; average keeps their mean.",
    widget="radio",
    names=MODES,
)
F = Whole("f", "Window f", 1, 4, 2, "The pooling window is f×f cells.")
S = Whole("s", "Stride s", 1, 4, 2, "How many cells the window jumps each step.")
LINK = [
    MODE.param,
    F.param,
    S.param,
    Param("input", INPUTS[0], input_from_link),
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
st.markdown(
    "**Why max works:** a large number in a window means a feature (an edge, say) was found "
    "somewhere in it. Max keeps that number wherever in the window it was; where no "
    "feature was found, every number, and so the max, stays small."
)
examples(
    KEY,
    {
        "Max pooling, f = 2, s = 2, on the lecture's 4×4 → 9 2 / 6 3": {
            "mode": "max",
            "input": INPUTS[0],
            "f": 2,
            "s": 2,
        },
        "Average pooling, f = 2, s = 2, on the lecture's other 4×4 → 3.75 1.25 / 4 2": {
            "mode": "average",
            "input": INPUTS[1],
            "f": 2,
            "s": 2,
        },
    },
    reset={"mode": "max", "input": INPUTS[0], "f": 2, "s": 2, "i": 0, "j": 0},
)


@fragment
def lesson() -> None:
    """Controls, grids and the link: a changed control reruns only this part."""
    c = st.columns([1, 1, 1, 1.35])
    mode = MODE.show(KEY, c[0], on_change=lecture_input_for_mode)
    f, s = F.show(KEY, c[1]), S.show(KEY, c[2])
    choice = c[3].selectbox(
        "Input",
        INPUTS,
        index=INPUTS.index(LECTURE_INPUTS[mode]),
        format_func=lambda c: INPUT_NAMES.get(c, c),
        key=f"{KEY}_input",
        help="The lecture uses one 4×4 for max pooling and another for average pooling.",
    )
    if choice in LECTURE_X:
        x = LECTURE_X[choice]
        r, q = DIFF
        st.caption(
            f"The lecture's max and average examples use two 4×4 inputs that differ in one "
            f"cell, row {r}, column {q}: {POOL_MAX_4X4[r, q]} in the max example, "
            f"{POOL_AVERAGE_4X4[r, q]} in the average one. Changing the mode here picks that "
            "mode's input; choose either by name above."
        )
    else:
        side = RANDOM_SIDES[choice]
        x = random_integers(side, (side, side))

    try:
        out, extra = pool_view(x, f, stride=s, mode=mode)
    except ValueError as err:
        save_link(KEY, LINK)
        st.error(f"{err}. Make the window smaller.")
        return
    params = describe((*x.shape, 1), [Layer("pool", f=f, s=s, mode=mode)])[0].params
    i, j = pinned_cell(KEY, *out.shape)
    save_link(KEY, LINK)
    linked_grid(
        f"{KEY}_grid",
        [
            Grid(x, f"Input {x.shape[0]}×{x.shape[1]}", scale="count"),
            Grid(
                out,
                f"{MODES[mode]} → {out.shape[0]}×{out.shape[1]}",
                role="output",
                scale="count",
                name="Output cell",
            ),
        ],
        f=f,
        stride=s,
        formula=mode,
        terms={0: extra["terms"]},
        winners={0: extra["winners"]} if mode == "max" else None,
        pin=(0, i, j),
        on_pin=pin_to(KEY),
        hint="Point at a pooled cell to see its window"
        + (" and its winner (blue dot)" if mode == "max" else "")
        + ". Click to pin it.",
    )
    cell = explain_pool(x, f, i, j, stride=s, mode=mode)
    formula(pool_formula(cell), label=f"Output ({i}, {j}) =")
    if mode == "max":
        r, q = cell.winner
        st.caption(
            f"The winner (blue dot) sits at row {cell.top + r}, column {cell.left + q} of the "
            "input."
        )
    formula(pool_size_formula(x.shape[0], f, s), label="Output size ⌊(n_H − f)/s⌋ + 1 =")
    st.success(
        f"Parameters to learn: {params}. The window f = {f} and stride s = {s} are "
        "hyperparameters you choose; nothing in a pooling layer is learned. The usual "
        "choices: f = 2, s = 2 (halves height and width) or f = 3, s = 2; padding is rare."
    )

    if f <= 6:
        each_channel(f, s, mode)
    st.header("A photo through conv → ReLU → pool")
    conv_relu_pool(f, s, mode, title=f"{MODES[mode]}, f={f}, s={s}")


def each_channel(f: int, s: int, mode: str) -> None:
    """The lecture's RGB volume pooled channel by channel, linked like the 4×4."""
    st.header("Each channel on its own")
    channels = [pool_view(LECTURE_RGB[..., k], f, stride=s, mode=mode) for k in range(3)]
    grids = pooled_volume_grids(LECTURE_RGB, [p for p, _ in channels], CHANNEL_NAMES)
    linked_grid(
        f"{KEY}_volume_grid",
        grids,
        f=f,
        stride=s,
        formula=mode,
        terms={k: e["terms"] for k, (_, e) in enumerate(channels)},
        winners={k: e["winners"] for k, (_, e) in enumerate(channels)} if mode == "max" else None,
        depthwise=True,
        hint="Point at a pooled cell: only its own channel is read.",
    )
    pooled = channels[0][0]
    formula(f"6×6×3 → {pooled.shape[0]}×{pooled.shape[1]}×3", label="Shapes:")
    st.caption("The number of channels n_c does not change: each is pooled separately.")


def in_a_network() -> None:
    """The lecture's usual pattern, with the LeNet-5-like network's own shapes and counts."""
    input_shape, layers = LENET5_LIKE
    rows = describe(input_shape, layers)
    convs = [r.shape for r in rows if len(r.shape) == 3]  # the volumes, before FLATTEN
    sides = " → ".join(str(v) for v in [input_shape[0], *(shape[0] for shape in convs)])
    channels = sorted({input_shape[2], *(shape[2] for shape in convs)})
    fc = sum(r.params for r in rows if len(r.shape) == 1)  # FLATTEN has none
    total = sum(r.params for r in rows)
    st.header("Where pooling sits in a network")
    st.markdown(
        "The usual pattern: CONV → POOL → CONV → POOL → … → FC → FC → SOFTMAX. In the "
        f"lecture's LeNet-5-like network height and width shrink ({sides}) while the "
        f"channels grow ({' → '.join(map(str, channels))}), and most parameters sit in the "
        f"fully connected (FC) layers: {fc:,} of {total:,} ({100 * fc / total:.0f} %). "
        "The pooling layers add none."
    )


lesson()
in_a_network()
end_of_lesson(KEY, "pages/pooling.py")
