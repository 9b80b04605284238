"""Padding: zeros around the image keep it from shrinking and let edge pixels count."""

import streamlit as st

from cnn_core import box_filter, conv2d, pad, same_padding, usage_count
from cnn_core.examples import lecture_image
from cnn_core.windows import windows
from ui.components.grid_views import conv_terms
from ui.components.linked_grid import Grid, linked_grid, pin_to, pinned_cell
from ui.components.maps import Map, show_maps
from ui.controls.control import Choice, Whole
from ui.course.path import end_of_lesson
from ui.display import formula
from ui.figures.formulas import output_size_formula, sum_formula
from ui.links import Param, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "padding"
MODES = ["valid (p = 0)", "same", "choose p"]
LECTURE_EXAMPLES = {
    "6×6 padded by p = 1 to 8×8 → 6×6 (same)": {"n": 6, "f": 3, "mode": MODES[1], "p": 1},
    "6×6 * 3×3, no padding → 4×4 (valid)": {"n": 6, "f": 3, "mode": MODES[0], "p": 0},
}

N = Whole("n", "Image size n", 1, 12, 6, "The input is n×n pixels.")
F = Whole("f", "Filter size f", 1, 7, 3, "The filter is f×f weights.")
MODE = Choice(
    "mode",
    "Padding",
    MODES,
    MODES[1],
    "Valid: no zeros. Same: just enough zeros to keep the size. Choose p: your own pad p.",
    widget="radio",
)
P = Whole("p", "Padding p", 0, 3, 1, "How many pixels of zeros go on every side of the image.")
LINK = [
    N.param,
    F.param,
    MODE.param,
    P.param,
    Param("i", 0, whole(0, 17)),
    Param("j", 0, whole(0, 17)),
]

setup_page(KEY, LINK)
st.title("Padding")
st.write(
    "Without padding an n×n image shrinks to (n − f + 1)×(n − f + 1) at every layer, and a "
    "corner pixel is seen by one window only. Padding (pad p) adds p pixels of zeros on "
    "every side, so the image becomes (n + 2p)×(n + 2p)."
)
examples(KEY, LECTURE_EXAMPLES)


@fragment
def lesson() -> None:
    """Controls, grids and the link: a changed control reruns only this part."""
    c1, c2, c3 = st.columns(3)
    n = N.show(KEY, c1)
    f = F.show(KEY, c2)
    with c3:
        mode = MODE.show(KEY, horizontal=True)
        if mode == "choose p":
            p = P.show(KEY)
        elif mode == "same":
            if f % 2:
                p = same_padding(f)
            else:
                st.warning(
                    f'"same" padding needs an odd filter size: f = {f} would need '
                    f"p = (f − 1)/2 = {(f - 1) / 2} zeros on each side, and p counts whole "
                    f"pixels of zeros per side, so it must be a whole number. The {f - 1} zeros "
                    f"that keep the size would go {f // 2} on one side and {f // 2 - 1} on the "
                    "other: the output would drift by half a pixel, and the filter has no "
                    "centre pixel. That is why filters are usually odd. Showing p = 0 instead."
                )
                p = 0
        else:
            p = 0

    x = lecture_image(n)
    padded = pad(x, p)
    try:
        out = conv2d(x, box_filter(f), padding=p)
    except ValueError as err:
        save_link(KEY, LINK)
        st.error(f"{err}. Make the filter smaller or add padding.")
        return
    i, j = pinned_cell(KEY, *out.shape)
    save_link(KEY, LINK)
    formula(output_size_formula(n, f, p), label="Output size n + 2p − f + 1 =")
    title = (
        f"Input {n}×{n}, padded to {padded.shape[0]}×{padded.shape[1]}"
        if p
        else (f"Input {n}×{n}, no padding")
    )
    linked_grid(
        f"{KEY}_grid",
        [
            Grid(padded, title, scale="gray", pad=p),
            Grid(
                out,
                f"Output {out.shape[0]}×{out.shape[1]}",
                role="output",
                scale="count",
                name="Output cell",
            ),
        ],
        f=f,
        formula="sum",
        terms={0: conv_terms(padded, box_filter(f))[..., 0]},
        pin=(0, i, j),
        on_pin=pin_to(KEY),
        hint="Point at an output cell to see its window; point at an input pixel to see "
        "every window that reads it. Click to pin a cell.",
    )
    formula(
        sum_formula(windows(padded, f)[i, j], out[i, j]),
        label=f"Output cell ({i}, {j}), the sum of its {f}×{f} window =",
    )
    st.caption(
        (f"The washed-out border is the padding: p = {p}, zeros on every side. " if p else "")
        + f"Each output cell is the sum of its {f}×{f} window (an all-ones filter)."
    )

    st.header("How many windows see each pixel?")
    counts_p = usage_count(n, f, p)
    # Static number grids (ui.components.maps): a Plotly chart here cost ~60 ms of every rerun.
    maps = [Map(counts_p, f"Padding p = {p}", f"Windows per pixel, padding p = {p}", band=0)]
    if f <= n:
        counts = usage_count(n, f)
        maps.insert(0, Map(counts, "No padding", "Windows per pixel, no padding"))
    show_maps(f"{KEY}_usage", maps, cell=34)
    if f <= n:
        st.caption(
            f"No padding: corner {counts[0, 0]} window, centre up to {counts.max()}; edge "
            f"pixels count less. With p = {p}: corner {counts_p[0, 0]}, centre up to "
            f"{counts_p.max()}."
        )
    else:
        st.info(f"Without padding a {f}×{f} filter does not fit a {n}×{n} image at all.")


lesson()

with st.expander("Valid and same"):
    st.markdown(
        "- **Valid**: no padding, output n − f + 1.\n"
        "- **Same**: the output is as large as the input, which at stride 1 needs "
        "p = (f − 1)/2. "
        "That is a whole number only for odd f, one reason filters are 1×1, 3×3, 5×5; the "
        "other is that an odd filter has a central pixel."
    )
end_of_lesson(KEY, "pages/padding.py")
