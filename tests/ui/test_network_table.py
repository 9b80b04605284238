"""A network's numbers are bounded alike in a link, in the editor's columns and in its rows."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pytest

from cnn_core import DIGITS_NETWORK, LECTURE_NETWORK, LENET5_LIKE, Layer, describe
from ui.controls.network_builder import network_words, summary_table
from ui.controls.network_link import network_text, parse_network
from ui.controls.network_table import (
    BUILDER_LIMITS,
    DIGITS_LIMITS,
    describe_rows,
    layers_table,
    read_layers,
)
from ui.links import OutOfRangeError


def outside_code(markdown: str) -> str:
    """What Markdown renders as text or markup: everything outside inline code spans."""
    return re.sub(r"(`+) .*? \1", "", markdown)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "conv 1 1 3000 1; flatten; softmax 10",
            "layer 1 (CONV f=1 s=1 p=3000, 1 filter) has padding p = 3,000, and this page "
            "takes 0 to 8",
        ),
        (
            "conv 3 1 same 4096; flatten; softmax 10",
            "has filters = 4,096, and this page takes 1 to 256",
        ),
        (
            "conv 12 1 0 4; flatten; softmax 10",
            "has filter size f = 12, and this page takes 1 to 11",
        ),
        ("pool 2 9 max; flatten; softmax 10", "has stride s = 9, and this page takes 1 to 8"),
        ("flatten; dense 5000; softmax 10", "layer 2 (FC 5000 units) has units = 5,000"),
        (
            "flatten; " * 12 + "softmax 10",
            "a network of 13 layers, more than the 12 this page takes",
        ),
    ],
)
def test_a_link_network_beyond_the_limits_names_the_value_and_the_limit(text, message):
    with pytest.raises(OutOfRangeError) as err:
        parse_network(text, DIGITS_LIMITS)
    assert message in str(err.value)


def test_the_limits_fit_every_network_the_pages_offer_with_room():
    for (n_H, n_W, n_c), layers in (LECTURE_NETWORK, LENET5_LIKE):
        assert parse_network(network_text(layers), BUILDER_LIMITS) == layers
        assert all(not why for _, why in read_layers(layers_table(layers), BUILDER_LIMITS))
        assert max(n_H, n_W) * 4 <= BUILDER_LIMITS.side and n_c < BUILDER_LIMITS.channels
        assert 2 * len(layers) <= BUILDER_LIMITS.layers
    assert parse_network(network_text(DIGITS_NETWORK), DIGITS_LIMITS) == DIGITS_NETWORK
    assert BUILDER_LIMITS.side >= 227 and BUILDER_LIMITS.f >= 11  # AlexNet's first layer
    assert BUILDER_LIMITS.units >= 4096 and BUILDER_LIMITS.filters >= 512  # AlexNet, VGG-16


def test_the_editor_columns_carry_the_same_limits():
    config = DIGITS_LIMITS.column_config()
    assert config["f"]["type_config"]["max_value"] == DIGITS_LIMITS.f == 11
    assert config["s"]["type_config"]["max_value"] == DIGITS_LIMITS.s == 8
    assert config["filters / units"]["type_config"]["max_value"] == 4096
    assert "0 to 8" in config["p"]["help"]
    assert BUILDER_LIMITS.column_config()["f"]["type_config"]["max_value"] == 11


def one_conv_row(**cells) -> pd.DataFrame:
    table = layers_table([Layer("conv", f=3, s=1, p=0, n=4)]).astype(object)
    for column, value in cells.items():
        table.loc[0, column] = value
    return table


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "p",
            "99999999999999999999",
            "padding p = ` 99999999999999999999 ` is not a whole "
            'number from 0 to 8, "same" or "valid"',
        ),
        ("p", "-1", "padding p = ` -1 ` is not a whole number from 0 to 8"),
        ("filters / units", 1e300, "filters = ` 1e+300 ` is not a whole number from 1 to 256"),
        ("filters / units", 99999999999999999999, "filters = ` 99999999999999999999 `"),
        ("filters / units", -4, "filters = ` -4 ` is not a whole number from 1 to 256"),
        ("f", float("inf"), "f = ` inf ` is not a whole number from 1 to 11"),
        ("f", 2.5, "f = ` 2.5 ` is not a whole number from 1 to 11"),
        ("s", 9, "stride s = ` 9 ` is not a whole number from 1 to 8"),
    ],
)
def test_a_cell_beyond_the_limits_is_refused_on_its_row(column, value, message):
    ((layer, why),) = read_layers(one_conv_row(**{column: value}), DIGITS_LIMITS)
    assert message in why
    # What travels on is bounded: every number of the layer fits in int64 and in the page.
    assert all(isinstance(v, int) and 0 <= v <= 256 for v in (layer.f, layer.s, layer.n))
    assert layer.p in (0, "same", "valid") or 0 <= layer.p <= 8


def test_a_refused_row_makes_a_table_arrow_can_carry():
    table = one_conv_row(p="99999999999999999999", **{"filters / units": 1e300})
    parsed = read_layers(table, DIGITS_LIMITS)
    summary = summary_table((8, 8, 1), describe_rows((8, 8, 1), parsed))
    pa.Table.from_pandas(summary)  # st.table's conversion: no OverflowError
    # Counts are written with separators; the refused row has none (blank, not 0).
    assert list(summary["parameters"]) == ["0", ""]
    assert list(summary["activation size"]) == ["64", ""]


def test_a_blank_number_cell_takes_the_default_or_gets_the_layers_reason():
    ((layer, why),) = read_layers(one_conv_row(f=float("nan")), DIGITS_LIMITS)
    assert not why and layer.f == 0
    assert "filter size f must be at least 1" in describe((8, 8, 1), [layer])[0].error


@pytest.mark.parametrize("typed", ["**bold**", "[x](https://evil.example)"])
@pytest.mark.parametrize("column", ["layer", "p", "pool mode"])
def test_markup_typed_in_a_cell_is_fenced_as_code(typed, column):
    kind = "pool" if column == "pool mode" else "conv"
    table = layers_table([Layer(kind, f=2, s=2, n=4)]).astype(object)
    table.loc[0, column] = typed
    ((layer, why),) = read_layers(table, DIGITS_LIMITS)
    assert f"` {typed} `" in why
    assert "**bold**" not in outside_code(why) and "evil.example" not in outside_code(why)
    assert typed not in layer.label() and typed not in str(layer.p) + layer.mode + layer.kind


def test_rows_past_the_limit_and_settings_a_layer_lacks_are_refused():
    table = layers_table([Layer("flatten")] * 13).astype(object)
    table.loc[0, "f"] = 3
    parsed = read_layers(table, DIGITS_LIMITS)
    assert parsed[0][1] == "a flatten layer has no f: clear it"
    assert parsed[12][1] == "a network here has at most 12 layers"
    assert not any(why for _, why in parsed[1:12])


def test_the_network_words_come_from_the_rows_with_a_spaced_percent():
    shape, layers = LECTURE_NETWORK
    rows = describe(shape, layers)
    words = network_words(shape[0] * shape[1] * shape[2], rows, partial=False)
    biggest = max(rows, key=lambda r: r.params)
    total = sum(r.params for r in rows)
    assert words.startswith("Activations: the input holds 4,563 numbers, the last layer 10;")
    assert f"has the most, {biggest.params:,} of the {total:,} (45 %)." in words
    assert round(100 * biggest.params / total) == 45


def test_every_layer_kind_has_one_view_and_the_table_reads_its_fields():
    """A new kind is an entry in cnn_core.kinds and one in ui.controls.layer_views."""
    from cnn_core.kinds import KINDS
    from ui.controls.layer_views import VIEWS

    assert VIEWS.keys() == KINDS.keys()
    for name, kind in KINDS.items():
        layer = Layer(name, f=3, s=2, p=1, n=4, mode="average")
        row = layers_table([layer]).iloc[0]
        filled = {c for c in ("f", "s", "p", "filters / units", "pool mode") if not _empty(row[c])}
        wanted = {{"n": "filters / units", "mode": "pool mode"}.get(f, f) for f in kind.fields}
        assert filled == wanted, name
        text = network_text([layer])
        assert text.split() == [name, *(str(getattr(layer, f)) for f in kind.fields)]
        (again,) = parse_network(text, BUILDER_LIMITS)
        assert [getattr(again, f) for f in kind.fields] == [getattr(layer, f) for f in kind.fields]


def _empty(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def test_the_summary_has_a_note_column_only_when_a_row_has_a_note():
    input_shape, layers = LECTURE_NETWORK
    fine = summary_table(input_shape, describe(input_shape, layers))
    assert list(fine.columns) == [
        "layer", "output shape", "size, with its numbers", "activation size", "parameters"
    ]  # fmt: skip
    skipped = summary_table((5, 5, 3), describe((5, 5, 3), [Layer("conv", f=11, n=2)]))
    assert skipped["note"].iloc[1].startswith("skipped: filter 11×11 does not fit")
