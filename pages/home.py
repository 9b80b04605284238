"""Home: what ConvLab is and where to start."""

import streamlit as st

from ui.links import save_link
from ui.widgets import setup_page

setup_page("home")

st.title("ConvLab")
st.write(
    "ConvLab shows what a convolutional neural network does to an image, one number at a "
    "time: slide a filter, change padding and stride, and watch every sum being made. "
    "Start with **Edge detection**, then follow the pages in order, as in the lecture."
)
st.page_link(
    "pages/edge_detection.py",
    label="Edge detection: a filter finds edges",
    icon=":material/border_vertical:",
)
st.page_link(
    "pages/padding.py", label="Padding: keep the size, count the edges", icon=":material/padding:"
)
st.page_link("pages/stride.py", label="Stride: jump s cells at a time", icon=":material/steppers:")
save_link("home", [])
