"""Home: what ConvLab teaches, a photo and its edges, and the way into the course."""

import numpy as np
import streamlit as st

from cnn_core import SOBEL_HORIZONTAL, SOBEL_VERTICAL, conv2d, downscale, load_image, to_gray
from ui.lessons import LESSONS, available_lessons
from ui.links import save_link
from ui.widgets import ASSETS, UPLOAD, setup_page

PHOTO = "brick.png"
EDGE_PAGE = "pages/edge_detection.py"


@st.cache_data(max_entries=1, show_spinner=False)
def first_impression(name: str, side: int = 360) -> tuple[np.ndarray, np.ndarray]:
    """A bundled photo in gray and its edge strength √(Gx² + Gy²) (Sobel), both 0–255."""
    gray = downscale(to_gray(load_image((ASSETS / name).read_bytes())), side)
    strength = np.hypot(conv2d(gray, SOBEL_VERTICAL), conv2d(gray, SOBEL_HORIZONTAL))
    strength = 255 * strength / max(float(strength.max()), 1e-9)
    return gray.astype(np.uint8), strength.astype(np.uint8)


setup_page("home")
st.title("ConvLab")
st.write(
    "ConvLab teaches how a convolutional neural network sees an image, in nine short "
    "lessons that follow the lecture: every number on screen is computed, and each lesson "
    "ends with questions that check you."
)
photo, edges = first_impression(PHOTO)
left, right = st.columns(2)
left.image(photo, caption="A photo (brick wall), in gray", width="stretch")
right.image(
    edges,
    caption="What two 3×3 edge filters find in it: bright where the brightness changes",
    width="stretch",
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
    st.switch_page(first.path)
with upload:
    st.page_link(
        EDGE_PAGE,
        label="Upload your own photo",
        icon=":material/upload:",
        query_params={"input": UPLOAD},
        help="Opens Edge detection with the uploader ready: see the edges in your own picture.",
    )

st.header("The course")
for lesson in available_lessons():
    number = LESSONS.index(lesson) + 1
    st.page_link(
        lesson.path,
        label=f"{number}. {lesson.title}: {lesson.blurb} (about {lesson.minutes} min)",
        icon=lesson.icon,
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
