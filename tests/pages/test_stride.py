import numpy as np

from cnn_core import box_filter, conv2d, usage_count
from cnn_core.examples import lecture_image
from tests.pages.helpers import (
    formulas,
    linked,
    linked_grids,
    open_page,
    pinned_window,
    texts,
)

PAGE = "pages/stride.py"


def test_opens_on_the_lecture_7x7_stride_2():
    at = open_page(PAGE)
    assert formulas(at) == ["⌊(7 + 2·0 − 3)/2⌋ + 1 = ⌊4/2⌋ + 1 = 3"]
    padded, out = linked_grids(at, "stride_grid").values()
    np.testing.assert_array_equal(padded, lecture_image(7))
    np.testing.assert_array_equal(out, conv2d(lecture_image(7), box_filter(3), stride=2))
    data = linked(at, "stride_grid")
    assert data["player"] and (data["f"], data["s"]) == (3, 2)
    assert pinned_window(at, "stride_grid") == (0, 0, 3, 3)
    # The position is named once, by the player's line in the browser (not also here).
    assert "Position" not in texts(at)
    starts = data["grids"][0]["marks"]
    assert starts == [[r, c] for r in (0, 2, 4) for c in (0, 2, 4)]


def test_padded_lecture_example_is_one_click_away_and_explains_the_floor():
    at = open_page(PAGE)
    at.button(key="stride_preset_6_1").click().run()
    assert formulas(at) == ["⌊(6 + 2·1 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = ⌊2.5⌋ + 1 = 3"]
    assert linked_grids(at, "stride_grid")["Padded input 8×8"].shape == (8, 8)
    assert linked(at, "stride_grid")["grids"][0]["pad"] == 1
    assert "(n + 2p − f)/s = 2.5 is not whole" in texts(at)


def test_a_step_from_a_link_pins_that_position():
    at = open_page(PAGE, stride_step=5)
    assert linked(at, "stride_grid")["pin"] == [0, 1, 2]
    assert pinned_window(at, "stride_grid") == (2, 4, 3, 3)


def test_a_step_past_a_smaller_output_moves_to_its_last_position():
    at = open_page(PAGE, stride_step=8)
    at.slider(key="stride_s").set_value(3).run()
    assert linked(at, "stride_grid")["pin"] == [0, 1, 1]
    assert pinned_window(at, "stride_grid") == (3, 3, 3, 3)


def test_cells_the_stride_never_reaches_are_counted():
    at = open_page(PAGE)
    at.button(key="stride_preset_8_0").click().run()
    (grid,) = linked(at, "stride_usage")["bands"][0]["grids"]
    counts = np.asarray(grid["values"])
    assert counts.shape == (8, 8) and grid["name"] == "Windows per pixel of the 8×8 image, stride 2"
    assert (counts[:, 7] == 0).all() and (counts[7] == 0).all()
    np.testing.assert_array_equal(counts, usage_count(8, 3, 0, 2))
    # The 15 unread pixels are washed in vermillion, as on the input grid above.
    assert sorted(map(tuple, grid["flags"])) == sorted(map(tuple, np.argwhere(counts == 0)))
    assert "15 pixels of the image (the 0 cells) are never under any window" in texts(at)


def test_moving_a_slider_changes_formula_and_output():
    at = open_page(PAGE)
    at.slider(key="stride_s").set_value(3).run()
    assert formulas(at) == ["⌊(7 + 2·0 − 3)/3⌋ + 1 = ⌊4/3⌋ + 1 = ⌊1.333⌋ + 1 = 2"]
    assert linked_grids(at, "stride_grid")["Output 2×2"].shape == (2, 2)


def test_pixels_no_window_reaches_are_flagged_on_the_padded_input():
    at = open_page(PAGE)
    at.button(key="stride_preset_8_0").click().run()
    flags = linked(at, "stride_grid")["grids"][0]["flags"]
    assert len(flags) == 15
    assert [7, 0] in flags and [0, 7] in flags and [6, 6] not in flags


def test_the_input_is_called_padded_only_when_there_is_padding():
    at = open_page(PAGE)
    assert list(linked_grids(at, "stride_grid")) == ["Input 7×7", "Output 3×3"]
    at.slider(key="stride_p").set_value(1).run()
    assert list(linked_grids(at, "stride_grid")) == ["Padded input 9×9", "Output 4×4"]
    at.slider(key="stride_p").set_value(0).run()
    assert list(linked_grids(at, "stride_grid")) == ["Input 7×7", "Output 3×3"]
