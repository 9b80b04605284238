"""Home: what ConvLab teaches, a photo and its edges, and the way into the course."""

import numpy as np
import streamlit as st

from cnn_core.filters import edge_strength
from ui.controls.input_picker import UPLOAD
from ui.course.lessons import LESSONS, available_lessons
from ui.figures.bundled import bundled_gray
from ui.figures.formulas import spelled
from ui.figures.photos import picture, png_data
from ui.links import kept_in_links, save_link
from ui.page import setup_page

PHOTO = "brick.png"
EDGE_PAGE = "pages/edge_detection.py"


@st.cache_data(max_entries=1, show_spinner=False)
def first_impression(name: str, side: int = 512) -> tuple[str, str]:
    """A bundled photo in gray and its edge strength (Sobel), as PNG base64.

    Computed once per server: every visitor's home page shows the same two pictures.
    """
    gray = bundled_gray(name, side)
    strength = edge_strength(gray)
    strength = 255 * strength / max(float(strength.max()), 1e-9)
    return png_data(gray.astype(np.uint8)), png_data(strength.astype(np.uint8))


setup_page("home")
kept = kept_in_links()  # presentation mode goes with every link on the page
st.title("ConvLab")
st.write(
    "ConvLab teaches how a convolutional neural network sees an image, in "
    f"{spelled(len(available_lessons()))} short lessons that follow the lecture: every "
    "number on screen is computed, and each lesson ends with questions that check you."
)
photo, edges = first_impression(PHOTO)
# Side by side on a phone too (Streamlit stacks columns below 640 px): stacked, the two
# photos pushed Start the course a whole screen down.
st.html(
    "<style>.st-key-home_photos [data-testid='stHorizontalBlock'] {flex-wrap: nowrap;}"
    ".st-key-home_photos [data-testid='stColumn'] {min-width: 0; flex: 1 1 0;}</style>"
)
left, right = st.container(key="home_photos").columns(2)
with left:
    picture(
        photo,
        "A brick wall in shades of gray",
        "A photo (brick wall), in gray",
    )
with right:
    picture(
        edges,
        "The same wall as white lines on black: the outlines of every brick",
        "What two 3×3 edge filters find in it: bright where the brightness changes",
    )
first = available_lessons()[0]
start, upload = st.columns(2)
if start.button(
    "Start the course",
    type="primary",
    icon=":material/play_arrow:",
    width="stretch",
    help=f"Lesson 1: {first.title}.",
):
    st.switch_page(first.path, query_params=kept)
with upload:
    st.page_link(
        EDGE_PAGE,
        label="Upload your own photo",
        icon=":material/upload:",
        query_params={"input": UPLOAD, **(kept or {})},
        help="Opens Edge detection with the uploader ready: see the edges in your own picture.",
    )

st.header("The course")
for lesson in available_lessons():
    number = LESSONS.index(lesson) + 1
    st.page_link(
        lesson.path,
        label=f"{number}. {lesson.title}: {lesson.blurb} (about {lesson.minutes} min)",
        icon=lesson.icon,
        query_params=kept,
    )
missing = [x.title for x in LESSONS if not x.exists()]
if missing:
    st.caption(f"Coming soon: {', '.join(missing)}.")
st.info(
    "Teaching with a projector? Switch on *Presentation mode* in the sidebar for larger "
    "type and stronger contrast. Every page keeps its settings in its address: share the "
    "link and the class sees the same example, and the same questions.",
    icon=":material/co_present:",
)
save_link("home", [])
