import numpy as np
import pytest

from cnn_core import VERTICAL_EDGE, explain_cell
from cnn_core.examples import LECTURE_6X6, LECTURE_RGB
from ui.figures.formulas import (
    factor,
    grid_text,
    in_words,
    number,
    output_size_formula,
    products_formula,
    spelled,
)


def test_numbers_as_the_notes_write_them():
    assert [number(v) for v in (3, -5, 3.75, 2.0, -0.0, 1 / 3)] == [
        "3",
        "−5",
        "3.75",
        "2",
        "0",
        "0.3333",
    ]
    assert factor(-1) == "(−1)" and factor(2) == "2"


def test_float_noise_rounds_away():
    # 10×1.414 + … + 10×(−1.414) on the checker with the edge rotated to 45°
    assert number(1.776e-15) == "0" and number(-1.776e-15) == "0"
    assert factor(-1.776e-15) == "0"  # not "(0)"
    assert number(4.0000000001) == "4" and number(-15.999999999997) == "−16"
    assert number(21.213203435596427) == "21.21"


def test_large_and_tiny_numbers_are_compact_and_never_in_e_notation():
    assert number(-109_800) == "−109.8k" and number(-109_812.3) == "−109.8k"
    assert number(12_345.6) == "12.35k" and number(2_500_000) == "2.5M"
    assert number(9_999) == "9999" and number(9_999.6) == "10k"
    assert number(2.5e-5) == "2.5×10⁻⁵" and number(3e20) == "3×10²⁰"
    rng = np.random.default_rng(0)
    values = rng.normal(0, 1, 2000) * 10.0 ** rng.integers(-30, 30, 2000)
    assert not any("e" in number(v) for v in values)
    assert all(len(number(v)) <= len("−0.0001234") for v in values if 1e-4 <= abs(v) < 1e15)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((6, 3, 0, 1), "6 + 2·0 − 3 + 1 = 4"),
        ((6, 3, 1, 1), "6 + 2·1 − 3 + 1 = 6"),
        ((7, 3, 0, 2), "⌊(7 + 2·0 − 3)/2⌋ + 1 = ⌊4/2⌋ + 1 = 3"),
        ((6, 3, 1, 2), "⌊(6 + 2·1 − 3)/2⌋ + 1 = ⌊5/2⌋ + 1 = ⌊2.5⌋ + 1 = 3"),
    ],
)
def test_output_size_formula_with_todays_numbers(args, text):
    assert output_size_formula(*args) == text


def test_output_size_formula_refuses_a_filter_that_does_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        output_size_formula(2, 3)


def test_products_formula_is_the_lecture_line():
    cell = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 0, 0)
    assert products_formula(cell) == (
        "3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×(−1) + 8×(−1) + 2×(−1) = −5"
    )


def test_products_formula_over_a_volume_lists_all_27_channel_by_channel():
    w = np.repeat(VERTICAL_EDGE[:, :, None], 3, axis=2)
    text = products_formula(explain_cell(LECTURE_RGB, w, 0, 0))
    assert text.count("×") == 27
    assert text.startswith("3×1 + 1×1 + 2×1")  # red column first, as the 6×6
    assert "(−1) + 3×1 + 0×1 + 1×1 + 1×0" in text  # then green: the transpose


def test_small_counts_are_spelled_out_up_to_twelve():
    assert [spelled(n) for n in (0, 1, 9, 12, 13, 1_437)] == [
        "no", "one", "nine", "twelve", "13", "1,437"
    ]  # fmt: skip


def test_big_counts_in_words():
    assert in_words(3_000_000_000) == "3 billion"
    assert in_words(14_450_688) == "14.5 million"
    assert in_words(456) == "456"


def test_grid_text_lists_small_grids_and_summarises_large_ones():
    assert grid_text("Output", np.array([[-5, 1], [0, 2]])) == "Output: −5 1 / 0 2"
    assert grid_text("Map", np.arange(100).reshape(10, 10)) == ("Map, 10×10, values from 0 to 99")


def test_products_formula_with_channels_gives_each_channels_subtotal_then_their_sum():
    w = np.repeat(VERTICAL_EDGE[:, :, None], 3, axis=2)
    cell = explain_cell(LECTURE_RGB, w, 0, 0)
    # Each channel's sum, from a plain loop over the window.
    subtotals = [
        sum(LECTURE_RGB[r, c, k] * VERTICAL_EDGE[r, c] for r in range(3) for c in range(3))
        for k in range(3)
    ]
    lines = products_formula(cell, ("R", "G", "B"), subtotals).split("\n")
    assert lines[0] == "R: 3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×(−1) + 8×(−1) + 2×(−1) = −5"
    assert [line[:3] for line in lines[:3]] == ["R: ", "G: ", "B: "]
    assert all(line.count("×") == 9 for line in lines[:3])
    assert sum(subtotals) == cell.total
    assert lines[3] == "total: (−5) + (−7) + (−3) = −15"


def test_products_formula_refuses_channels_without_their_subtotals():
    w = np.repeat(VERTICAL_EDGE[:, :, None], 3, axis=2)
    with pytest.raises(ValueError, match="3 names and subtotals"):
        products_formula(explain_cell(LECTURE_RGB, w, 0, 0), ("R", "G"), [1, 2])
