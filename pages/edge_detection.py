"""Edge detection: a 3×3 filter slides over an image; each output cell is a sum of products."""

import streamlit as st

from cnn_core import VERTICAL_EDGE, conv2d, explain_cell
from cnn_core.examples import BRIGHT_TO_DARK, DARK_TO_BRIGHT, LECTURE_6X6
from ui.components.grid_views import conv_terms
from ui.components.linked_grid import Grid, linked_grid, pin_to, pinned_cell
from ui.components.photo_probe import VIEWS, WORKING_SIZES, photo_edges
from ui.controls.filter_picker import FILTER_LINK, PickedFilter, custom_weights, filter_picker
from ui.controls.input_picker import INPUT_LINK, PickedInput, input_picker
from ui.course.path import end_of_lesson
from ui.display import chart, formula
from ui.figures.formulas import number, products_formula
from ui.figures.grids import Panel, panels_figure
from ui.links import Param, one_of, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "edge"
LECTURE_EXAMPLES = {
    "The lecture's 6×6 and the vertical edge (−5 at the top left)": {
        "input": "Lecture 6×6",
        "filter": "Vertical edge",
    },
    "Bright → dark: 30 down the middle": {
        "input": "Bright → dark step",
        "filter": "Vertical edge",
    },
    "Dark → bright: −30, the sign flips": {
        "input": "Dark → bright step",
        "filter": "Vertical edge",
    },
    "The checker and the horizontal edge": {
        "input": "Checker 6×6",
        "filter": "Horizontal edge",
    },
}
FIRST_EXAMPLE = {"input": "Lecture 6×6", "filter": "Vertical edge", "i": 0, "j": 0}


def show_grids(picked: PickedInput, filt: PickedFilter) -> None:
    x, w = picked.image, filt.kernel
    try:
        out = conv2d(x, w)
    except ValueError as err:
        st.error(f"This filter cannot slide over this image: {err}.")
        return
    i, j = pinned_cell(KEY, *out.shape)
    f = w.shape[0]
    linked_grid(
        f"{KEY}_grid",
        [
            Grid(x, f"Input {x.shape[0]}×{x.shape[1]}", scale="gray"),
            Grid(w, f"Filter {f}×{f}", role="filter", name="Filter"),
            Grid(out, f"Output {out.shape[0]}×{out.shape[1]}", role="output", name="Output cell"),
        ],
        f=f,
        terms={0: conv_terms(x, w)},
        pin=(0, i, j),
        on_pin=pin_to(KEY),
        hint="Point at, drag over or arrow-key through the output: the window follows. "
        "Click or press Enter to explain a cell below.",
    )
    cell = explain_cell(x, w, i, j)
    formula(products_formula(cell), label=f"Output cell ({i}, {j}) =")
    st.caption(filt.sign)
    with st.expander("Why isn't the filter flipped?"):
        st.write(
            "In mathematics a convolution flips the filter before sliding it. Deep-learning "
            "libraries skip the flip (strictly, they compute a cross-correlation) and still "
            "call it convolution: the network learns its weights, so a flip changes nothing "
            "it can learn. ConvLab does the same."
        )
        st.write(
            "Flipping an edge filter such as 1, 0, −1 turns it into −1, 0, 1: every output "
            "changes sign, so a bright-to-dark edge that gave +30 gives −30. That is why the "
            "sign convention matters when you read an edge map: say which one you use."
        )
        # A chart in a closed expander is still drawn on every rerun: draw it on demand.
        if st.toggle(
            "Show the output with the filter flipped",
            key=f"{KEY}_flip",
            help="Draw the same input with the filter turned upside down and left to right.",
        ):
            chart(
                panels_figure([Panel(conv2d(x, w[::-1, ::-1]), title="Filter flipped")]),
                key=f"{KEY}_flipped_chart",
            )


LINK = [
    INPUT_LINK,
    *FILTER_LINK,
    Param("i", 0, whole(0, 40)),
    Param("j", 0, whole(0, 40)),
    Param("size", 512, one_of(WORKING_SIZES)),
    Param("view", next(iter(VIEWS)), one_of(list(VIEWS))),
]

setup_page(KEY, LINK)
st.title("Edge detection")
st.write(
    "A filter (also called a kernel) is a small grid of weights. Slide it over the image, "
    "without flipping it: at each position, multiply the numbers under it by the weights "
    "and add them up. Sums far from 0, of either sign, mark edges: −30 is an edge as much "
    "as 30."
)
examples(KEY, LECTURE_EXAMPLES, reset=FIRST_EXAMPLE)


@fragment
def lesson() -> None:
    """Controls, grids and the link: a changed control reruns only this part."""
    controls = st.columns(2)
    with controls[0]:
        # The working size slider sits with the photo; its last value decides the decode.
        picked = input_picker(KEY, max_side=st.session_state.get(f"{KEY}_size", 512))
    with controls[1]:
        filt = filter_picker(KEY)
    if picked is not None and filt is not None:
        if picked.is_photo:
            photo_edges(KEY, picked, filt)
        else:
            show_grids(picked, filt)
    save_link(KEY, LINK, w=custom_weights(filt))


lesson()
lecture = conv2d(LECTURE_6X6, VERTICAL_EDGE)
step_up, step_down = conv2d(BRIGHT_TO_DARK, VERTICAL_EDGE), conv2d(DARK_TO_BRIGHT, VERTICAL_EDGE)
with st.expander("What the lecture says"):
    st.markdown(
        "- The vertical-edge filter on the 6×6 image gives a "
        f"{lecture.shape[0]}×{lecture.shape[1]} output; the top-left cell is "
        f"{number(lecture[0, 0])}.\n"
        f"- Bright → dark gives {number(step_up.max())} down the middle, dark → bright "
        f"{number(step_down.min())}: the sign tells the direction of the edge.\n"
        "- The vertical Sobel and Scharr filters weight the centre row more (2 or 10 "
        "against 1 or 3); their horizontal versions weight the centre column more. Edges "
        "at 45° or 30° need rotated filters.\n"
        "- The point: treat the nine numbers as parameters w1 … w9 and **learn** them. A "
        "network can learn filters that suit its task better than any hand-designed one.\n"
        "- Filter sizes are usually odd: 1×1, 3×3, 5×5, 9×9."
    )
end_of_lesson(KEY, "pages/edge_detection.py")
