import json

import numpy as np
import plotly.graph_objects as go

from cnn_core.examples import LECTURE_6X6
from ui.figures.colors import SIGNED_SCALE
from ui.figures.grids import MAX_TEXT_CELLS, WINDOW_COLOR, Box, Panel, panels_figure
from ui.figures.photos import display_peak, image_figure, to_display


def one(z, **panel) -> go.Figure:
    """A figure of one grid."""
    return panels_figure([Panel(np.asarray(z), **panel)])


def heat(fig: go.Figure, k: int = 0) -> dict:
    return [t for t in json.loads(fig.to_json())["data"] if t["type"] == "heatmap"][k]


def test_small_grids_carry_their_numbers_with_a_real_minus():
    fig = one(np.array([[-5, 0], [3, 12]]), scale="signed")
    h = heat(fig)
    assert h["text"] == [["−5", "0"], ["3", "12"]]
    assert h["texttemplate"] == "%{text}"
    assert h["zmid"] == 0 and h["zmin"] == -12 and h["zmax"] == 12
    assert fig.data[0].colorscale == go.Heatmap(colorscale=SIGNED_SCALE).colorscale


def test_large_grids_have_no_cell_text():
    side = int(np.sqrt(MAX_TEXT_CELLS)) + 1
    h = heat(one(np.zeros((side, side)), scale="count"))
    assert "text" not in h and "texttemplate" not in h


def test_window_outline_is_drawn_around_the_right_cells():
    fig = one(LECTURE_6X6, scale="gray", window=Box(1, 2, 3, 3))
    outline = next(t for t in fig.data if t.name == "window")
    assert outline.line.color == WINDOW_COLOR
    xs = [v for v in outline.x if v is not None]
    ys = [v for v in outline.y if v is not None]
    assert (min(xs), max(xs), min(ys), max(ys)) == (1.5, 4.5, 0.5, 3.5)


def test_padding_is_washed_and_dashed():
    fig = one(np.zeros((8, 8)), scale="gray", pad=1)
    names = [t.name for t in fig.data]
    assert "padding" in names and "image edge" in names
    edge = next(t for t in fig.data if t.name == "image edge")
    assert edge.line.dash == "dash"


def test_panels_share_one_figure_with_equal_cells():
    fig = panels_figure([Panel(np.zeros((4, 4)), title="a"), Panel(np.zeros((2, 2)), title="b")])
    layout = json.loads(fig.to_json())["layout"]
    width_a = layout["xaxis"]["domain"][1] - layout["xaxis"]["domain"][0]
    width_b = layout["xaxis2"]["domain"][1] - layout["xaxis2"]["domain"][0]
    assert abs(width_a / width_b - 2) < 0.05
    assert layout["yaxis2"]["domain"] == [0.5, 1]


def test_figures_are_built_once_and_shared():
    a = one(LECTURE_6X6, scale="gray", window=Box(0, 0, 3, 3))
    b = one(LECTURE_6X6.copy(), scale="gray", window=Box(0, 0, 3, 3))
    c = one(LECTURE_6X6, scale="gray", window=Box(0, 1, 3, 3))
    assert a is b and a is not c


def test_photo_display_mappings():
    z = np.array([[-10.0, 0.0, 10.0]])
    signed = to_display(z, "signed")
    assert signed.shape == (1, 3, 3) and signed.dtype == np.uint8
    assert tuple(signed[0, 1]) == (247, 247, 247) or signed[0, 1].min() > 240  # 0 is white
    assert signed[0, 0, 2] > signed[0, 0, 0] and signed[0, 2, 0] > signed[0, 2, 2]  # blue, red
    np.testing.assert_array_equal(to_display(z, "magnitude")[0], [255, 0, 255])
    np.testing.assert_array_equal(to_display(np.array([[300.0, -4.0]]), "gray"), [[255, 0]])


def test_display_peak_ignores_the_strongest_half_percent():
    z = np.ones(1000)
    z[:3] = 1000
    assert display_peak(z) == 1.0
    assert display_peak(np.zeros(5)) == 1.0


def test_image_figure_is_one_png_and_follows_the_aspect():
    fig = image_figure(np.zeros((100, 200)), scale="gray", title="t")
    assert fig.data[0].type == "image" and fig.data[0].source.startswith("data:image/png")
    assert fig.layout.height == int(420 * 100 / 200 + 44)


def test_grid_figures_carry_their_text_alternative():
    fig = panels_figure([Panel(np.array([[1, -2]]), title="Filter"), Panel(np.ones((1, 1)))])
    assert fig.layout.meta["alt"] == "Filter: 1 −2; Grid: 1"
    assert image_figure(np.zeros((50, 60)), title="Map").layout.meta["alt"] == (
        "Map, 50×60, values from 0 to 0"
    )


def test_a_chart_without_a_text_alternative_is_refused():
    import pytest

    from ui.display import chart

    with pytest.raises(ValueError, match="needs a text alternative"):
        chart(go.Figure(go.Bar(x=[1], y=[2])), "bars")
