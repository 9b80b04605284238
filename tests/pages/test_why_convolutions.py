import numpy as np

from cnn_core import VERTICAL_EDGE, conv2d
from cnn_core.examples import lecture_image
from tests.pages.helpers import figure, formulas, grid, open_page, texts, window

PAGE = "pages/why_convolutions.py"


def bars(at):
    return list(figure(at, "why_bars")["data"][0]["y"])


def test_opens_on_3_billion_against_280():
    at = open_page(PAGE)
    assert formulas(at) == [
        "1,000·1,000·3 = 3,000,000 inputs",
        "3,000,000 × 1,000 = 3,000,000,000 weights (≈ 3 billion), + 1,000 biases",
        "(3·3·3 + 1)·10 = 280 parameters",
    ]
    assert bars(at) == [3_000_000_000, 280]


def test_the_second_lecture_example_is_14_5_million_against_456():
    at = open_page(PAGE)
    at.selectbox(key="why_size").set_value("32×32×3").run()
    at.selectbox(key="why_layer").set_value(
        "6 filters 5×5 against a dense layer with the same output"
    ).run()
    assert formulas(at)[1] == (
        "3,072 × 4,704 = 14,450,688 weights (≈ 14.5 million), + 4,704 biases"
    )
    assert formulas(at)[2] == "(5·5·3 + 1)·6 = 456 parameters"
    assert "28×28×6 = 4,704" in texts(at)


def test_the_conv_count_does_not_follow_the_image_size():
    at = open_page(PAGE)
    at.selectbox(key="why_size").set_value("64×64×3").run()
    assert formulas(at)[0] == "64·64·3 = 12,288 inputs"
    assert bars(at) == [12_288_000, 280]


def test_an_output_cell_depends_only_on_its_window():
    at = open_page(PAGE)
    at.slider(key="why_i").set_value(2).run()
    at.slider(key="why_j").set_value(4).run()
    z = grid(at, "why_chart")
    np.testing.assert_array_equal(z, lecture_image(8))
    data = figure(at, "why_chart")["data"]
    out = [t for t in data if t["type"] == "heatmap"][1]
    assert out["xaxis"] == "x2"
    assert window(at, "why_chart") == (2, 4, 3, 3)
    assert "Output cell (2, 4) reads 9 of the 64 input pixels" in texts(at)
    assert conv2d(lecture_image(8), VERTICAL_EDGE).shape == (6, 6)
