"""Bar charts of counts on a log scale: weights against parameters, activations per layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

COLORS = ("#0C7BDC", "#D55E00")  # blue and vermillion (Okabe–Ito): safe for colour blindness
PAIR = COLORS[::-1]  # one series of two bars, dense against conv: vermillion, then blue


def count_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    title: str,
    alt: str,
    numbers: bool = True,
    height: int = 380,
) -> go.Figure:
    """One bar per label and series, on a log axis (counts span many powers of ten).

    ``series`` maps a name to one count per label; with ``numbers`` each bar carries its
    count as text (and the axis leaves room above for it). One series gets a colour per
    bar (two things compared), several a colour per series. ``alt`` is the chart's text
    alternative (read by ``ui.display.chart``).
    """
    one = len(series) == 1
    fig = go.Figure(
        [
            go.Bar(
                name=name,
                x=list(labels),
                y=[max(int(v), 0) for v in values],
                text=[f"{int(v):,}" for v in values] if numbers else None,
                textposition="outside" if numbers else None,
                marker_color=[PAIR[k % 2] for k in range(len(values))] if one else color,
                hovertemplate="%{x}: %{y:,}<extra></extra>"
                if one
                else "%{x}: %{y:,}<extra>" + name + "</extra>",
            )
            for (name, values), color in zip(series.items(), COLORS, strict=False)
        ]
    )
    top = max((max(v) for v in series.values() if len(v)), default=1)
    low = min((v for vs in series.values() for v in vs if v > 0), default=1)
    fig.update_yaxes(type="log", title=title)
    if top >= 10 * low:  # a label at each power of ten only: no bare "2" and "5" between
        fig.update_yaxes(dtick=1)
    if numbers:  # room above the tallest bar for its number
        fig.update_yaxes(range=[0, np.log10(max(top, 1)) + 1])
    fig.update_layout(
        barmode="group",
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.1},
        showlegend=len(series) > 1,
        dragmode=False,
        meta={"alt": alt},
    )
    return fig
