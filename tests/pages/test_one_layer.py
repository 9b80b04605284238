import re
from dataclasses import replace

import numpy as np
import pytest

from cnn_core import (
    HORIZONTAL_EDGE,
    LECTURE_NETWORK,
    VERTICAL_EDGE,
    conv2d,
    filter_bank,
    on_channels,
    relu,
)
from cnn_core.examples import LECTURE_RGB
from tests.pages.helpers import formulas, linked, linked_grids, open_link, open_page, texts
from ui.controls.network_link import network_text
from ui.controls.network_table import BUILDER_LIMITS

PAGE = "pages/one_layer.py"


W = filter_bank(on_channels(VERTICAL_EDGE, 3), on_channels(HORIZONTAL_EDGE, 3))


def table(at):
    return next(t for t in at.table if "output shape" in t.value.columns).value


def test_bias_then_relu_per_filter_as_linked_grids():
    at = open_page(PAGE)
    grids = linked_grids(at, "layer_grid")
    z = conv2d(LECTURE_RGB, W, np.array([0, -5]))
    for m, k in enumerate("₀₁"):
        np.testing.assert_array_equal(grids[f"z{k} 4×4"], z[..., m])
        np.testing.assert_array_equal(grids[f"ReLU(z{k}) 4×4"], relu(z[..., m]))
    for c, name in enumerate(["red", "green", "blue"]):
        np.testing.assert_array_equal(grids[f"Input, {name}"], LECTURE_RGB[..., c])
    at.slider(key="layer_b0").set_value(7).run()
    np.testing.assert_array_equal(linked_grids(at, "layer_grid")["z₀ 4×4"], z[..., 0] + 7)
    assert formulas(at)[0] == "6×6×3 → 4×4×2"


def test_the_z_and_relu_grids_are_outputs_whose_terms_add_up_to_z():
    at = open_page(PAGE, layer_b1=-3)
    data = linked(at, "layer_grid")
    roles = {g["label"]: (g["role"], g["group"]) for g in data["grids"]}
    assert roles["z₀ 4×4"] == ("output", 0) and roles["z₁ 4×4"] == ("output", 1)
    assert roles["ReLU(z₀) 4×4"] == ("output", 2) and roles["ReLU(z₁) 4×4"] == ("output", 3)
    z = conv2d(LECTURE_RGB, W, np.array([0, -3]))
    for m in (0, 1):
        terms = np.asarray(data["terms"][str(m)])
        assert terms.shape == (4, 4, 28, 2)  # 27 products and the bias as 1 × b
        np.testing.assert_array_equal(
            terms[..., -1, :], np.broadcast_to([1, (0, -3)[m]], (4, 4, 2))
        )
        np.testing.assert_array_equal((terms[..., 0] * terms[..., 1]).sum(axis=2), z[..., m])


def test_the_first_cell_explained_is_one_relu_lets_through():
    at = open_page(PAGE)
    group, i, j = linked(at, "layer_grid")["pin"]
    z0 = conv2d(LECTURE_RGB, W, np.array([0, -5]))[..., 0]
    assert group == 0 and z0[i, j] == z0.max() > 0
    z = int(z0[i, j])
    assert formulas(at)[2].endswith(f"= max(0, {z}) = {z}")
    assert f"z = {z} is positive, so ReLU lets it through: a = {z}." in texts(at)


def test_any_cell_can_be_chosen_and_its_working_follows():
    at = open_page(PAGE, layer_k=3, layer_i=0, layer_j=0)
    assert linked(at, "layer_grid")["pin"] == [3, 0, 0]
    z1 = conv2d(LECTURE_RGB, W, np.array([0, -5]))[0, 0, 1]
    assert any("Cell (0, 0) of filter 1" in m.value for m in at.markdown)
    assert formulas(at)[2].endswith(f"= max(0, {str(int(z1)).replace('-', '−')}) = 0")
    assert "is not positive, so ReLU gives 0" in texts(at)
    assert at.query_params["k"] == "3" and at.query_params["i"] == "0"


def test_parameter_counter_gives_280_and_456():
    at = open_page(PAGE)
    assert formulas(at)[3] == "(3·3·3 + 1)·10 = 280"
    at.slider(key="layer_f").set_value(5).run()
    at.slider(key="layer_nf").set_value(6).run()
    assert formulas(at)[3] == "(5·5·3 + 1)·6 = 456"


def test_lecture_network_preset():
    at = open_page(PAGE)
    t = table(at)
    assert list(t["output shape"]) == ["39×39×3", "37×37×10", "17×17×20", "7×7×40", "1,960", "10"]
    assert list(t["parameters"])[:4] == ["0", "280", "5,020", "20,040"]
    assert list(t["activation size"])[:2] == ["4,563", "13,690"]  # thousands separated
    assert t["activation size"].iloc[4] == "1,960"
    assert "Activations: the input holds 4,563 numbers, the last layer 10" in texts(at)


