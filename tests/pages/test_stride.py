import numpy as np

from cnn_core import box_filter, conv2d
from cnn_core.examples import lecture_image
from tests.pages.helpers import formulas, grid, heatmaps, open_page, texts, window

PAGE = "pages/stride.py"


def test_opens_on_the_lecture_7x7_stride_2():
    at = open_page(PAGE)
    assert formulas(at) == ["⌊(7 + 2·0 − 3)/2⌋ + 1 = ⌊4/2⌋ + 1 = 3"]
    out = heatmaps(at, "stride_chart")[1]
    np.testing.assert_array_equal(out, conv2d(lecture_image(7), box_filter(3), stride=2))
    assert window(at, "stride_chart") == (0, 0, 3, 3)
    assert "Position 1 of 9" in texts(at)


def test_padded_lecture_example_is_one_click_away_and_explains_the_floor():
    at = open_page(PAGE)
    at.button(key="stride_preset_6_1").click().run()
    assert formulas(at) == ["⌊(6 + 2·1 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = ⌊2.5⌋ + 1 = 3"]
    assert heatmaps(at, "stride_chart")[0].shape == (8, 8)
    assert "(n + 2p − f)/s = 2.5 is not whole" in texts(at)


def test_next_and_back_step_the_window():
    at = open_page(PAGE)
    at.button(key="stride_next").click().run()
    assert window(at, "stride_chart") == (0, 2, 3, 3)
    assert window(at, "stride_chart", 2) == (0, 1, 1, 1)
    for _ in range(2):
        at.button(key="stride_next").click().run()
    assert window(at, "stride_chart") == (2, 0, 3, 3)  # next row, s = 2 down
    at.button(key="stride_back").click().run()
    at.button(key="stride_back").click().run()
    at.button(key="stride_back").click().run()
    at.button(key="stride_back").click().run()
    assert "Position 9 of 9" in texts(at)  # wrapped around
    assert window(at, "stride_chart") == (4, 4, 3, 3)


def test_cells_the_stride_never_reaches_are_counted():
    at = open_page(PAGE)
    at.button(key="stride_preset_8_0").click().run()
    counts = grid(at, "stride_usage_chart")
    assert counts.shape == (8, 8)
    assert (counts[:, 7] == 0).all() and (counts[7] == 0).all()
    assert "15 pixels of the image (the 0 cells) are never under any window" in texts(at)


def test_moving_a_slider_changes_formula_and_output():
    at = open_page(PAGE)
    at.slider(key="stride_s").set_value(3).run()
    assert formulas(at) == ["⌊(7 + 2·0 − 3)/3⌋ + 1 = ⌊4/3⌋ + 1 = ⌊1.333⌋ + 1 = 2"]
    assert heatmaps(at, "stride_chart")[1].shape == (2, 2)
