"""Stride: the window jumps s cells at a time, so the output is about s times smaller."""

import numpy as np
import streamlit as st

from cnn_core import box_filter, conv2d, output_size, pad, usage_count
from cnn_core.examples import lecture_image
from ui.formulas import number, output_size_formula
from ui.grids import Box, Panel, grid_figure, padded_panel, panels_figure
from ui.links import Param, save_link, whole
from ui.widgets import chart, formula, setup_page

KEY = "stride"
LECTURE_PRESETS = {
    "7×7, f = 3, s = 2 → 3×3": {"n": 7, "f": 3, "p": 0, "s": 2},
    "6×6 padded by 1 (8×8), f = 3, s = 2 → 3×3": {"n": 6, "f": 3, "p": 1, "s": 2},
    "8×8, f = 3, s = 2: a column left out": {"n": 8, "f": 3, "p": 0, "s": 2},
}


def load_preset(values: dict[str, int]) -> None:
    for name, value in values.items():
        st.session_state[f"{KEY}_{name}"] = value
    st.session_state[f"{KEY}_step"] = 0


def move(delta: int, count: int) -> None:
    st.session_state[f"{KEY}_step"] = (st.session_state.get(f"{KEY}_step", 0) + delta) % count


LINK = [
    Param("n", 7, whole(1, 12)),
    Param("f", 3, whole(1, 7)),
    Param("p", 0, whole(0, 3)),
    Param("s", 2, whole(1, 4)),
    Param("step", 0, whole(0, 200)),
]

setup_page(KEY, LINK)
st.title("Stride")
st.write(
    "With stride s the window jumps s cells at a time, across and down. Fewer positions "
    "fit, so the output shrinks: ⌊(n + 2p − f)/s⌋ + 1 in each direction."
)
st.write("The lecture's examples:")
for column, (label, values) in zip(
    st.columns(len(LECTURE_PRESETS)), LECTURE_PRESETS.items(), strict=True
):
    column.button(
        label,
        on_click=load_preset,
        args=(values,),
        key=f"{KEY}_preset_{values['n']}_{values['p']}",
        width="stretch",
    )

c = st.columns(4)
n = c[0].slider("Image size n", 1, 12, 7, key=f"{KEY}_n")
f = c[1].slider("Filter size f", 1, 7, 3, key=f"{KEY}_f")
p = c[2].slider("Padding p", 0, 3, 0, key=f"{KEY}_p")
s = c[3].slider("Stride s", 1, 4, 2, key=f"{KEY}_s")

save_link(KEY, LINK)  # before any early stop, so the link always matches the controls
x = lecture_image(n)
try:
    out = conv2d(x, box_filter(f), stride=s, padding=p)
except ValueError as err:
    st.error(f"{err}. Make the filter smaller or add padding.")
    st.stop()
n_out = output_size(n, f, p, s)
count = n_out * n_out
padded = pad(x, p)
formula(output_size_formula(n, f, p, s), label="Output size =")
if (padded.shape[0] - f) % s:
    st.caption(
        f"(n + 2p − f)/s = {number((padded.shape[0] - f) / s)} is not whole: one more step "
        "would put part of the window outside the padded image, so it is not taken. "
        "That is the floor ⌊·⌋."
    )


counts = usage_count(n, f, p, s)
never = [Box(int(i) + p, int(j) + p) for i, j in np.argwhere(counts == 0)]
# Outside the fragment: switching Play reruns the page, which re-arms the fragment's timer.
playing = st.toggle("Play: step the window by itself", key=f"{KEY}_play")


@st.fragment(run_every=0.9 if playing else None)
def stepper() -> None:
    """The window's walk; while playing, only this part reruns, one step each time."""
    if st.session_state.get(f"{KEY}_play"):
        move(+1, count)
    st.session_state[f"{KEY}_step"] = st.session_state.get(f"{KEY}_step", 0) % count
    b = st.columns([1, 1, 4])
    b[0].button("◀ Back", on_click=move, args=(-1, count), key=f"{KEY}_back", width="stretch")
    b[1].button("Next ▶", on_click=move, args=(+1, count), key=f"{KEY}_next", width="stretch")
    if count > 1:
        with b[2]:
            st.slider("Window position", 0, count - 1, key=f"{KEY}_step")
    step = st.session_state[f"{KEY}_step"]
    st.query_params["step"] = str(step)  # this part reruns alone: keep the link's step current
    r, q = divmod(step, n_out)
    top, left = r * s, q * s
    starts = [Box(i * s, j * s) for i in range(n_out) for j in range(n_out)]
    st.markdown(
        f"**Position {step + 1} of {count}**: output cell ({r}, {q}) reads the window whose "
        f"top-left corner is at row {top}, column {left} of the padded input."
    )
    chart(
        panels_figure(
            [
                padded_panel(
                    padded,
                    p,
                    window=Box(top, left, f, f),
                    marks=tuple(starts),
                    flags=tuple(never),
                    title=f"Padded input {padded.shape[0]}×{padded.shape[1]}",
                ),
                Panel(out, kind="count", window=Box(r, q), title=f"Output {n_out}×{n_out}"),
            ]
        ),
        key=f"{KEY}_chart",
    )
    st.caption(
        "Blue dots: where each window starts. Amber: the current window and its output cell."
        + (" Vermillion: pixels no window reaches." if never else "")
        + f" Each output cell is the sum of its {f}×{f} window (an all-ones filter)."
    )


stepper()

missed = len(never)
st.subheader("Which pixels does the stride never reach?")
chart(
    grid_figure(
        counts,
        kind="count",
        flags=[Box(b.top - p, b.left - p) for b in never],
        title=f"Windows using each pixel of the {n}×{n} image",
    ),
    key=f"{KEY}_usage_chart",
)
if missed:
    st.warning(
        f"{missed} pixel{'s' * (missed != 1)} of the image (the 0 cells) are never under any "
        "window: the last step would not fit, so what lies there is never seen."
    )
else:
    st.success("Every pixel is under at least one window.")