def test_lenet5_preset_counts_and_total():
    at = open_page(PAGE)
    at.selectbox(key="layer_preset").set_value("LeNet-5-like").run()
    t = table(at)
    assert list(t["parameters"]) == ["0", "608", "0", "3,216", "0", "0", "48,120", "10,164", "850"]
    assert list(t["output shape"])[1:5] == ["28×28×8", "14×14×8", "10×10×16", "5×5×16"]
    assert formulas(at)[4] == "62,958 parameters to learn"


def test_an_impossible_layer_shows_its_reason_and_the_rest_computes():
    edits = {"edited_rows": {1: {"s": 8}, 2: {"f": 11}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, **{"layer_layers_The lecture's 39×39×3 network": edits})
    t = table(at)
    assert list(t["output shape"])[1:4] == ["37×37×10", "5×5×20", "—"]
    assert "skipped: filter 11×11 does not fit a 5×5 image" in t["note"].iloc[3]
    assert list(t["output shape"])[4:] == ["500", "10"]  # flatten goes on from 5×5×20
    # A skipped row has no counts (blank, not 0 or None); its reason is whole, in a table
    # that wraps (st.table, not a grid that cuts a cell to "skipped: fi…").
    assert t["parameters"].iloc[3] == "" and t["activation size"].iloc[3] == ""
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("1 layer cannot apply and was skipped: layer 3 (CONV f=11")
    assert "filter 11×11 does not fit a 5×5 image" in warning
    assert "not of the network you wrote" in warning
    # The total says it leaves the skipped layer out.
    total = sum(int(v.replace(",", "")) for v in t["parameters"] if v)
    assert formulas(at)[4] == f"{total:,} parameters in the 4 layers that apply"
    assert "of the layers that apply" in texts(at)


def test_two_skipped_layers_are_plural_and_one_filter_is_singular():
    edits = {
        "edited_rows": {0: {"filters / units": 1}, 1: {"s": 8}, 2: {"f": 11}, 4: {"p": 1}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = open_page(PAGE, **{LECTURE_KEY: edits})
    t = table(at)
    assert t["layer"].iloc[1] == "CONV f=3 s=1 p=0, 1 filter"
    assert "1 filters" not in texts(at)
    assert any(w.value.startswith("2 layers cannot apply and were skipped:") for w in at.warning)


def test_the_editor_leaves_cells_that_do_not_apply_blank():
    at = open_page(PAGE)
    editor = next(df for df in at.dataframe if "pool mode" in df.value.columns)
    assert editor.proto.editing_mode  # the layers editor
    assert editor.proto.HasField("placeholder") and editor.proto.placeholder == ""


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
    assert list(table(at)["output shape"])[1:] == ["37×37×10", "17×17×20", "7×7×40", "1,960", "10"]


def test_the_edited_network_and_input_size_are_in_the_link_and_a_fresh_open_rebuilds_them():
    edits = {"edited_rows": {2: {"filters / units": 48}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, **{LECTURE_KEY: edits})
    at.number_input(key="layer_nh_The lecture's 39×39×3 network").set_value(40).run()
    total = formulas(at)[4]
    _, layers = LECTURE_NETWORK
    net = at.query_params["net"]
    assert net == network_text([*layers[:2], replace(layers[2], n=48), *layers[3:]])
    assert at.query_params["input"] == "40×39×3"
    fresh = open_link(PAGE, net=net, input="40×39×3", preset=at.query_params["preset"])
    assert formulas(fresh)[4] == total != "44,950 parameters to learn"
    assert list(table(fresh)["output shape"])[:2] == ["40×39×3", "38×37×10"]
    assert not fresh.warning and not fresh.info
    # The link keeps what it brought until the student changes it.
    assert fresh.query_params["net"] == net


def test_the_presets_own_network_leaves_the_link_short():
    at = open_page(PAGE)
    assert "net" not in at.query_params and "input" not in at.query_params


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"input": "9999×39×3"}, "input = ` 9999×39×3 ` is outside 1 to 512 pixels a side"),
        ({"net": "conv 3 1 0 5000; flatten"}, "filters = 5,000, and this page takes 1 to 1,024"),
        ({"b0": "50"}, "b0 = ` 50 ` is outside -20 to 20"),
        ({"i": "9"}, "i = ` 9 ` is outside 0 to 3"),
    ],
)
def test_a_link_beyond_the_page_warns(params, message):
    at = open_link(PAGE, **params)
    assert message in at.warning[0].value


def test_choosing_a_preset_after_a_link_starts_from_the_preset():
    fresh = open_link(PAGE, net="conv 3 1 0 4; flatten; softmax 10")
    assert list(table(fresh)["layer"])[1] == "CONV f=3 s=1 p=0, 4 filters"
    fresh.selectbox(key="layer_preset").set_value("LeNet-5-like").run()
    assert list(table(fresh)["parameters"])[1] == "608"
    assert "net" not in fresh.query_params
