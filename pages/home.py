"""Home: what ConvLab is and where to start."""

import streamlit as st

from ui.lessons import LESSONS
from ui.links import save_link
from ui.widgets import setup_page

setup_page("home")
st.title("ConvLab")
st.write(
    "ConvLab shows what a convolutional neural network does to an image, one number at a "
    "time: slide a filter, change padding and stride, and watch every sum being made. "
    "Start with **Why convolutions**, then follow the pages in order, as in the lecture."
)
for lesson in LESSONS:
    st.page_link(lesson.path, label=f"{lesson.title}: {lesson.blurb}", icon=lesson.icon)
st.caption(
    "Teaching with a projector? Switch on *Presentation mode* in the sidebar. Every page "
    "keeps its settings in its address: share the link and the class sees the same example."
)
save_link("home", [])
