import numpy as np

from cnn_core import VERTICAL_EDGE, conv2d
from cnn_core.examples import lecture_image
from tests.pages.helpers import figure, formulas, linked_grids, open_page, pinned_window, texts

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
    at = open_page(PAGE, why_i=2, why_j=4)
    grids = linked_grids(at, "why_grid")
    np.testing.assert_array_equal(grids["Input 8×8"], lecture_image(8))
    np.testing.assert_array_equal(grids["Filter 3×3, shared by every cell"], VERTICAL_EDGE)
    np.testing.assert_array_equal(grids["Output 6×6"], conv2d(lecture_image(8), VERTICAL_EDGE))
    assert pinned_window(at, "why_grid") == (2, 4, 3, 3)
    assert "Output cell (2, 4) reads 9 of the 64 input pixels" in texts(at)
