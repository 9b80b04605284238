import numpy as np
import pytest

from cnn_core import (
    LECTURE_NETWORK,
    LENET5_LIKE,
    Layer,
    conv2d,
    dense_weights,
    describe,
    explain_pool,
    pool2d,
)
from cnn_core.examples import LECTURE_6X6, LECTURE_RGB, POOL_AVERAGE_4X4, POOL_MAX_4X4


def test_lecture_network_shapes():
    rows = describe(*LECTURE_NETWORK)
    assert [r.shape for r in rows] == [(37, 37, 10), (17, 17, 20), (7, 7, 40), (1960,), (10,)]
    assert rows[3].activations == 1960
    assert [r.params for r in rows[:3]] == [280, 5020, 20040]


def test_lenet5_like_counts():
    rows = describe(*LENET5_LIKE)
    assert [r.shape for r in rows] == [
        (28, 28, 8),
        (14, 14, 8),
        (10, 10, 16),
        (5, 5, 16),
        (400,),
        (120,),
        (84,),
        (10,),
    ]
    assert [r.params for r in rows] == [608, 0, 3216, 0, 0, 48120, 10164, 850]
    assert sum(r.params for r in rows) == 62958


def test_a_layer_that_cannot_apply_is_skipped_with_its_reason():
    rows = describe(
        (6, 6, 3),
        [
            Layer("conv", f=7, n=2),
            Layer("pool", f=2, s=2),
            Layer("dense", n=5),
            Layer("flatten"),
            Layer("dense", n=4),
        ],
    )
    assert rows[0].shape is None
    assert rows[0].error == (
        "skipped: filter 7×7 does not fit a 6×6 image with padding 0: f must be at most n + 2p"
    )
    assert rows[1].shape == (3, 3, 3)  # computed from the input, as if row 0 were absent
    assert "add FLATTEN after the 3×3×3 volume" in rows[2].error
    assert rows[4].shape == (4,) and rows[4].params == 27 * 4 + 4


def test_same_padding_and_unknown_kinds():
    rows = describe(
        (7, 7, 1),
        [Layer("conv", f=3, p="same", n=1), Layer("conv", f=4, p="same", n=1), Layer("relu")],
    )
    assert rows[0].shape == (7, 7, 1)
    assert '"same" padding needs an odd filter size' in rows[1].error
    assert 'unknown layer "relu"' in rows[2].error


def test_why_convolutions_numbers():
    assert dense_weights(1000 * 1000 * 3, 1000) == 3_000_000_000
    assert dense_weights(32 * 32 * 3, 28 * 28 * 6) == 14_450_688


def test_explain_pool_max_names_the_winner():
    cell = explain_pool(POOL_MAX_4X4, 2, 0, 0, stride=2, mode="max")
    np.testing.assert_array_equal(cell.window, [[1, 3], [2, 9]])
    assert cell.value == 9 and cell.winner == (1, 1) and (cell.top, cell.left) == (0, 0)


def test_explain_pool_average_matches_pool2d_everywhere():
    out = pool2d(POOL_AVERAGE_4X4, 2, stride=2, mode="average")
    for i in range(2):
        for j in range(2):
            cell = explain_pool(POOL_AVERAGE_4X4, 2, i, j, stride=2, mode="average")
            assert cell.value == out[i, j] == cell.window.mean()
            assert cell.winner is None


def test_explain_pool_errors():
    with pytest.raises(ValueError, match=r"cell \(2, 0\) is outside the 2×2 output"):
        explain_pool(POOL_MAX_4X4, 2, 2, 0)
    with pytest.raises(ValueError, match="explain_pool takes one channel"):
        explain_pool(LECTURE_RGB, 2, 0, 0)


def test_lecture_rgb_is_three_views_of_the_6x6():
    assert LECTURE_RGB.shape == (6, 6, 3)
    np.testing.assert_array_equal(LECTURE_RGB[..., 0], LECTURE_6X6)
    ones = np.ones((3, 3, 3), dtype=int)
    assert conv2d(LECTURE_RGB, ones)[0, 0] == LECTURE_RGB[:3, :3].sum()


def test_a_layer_label_says_one_filter_or_unit_in_the_singular():
    assert Layer("conv", f=3, s=1, p=1, n=1).label() == "CONV f=3 s=1 p=1, 1 filter"
    assert Layer("conv", f=5, s=1, p=0, n=8).label() == "CONV f=5 s=1 p=0, 8 filters"
    assert Layer("dense", n=1).label() == "FC 1 unit"
    assert Layer("softmax", n=10).label() == "SOFTMAX 10 units"


def test_every_layer_kind_is_whole_in_one_entry():
    """A kind states its settings and gives every pass (README: Add a layer kind)."""
    from cnn_core.kinds import KINDS, Kind
    from cnn_core.network import LAYER_KINDS

    assert LAYER_KINDS == tuple(KINDS) == ("conv", "pool", "flatten", "dense", "softmax")
    for name, kind in KINDS.items():
        assert kind.name == name
        assert set(kind.fields) <= {"f", "s", "p", "n", "mode"}
        assert ("n" in kind.fields) == bool(kind.count), name
        for method in ("apply", "forward", "backward", "torch"):
            assert getattr(type(kind), method) is not getattr(Kind, method), (name, method)
