"""Figures: Plotly charts, pictures and the rules they share (colours, numbers as text)."""
