"""A custom filter's weights are bounded, so every sum shown is exact."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui.controls.filter_picker import MAX_WEIGHT, parse_custom_filter, parse_weights, weights_text
from ui.links import OutOfRangeError


def test_weights_up_to_a_million_are_read_exactly():
    kernel = parse_weights(f"{MAX_WEIGHT},0;-{MAX_WEIGHT},0.5")
    np.testing.assert_array_equal(kernel, [[1e6, 0], [-1e6, 0.5]])
    assert parse_weights(weights_text(parse_weights("1000000,-1000000;2,3"))).dtype == np.int64


@pytest.mark.parametrize("cell", ["1e18", "1000001", "-1e7", "9" * 30])
def test_a_weight_beyond_a_million_is_refused_naming_the_cell_and_the_limit(cell):
    table = pd.DataFrame([["0", cell], ["0", "0"]])
    with pytest.raises(
        OutOfRangeError,
        match=r"row 0, column 1 is .*: weights here are from −1,000,000 to 1,000,000",
    ):
        parse_custom_filter(table)


def test_a_link_longer_than_a_filter_needs_is_refused_before_it_is_read():
    with pytest.raises(ValueError, match="longer than the 1,176 characters"):
        parse_weights("1," * 10_000 + "1")
