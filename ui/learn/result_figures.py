"""A trained network's results as figures: one digit's ten probabilities, the confusion matrix."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.grids import Panel, panels_figure


def probability_figure(proba: np.ndarray) -> tuple[go.Figure, str]:
    """The ten class probabilities as bars, the most likely digit highlighted; with alt text."""
    best = int(np.argmax(proba))
    fig = go.Figure(
        go.Bar(
            x=[str(d) for d in range(10)],
            y=[100 * p for p in proba],
            marker_color=["#D55E00" if d == best else "#0C7BDC" for d in range(10)],
            text=[f"{100 * p:.0f}" for p in proba],
            textposition="outside",
            hovertemplate="digit %{x}: %{y:.1f} %<extra></extra>",
        )
    )
    fig.update_layout(
        height=240,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": "digit", "type": "category"},
        yaxis={"title": "probability %", "range": [0, 112]},
        dragmode=False,
    )
    alt = "Probability of each digit: " + ", ".join(
        f"{d}: {100 * p:.1f} %" for d, p in enumerate(proba)
    )
    return fig, alt


def confusion_figure(confusion: np.ndarray) -> go.Figure:
    """The 10×10 confusion matrix as a number grid: rows the true digit, columns the answer."""
    fig = go.Figure(panels_figure([Panel(confusion, scale="count")]))  # a copy: it is shared
    fig.update_xaxes(title="predicted digit", showticklabels=True, tickvals=list(range(10)))
    fig.update_yaxes(title="true digit", showticklabels=True, tickvals=list(range(10)))
    return fig
