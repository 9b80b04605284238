"""Stride: the window jumps s cells at a time, so the output is about s times smaller."""

import numpy as np
import streamlit as st

from cnn_core import box_filter, conv2d, output_size, pad, usage_count
from cnn_core.examples import lecture_image
from ui.components.grid_views import conv_terms
from ui.components.linked_grid import Grid, linked_grid
from ui.components.maps import Map, show_maps
from ui.controls.control import Whole
from ui.course.path import end_of_lesson
from ui.display import formula
from ui.figures.formulas import number, output_size_formula
from ui.links import Param, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "stride"
PRESETS = {
    "Lecture: 7×7, f = 3, s = 2 → 3×3": {"n": 7, "f": 3, "p": 0, "s": 2, "step": 0},
    "Lecture: 6×6 padded by 1 (8×8), f = 3, s = 2 → 3×3": {
        "n": 6,
        "f": 3,
        "p": 1,
        "s": 2,
        "step": 0,
    },
}
# Not from the lecture, so not among its examples: a stride that never reaches the far edge.
UNREACHED = {"n": 8, "f": 3, "p": 0, "s": 2, "step": 0}


def set_controls(values: dict[str, object]) -> None:
    for name, value in values.items():
        st.session_state[f"{KEY}_{name}"] = value


N = Whole("n", "Image size n", 1, 12, 7, "The input is n×n pixels.")
F = Whole("f", "Filter size f", 1, 7, 3, "The window is f×f.")
P = Whole("p", "Padding p", 0, 3, 0, "Pixels of zeros on every side (pad p).")
S = Whole("s", "Stride s", 1, 4, 2, "How many cells the window jumps each step, across and down.")
LINK = [
    *(c.param for c in (N, F, P, S)),
    Param("step", 0, whole(0, 200)),
]

setup_page(KEY, LINK)
st.title("Stride")
st.write(
    "With stride s the window jumps s cells at a time, across and down. Fewer positions "
    "fit, so the output shrinks: ⌊(n + 2p − f)/s⌋ + 1 in each direction."
)
examples(
    KEY,
    PRESETS,
    button_keys=[f"{KEY}_preset_{v['n']}_{v['p']}" for v in PRESETS.values()],
)
st.button(
    "Beyond the lecture: 8×8 unpadded, f = 3, s = 2, the last row and column never reached",
    key=f"{KEY}_preset_8_0",
    on_click=set_controls,
    args=(UNREACHED,),
    help="Set the controls to an example of our own (not the lecture's): a stride of 2 "
    "stops one pixel short of the far edge, so 15 pixels are never read.",
)


def pin_step(_group: int, i: int, j: int) -> None:
    """A committed output cell is a position of the walk: row by row, from 0."""
    n_out = st.session_state[f"{KEY}_n_out"]
    st.session_state[f"{KEY}_step"] = i * n_out + j


@fragment
def lesson() -> None:
    """Controls, grids and the link: a changed control reruns only this part."""
    columns = zip((N, F, P, S), st.columns(4), strict=True)
    n, f, p, s = (control.show(KEY, column) for control, column in columns)

    x = lecture_image(n)
    try:
        out = conv2d(x, box_filter(f), stride=s, padding=p)
    except ValueError as err:
        save_link(KEY, LINK)
        st.error(f"{err}. Make the filter smaller or add padding.")
        return
    n_out = output_size(n, f, p, s)
    count = n_out * n_out
    st.session_state[f"{KEY}_n_out"] = n_out
    step = min(st.session_state.get(f"{KEY}_step", 0), count - 1)
    st.session_state[f"{KEY}_step"] = step
    save_link(KEY, LINK)
    padded = pad(x, p)
    formula(output_size_formula(n, f, p, s), label="Output size =")
    floored = (n + 2 * p - f) % s != 0  # the last step would stick out: ⌊·⌋ drops it
    if floored:
        st.caption(
            f"(n + 2p − f)/s = {number((padded.shape[0] - f) / s)} is not whole: one more step "
            "would put part of the window outside the padded image, so it is not taken. "
            "That is the floor ⌊·⌋."
        )

    counts = usage_count(n, f, p, s)
    never = [(int(i) + p, int(j) + p) for i, j in np.argwhere(counts == 0)]
    r, q = divmod(step, n_out)
    linked_grid(
        f"{KEY}_grid",
        [
            Grid(
                padded,
                # "Padded" only when there is padding to show.
                f"Padded input {padded.shape[0]}×{padded.shape[1]}" if p else f"Input {n}×{n}",
                scale="gray",
                pad=p,
                marks=tuple((i * s, j * s) for i in range(n_out) for j in range(n_out)),
                flags=tuple(never),
            ),
            Grid(out, f"Output {n_out}×{n_out}", role="output", scale="count", name="Output cell"),
        ],
        f=f,
        stride=s,
        formula="sum",
        terms={0: conv_terms(padded, box_filter(f), stride=s)[..., 0]},
        pin=(0, r, q),
        on_pin=pin_step,
        player=True,
        # The player's line names the position: the pinned one ("Position 1 of 9
        # (pinned)"), or the one stepped to or pointed at; one line, never both.
        hint="Play or step the window through its positions, or point at the output. "
        "Point at an input pixel to see which windows read it. Click to pin a position.",
    )
    st.caption(
        "Blue dots: where each window starts. Amber: the current window and its output cell."
        + (" Vermillion: pixels no window reaches." if never else "")
        + f" Each output cell is the sum of its {f}×{f} window (an all-ones filter)."
    )

    missed = len(never)
    st.header("Which pixels does the stride never reach?")
    # A static number grid (ui.components.maps): as a Plotly chart it cost ~100 ms of every change.
    show_maps(
        f"{KEY}_usage",
        [
            Map(
                counts,
                f"Windows using each pixel of the {n}×{n} image",
                f"Windows per pixel of the {n}×{n} image, stride {s}",
                flags=tuple((i - p, j - p) for i, j in never),
            )
        ],
        cell=34,
    )
    if missed:
        causes = []
        if floored:
            causes.append("at the far edge, one more step would not fit inside the padded image")
        if s > f:
            causes.append(
                f"between windows, the stride s = {s} is larger than the window f = {f}, so "
                f"{s - f} row{'s' * (s - f > 1)} and column{'s' * (s - f > 1)} are jumped "
                "over at every step"
            )
        st.warning(
            f"{missed} pixel{'s' * (missed != 1)} of the image (the 0 cells) "
            f"{'is' if missed == 1 else 'are'} never under any window, so what lies there is "
            "never seen: " + "; and ".join(causes) + "."
        )
    else:
        st.success("Every pixel is under at least one window.")


lesson()
end_of_lesson(KEY, "pages/stride.py")
