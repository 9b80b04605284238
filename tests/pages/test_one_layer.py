import re

import numpy as np
import pytest

from cnn_core import relu
from tests.pages.helpers import formulas, heatmaps, open_page, texts
from ui.network_table import BUILDER_LIMITS

PAGE = "pages/one_layer.py"


def table(at):
    return next(df for df in at.dataframe if "output shape" in df.value.columns).value


def test_bias_then_relu_per_filter():
    at = open_page(PAGE)
    z0, a0 = heatmaps(at, "layer_chart_0")
    z1, a1 = heatmaps(at, "layer_chart_1")
    np.testing.assert_array_equal(a0, relu(z0))
    np.testing.assert_array_equal(a1, relu(z1))
    at.slider(key="layer_b0").set_value(7).run()
    z0_new = heatmaps(at, "layer_chart_0")[0]
    np.testing.assert_array_equal(z0_new, z0 + 7)
    assert formulas(at)[0] == "6×6×3 → 4×4×2"


def test_parameter_counter_gives_280_and_456():
    at = open_page(PAGE)
    assert formulas(at)[3] == "(3·3·3 + 1)·10 = 280"
    at.slider(key="layer_f").set_value(5).run()
    at.slider(key="layer_nf").set_value(6).run()
    assert formulas(at)[3] == "(5·5·3 + 1)·6 = 456"


def test_lecture_network_preset():
    at = open_page(PAGE)
    t = table(at)
    assert list(t["output shape"]) == ["39×39×3", "37×37×10", "17×17×20", "7×7×40", "1960", "10"]
    assert list(t["parameters"])[:4] == [0, 280, 5020, 20040]
    assert int(t["activation size"].iloc[4]) == 1960


def test_lenet5_preset_counts_and_total():
    at = open_page(PAGE)
    at.selectbox(key="layer_preset").set_value("LeNet-5-like").run()
    t = table(at)
    assert list(t["parameters"]) == [0, 608, 0, 3216, 0, 0, 48120, 10164, 850]
    assert list(t["output shape"])[1:5] == ["28×28×8", "14×14×8", "10×10×16", "5×5×16"]
    assert formulas(at)[4] == "62,958 parameters to learn"


def test_an_impossible_layer_shows_its_reason_and_the_rest_computes():
    edits = {"edited_rows": {1: {"s": 8}, 2: {"f": 11}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, **{"layer_layers_The lecture's 39×39×3 network": edits})
    t = table(at)
    assert list(t["output shape"])[1:4] == ["37×37×10", "5×5×20", "—"]
    assert "skipped: filter 11×11 does not fit a 5×5 image" in t["note"].iloc[3]
    assert list(t["output shape"])[4:] == ["500", "10"]  # flatten goes on from 5×5×20
    assert "1 layer cannot apply and were skipped" in texts(at)


LECTURE_KEY = "layer_layers_The lecture's 39×39×3 network"


def outside_code(markdown: str) -> str:
    """What Markdown renders as text or markup: everything outside inline code spans."""
    return re.sub(r"(`+) .*? \1", "", markdown)


def test_a_thousand_pasted_rows_start_the_table_again_at_the_row_limit():
    row = {"layer": "conv", "f": 3, "s": 1, "p": "1", "filters / units": 4}
    edits = {"edited_rows": {}, "added_rows": [row] * 1000, "deleted_rows": []}
    at = open_page(PAGE, **{LECTURE_KEY: edits})
    limit = BUILDER_LIMITS.layers
    assert at.warning[0].value == (
        f"1,000 rows were added, but a network here has at most {limit} layers: the table "
        f"starts again with its first {limit} rows."
    )
    assert len(table(at)) == limit + 1  # INPUT and the rows kept
    editor = next(df for df in at.dataframe if "pool mode" in df.value.columns)
    assert len(editor.value) == limit
    at.run()  # the next rerun reads the new, short table: no message, nothing re-applied
    assert not any("rows were added" in w.value for w in at.warning)
    assert len(table(at)) == limit + 1


def test_huge_nan_and_negative_cells_are_refused_on_their_row_without_a_traceback():
    edits = {
        "edited_rows": {
            0: {"p": "99999999999999999999"},
            1: {"filters / units": 1e300},
            2: {"f": -3},
            4: {"filters / units": None},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at = open_page(PAGE, **{LECTURE_KEY: edits})
    assert not at.exception
    notes = list(table(at)["note"])
    assert "padding p = ` 99999999999999999999 ` is not a whole number from 0 to 10" in notes[1]
    assert "filters = ` 1e+300 ` is not a whole number from 1 to 1,024" in notes[2]
    assert "f = ` -3 ` is not a whole number from 1 to 11" in notes[3]
    assert "units must be at least 1" in notes[5]  # a cleared cell: the layer's own reason
    assert "4 layers cannot apply and were skipped" in texts(at)


def test_markup_typed_in_a_cell_is_shown_as_typed():
    edits = {
        "edited_rows": {0: {"p": "**bold**"}, 1: {"layer": "[x](https://evil.example)"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = open_page(PAGE, **{LECTURE_KEY: edits})
    notes = list(table(at)["note"])  # a dataframe cell is plain text: the characters as typed
    assert "padding p = ` **bold** `" in notes[1]
    assert "its layer kind is ` [x](https://evil.example) `" in notes[2]
    (error,) = [e.value for e in at.error if e.value.startswith("No code")]
    assert "` **bold** `" in error and "` [x](https://evil.example) `" in error
    assert "**bold**" not in outside_code(error) and "evil.example" not in outside_code(error)


def test_the_input_size_is_bounded_by_the_builders_limits():
    at = open_page(PAGE)
    height = at.number_input(key="layer_nh_The lecture's 39×39×3 network")
    channels = at.number_input(key="layer_nc_The lecture's 39×39×3 network")
    assert height.max == BUILDER_LIMITS.side and channels.max == BUILDER_LIMITS.channels


@pytest.mark.parametrize(
    "edits",
    [
        {"edited_rows": {99: {"f": 3}}, "added_rows": [], "deleted_rows": []},
        {"edited_rows": {0: {"no such column": 3}}, "added_rows": [], "deleted_rows": []},
        {"edited_rows": {}, "added_rows": [], "deleted_rows": [-7]},
    ],
)
def test_a_forged_change_to_rows_the_table_lacks_starts_it_again_without_a_traceback(edits):
    at = open_page(PAGE, **{LECTURE_KEY: edits})
    assert at.warning[0].value == (
        "This table's last change named rows or columns it does not have: the table starts "
        "again with its first 5 rows."
    )
    assert list(table(at)["output shape"])[1:] == ["37×37×10", "17×17×20", "7×7×40", "1960", "10"]
