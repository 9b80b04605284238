"""Home: what ConvLab is and where to start."""

import streamlit as st

st.title("ConvLab")
st.write(
    "ConvLab lets you watch a convolutional neural network's basic operation at work: "
    "slide a filter over an image, change padding and stride, and see every number."
)
