"""ConvLab: navigation only. Each topic is one page in pages/, in lecture order."""

import streamlit as st

st.set_page_config(page_title="ConvLab", page_icon=":material/grid_on:", layout="wide")
st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/why_convolutions.py", title="Why convolutions", icon=":material/help:"),
        st.Page(
            "pages/edge_detection.py", title="Edge detection", icon=":material/border_vertical:"
        ),
        st.Page("pages/padding.py", title="Padding", icon=":material/padding:"),
        st.Page("pages/stride.py", title="Stride", icon=":material/steppers:"),
        st.Page("pages/volumes.py", title="Convolution over volumes", icon=":material/layers:"),
        st.Page("pages/one_layer.py", title="One layer", icon=":material/stacks:"),
        st.Page("pages/pooling.py", title="Pooling", icon=":material/grid_view:"),
    ]
).run()
