"""ConvLab: navigation only. Each topic is one page in pages/, in lecture order."""

import streamlit as st

st.set_page_config(page_title="ConvLab", page_icon=":material/grid_on:", layout="wide")
st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page(
            "pages/edge_detection.py", title="Edge detection", icon=":material/border_vertical:"
        ),
        st.Page("pages/padding.py", title="Padding", icon=":material/padding:"),
        st.Page("pages/stride.py", title="Stride", icon=":material/steppers:"),
    ]
).run()
