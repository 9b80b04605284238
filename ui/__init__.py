"""ConvLab's drawing layer: Plotly figure builders and shared Streamlit widgets."""
