"""The log-scale bar charts label powers of ten only."""

from __future__ import annotations

from ui.figures.bars import count_bars


def test_a_chart_spanning_powers_of_ten_labels_only_powers_of_ten():
    # The lecture's 39×39×3 network on the one layer page: 10 … 20,040. Plotly's own ticks
    # there were "10, 2, 5, 100, 2, 5, 1000, 2, 5, 10k, 2": a bare 2 at the top.
    fig = count_bars(
        ["CONV", "FLATTEN", "SOFTMAX"],
        {"activation size": [13_690, 1_960, 10], "parameters": [280, 0, 19_610]},
        title="count (log scale)",
        alt="",
        numbers=False,
    )
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.dtick == 1


def test_counts_within_one_power_of_ten_keep_plotlys_ticks():
    fig = count_bars(["a", "b"], {"n": [20, 50]}, title="n", alt="", numbers=False)
    assert fig.layout.yaxis.dtick is None
