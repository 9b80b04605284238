import numpy as np

from cnn_core import box_filter, conv2d
from cnn_core.examples import LECTURE_6X6
from tests.pages.helpers import (
    formulas,
    has,
    linked,
    linked_grids,
    open_page,
    static_maps,
    texts,
)

PAGE = "pages/padding.py"


def test_opens_on_same_padding_6x6_to_8x8_to_6x6():
    at = open_page(PAGE)
    assert formulas(at)[0] == "6 + 2·1 − 3 + 1 = 6"
    padded, out = linked_grids(at, "padding_grid").values()
    assert padded.shape == (8, 8)
    np.testing.assert_array_equal(padded[1:-1, 1:-1], LECTURE_6X6)
    assert padded[0].sum() == padded[:, 0].sum() == 0
    np.testing.assert_array_equal(out, conv2d(LECTURE_6X6, box_filter(3), padding=1))


def test_usage_counts_corner_1_centre_9_and_padding_evens_them():
    at = open_page(PAGE)
    valid, padded = static_maps(at, "padding_usage").values()
    assert valid[0, 0] == 1 and valid[2, 2] == 9 and valid.shape == (6, 6)
    assert padded[0, 0] == 4 and padded[2, 2] == 9
    assert "No padding: corner 1 window, centre up to 9" in texts(at)
    assert "With p = 1: corner 4, centre up to 9." in texts(at)


def test_valid_padding_shrinks_6_to_4():
    at = open_page(PAGE)
    at.radio(key="padding_mode").set_value("valid (p = 0)").run()
    assert formulas(at)[0] == "6 + 2·0 − 3 + 1 = 4"
    padded, out = linked_grids(at, "padding_grid").values()
    assert out.shape == (4, 4) and padded.shape == (6, 6)


def test_choosing_p_and_n_and_f_changes_the_formula_and_figures():
    at = open_page(PAGE)
    at.radio(key="padding_mode").set_value("choose p").run()
    at.slider(key="padding_p").set_value(2).run()
    at.slider(key="padding_n").set_value(9).run()
    at.slider(key="padding_f").set_value(5).run()
    assert formulas(at)[0] == "9 + 2·2 − 5 + 1 = 9"
    padded, out = linked_grids(at, "padding_grid").values()
    assert padded.shape == (13, 13) and out.shape == (9, 9)


def test_same_with_an_even_filter_explains_why_not():
    at = open_page(PAGE)
    at.slider(key="padding_f").set_value(4).run()
    message = at.warning[0].value
    assert (
        '"same" padding needs an odd filter size: f = 4 would need p = (f − 1)/2 = 1.5' in message
    )
    assert "2 on one side and 1 on the other" in message
    assert not at.exception and formulas(at)[0] == "6 + 2·0 − 4 + 1 = 3"


def test_a_filter_larger_than_the_padded_image_gets_a_message():
    at = open_page(PAGE)
    at.radio(key="padding_mode").set_value("valid (p = 0)").run()
    at.slider(key="padding_n").set_value(2).run()
    assert "filter 3×3 does not fit a 2×2 image with padding 0" in at.error[0].value
    assert not has(at, "padding_grid") and not at.exception


def test_a_filter_that_fits_only_with_padding_says_so():
    at = open_page(PAGE)
    at.radio(key="padding_mode").set_value("choose p").run()
    at.slider(key="padding_p").set_value(1).run()
    at.slider(key="padding_n").set_value(2).run()
    assert formulas(at)[0] == "2 + 2·1 − 3 + 1 = 2"
    assert "Without padding a 3×3 filter does not fit a 2×2 image at all." in texts(at)
    assert list(static_maps(at, "padding_usage")) == ["Windows per pixel, padding p = 1"]


def test_a_pinned_cell_is_explained_as_the_sum_of_its_window():
    at = open_page(PAGE, padding_i=0, padding_j=1)
    # Rows 0–2, columns 1–3 of the padded 8×8, column by column: row 0 is padding.
    assert formulas(at)[1] == "0 + 3 + 1 + 0 + 0 + 5 + 0 + 1 + 8 = 18"
    assert conv2d(LECTURE_6X6, box_filter(3), padding=1)[0, 1] == 18
    assert [g["label"] for g in linked(at, "padding_grid")["grids"]] == [
        "Input 6×6, padded to 8×8",
        "Output 6×6",
    ]
    data = linked(at, "padding_grid")
    assert data["pin"] == [0, 0, 1] and data["formula"] == "sum"
    assert data["terms"]["0"][0][1] == [0, 3, 1, 0, 0, 5, 0, 1, 8]
    assert data["grids"][0]["pad"] == 1
