"""Showing a figure or a line of arithmetic the ConvLab way: described, projector-sized."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

PRESENT_SCALE = 1.3
"""Presentation mode multiplies figure text by this: numbers read from the back row."""


def chart(fig, key: str, *, alt: str | None = None) -> None:
    """Show a figure the ConvLab way: no Plotly toolbar, a text alternative, big in
    presentation mode.

    ``alt`` carries the figure's key numbers for a screen reader; figures from
    ``ui.figures.grids`` bring their own (every grid's numbers), others must pass one.
    """
    alt = alt or (fig.layout.meta or {}).get("alt")
    if not alt:
        raise ValueError(f"chart {key!r} needs a text alternative (alt=...)")
    if st.session_state.get("present"):
        fig = go.Figure(fig)  # figures are shared between sessions (ui.figures.grids): copy first
        for trace in fig.data:
            if getattr(trace, "textfont", None) is not None and trace.textfont.size:
                trace.textfont.size = round(trace.textfont.size * PRESENT_SCALE)
        fig.update_annotations(font_size=22)
        fig.update_layout(title_font_size=24)
    st.plotly_chart(fig, key=key, config={"displayModeBar": False}, alt=alt)


def formula(text: str, *, label: str = "") -> None:
    """One line of arithmetic, large and wrapping (never a sideways scroll on a phone)."""
    prefix = f"**{label}** " if label else ""
    st.markdown(f'{prefix}<div class="convlab-formula">{text}</div>', unsafe_allow_html=True)
