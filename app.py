"""ConvLab: navigation only. Each topic is one page in pages/, in lecture order."""

import streamlit as st

st.set_page_config(page_title="ConvLab", page_icon="🔍", layout="wide")
st.navigation([st.Page("pages/home.py", title="Home", icon="🏠", default=True)]).run()
