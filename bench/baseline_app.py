"""The baseline for bench/virtual_class.py: one slider and one heatmap, nothing of ConvLab's.

What a committed move costs a Streamlit server with the least a page can do; a lesson's
cost per move is given as a multiple of this one's, measured in the same run.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

n = st.slider("Image size n", 1, 12, 6)
z = np.arange(n * n).reshape(n, n)
st.plotly_chart(go.Figure(go.Heatmap(z=z)), key="heatmap")
st.write(f"Output size: {n} − 3 + 1 = {n - 2}")
