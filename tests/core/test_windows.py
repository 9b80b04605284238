"""Every window at once: the same numbers explain_cell and explain_pool give one by one."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import explain_cell, explain_pool, output_size, pool2d
from cnn_core.windows import pool_winners, windows


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    n_c=st.integers(1, 3),
    f=st.integers(1, 5),
    p=st.integers(0, 2),
    s=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_each_window_is_the_one_explain_cell_gives(n, n_c, f, p, s, seed):
    if f > n + 2 * p:
        return
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, (n, n, n_c))
    w = rng.integers(-3, 4, (f, f, n_c))
    win = windows(x, f, stride=s, padding=p)
    n_out = output_size(n, f, p, s)
    assert win.shape == (n_out, n_out, f, f, n_c)
    for i, j in [(0, 0), (n_out - 1, n_out - 1), (n_out // 2, 0)]:
        cell = explain_cell(x, w, i, j, stride=s, padding=p)
        np.testing.assert_array_equal(win[i, j], cell.window)


def test_a_2d_image_gives_2d_windows_and_same_padding_works():
    x = np.arange(36).reshape(6, 6)
    win = windows(x, 3, padding="same")
    assert win.shape == (6, 6, 3, 3)
    np.testing.assert_array_equal(win[0, 0], [[0, 0, 0], [0, 0, 1], [0, 6, 7]])


def test_a_window_larger_than_the_padded_image_is_refused():
    with pytest.raises(ValueError, match=r"filter 5×5 does not fit a 3×3 image with padding 0"):
        windows(np.zeros((3, 3)), 5)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 9),
    f=st.integers(1, 4),
    s=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_winners_are_explain_pools_and_point_at_the_max(n, f, s, seed):
    if f > n:
        return
    x = np.random.default_rng(seed).integers(0, 4, (n, n))  # few values: many ties
    winners = pool_winners(x, f, stride=s)
    out = pool2d(x, f, stride=s)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            r, c = winners[i, j]
            assert (r, c) == explain_pool(x, f, i, j, stride=s).winner
            assert x[i * s + r, j * s + c] == out[i, j]


def test_winners_take_the_first_of_a_tie_in_row_major_order():
    np.testing.assert_array_equal(pool_winners(np.array([[1, 5], [5, 5]]), 2), [[[0, 1]]])


def test_the_lecture_max_pool_winners():
    x = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]])
    assert pool_winners(x, 2).tolist() == [[[1, 1], [0, 0]], [[1, 1], [0, 1]]]
