import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_core import conv2d, conv_params, dense_params, output_size, same_padding, usage_count


@pytest.mark.parametrize(
    ("n", "f", "p", "s", "want"),
    [
        (6, 3, 0, 1, 4),
        (6, 3, 1, 1, 6),
        (7, 3, 0, 2, 3),
        (6, 3, 1, 2, 3),
        (39, 3, 0, 1, 37),
        (37, 5, 0, 2, 17),
        (17, 5, 0, 2, 7),
        (32, 5, 0, 1, 28),
        (28, 2, 0, 2, 14),
    ],
)
def test_output_size_gives_lecture_numbers(n, f, p, s, want):
    assert output_size(n, f, p, s) == want


@given(st.integers(1, 60), st.integers(1, 9), st.integers(0, 4), st.integers(1, 5))
def test_output_size_counts_the_window_positions(n, f, p, s):
    if f > n + 2 * p:
        with pytest.raises(ValueError, match="does not fit"):
            output_size(n, f, p, s)
    else:
        positions = [i for i in range(0, n + 2 * p) if i + f <= n + 2 * p and i % s == 0]
        assert output_size(n, f, p, s) == len(positions)


def test_same_padding_for_odd_filters():
    assert [same_padding(f) for f in (1, 3, 5, 9)] == [0, 1, 2, 4]


def test_same_padding_refuses_an_even_filter_and_says_why():
    with pytest.raises(ValueError, match=r"f = 2 would need p = \(f − 1\)/2 = 0.5"):
        same_padding(2)


def test_parameter_counts_from_the_lecture():
    assert conv_params(3, 3, 10) == 280
    assert conv_params(5, 3, 6) == 456
    assert [conv_params(5, 3, 8), conv_params(5, 8, 16)] == [608, 3216]
    assert [dense_params(400, 120), dense_params(120, 84), dense_params(84, 10)] == [
        48120,
        10164,
        850,
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: output_size(6, 3, -1), "padding p must be at least 0, got -1"),
        (lambda: output_size(6, 3, 0, 0), "stride must be at least 1, got 0"),
        (lambda: output_size(3, 5), "filter 5×5 does not fit a 3×3 image with padding 0"),
        (lambda: output_size(6, True), "filter size f must be a whole number, got True"),
        (lambda: conv_params(3, 0, 10), "input channels n_c must be at least 1, got 0"),
        (lambda: dense_params(10, 0), "units must be at least 1, got 0"),
    ],
)
def test_shape_errors_name_the_numbers(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


def test_usage_count_corner_is_1_and_centre_is_f_squared():
    counts = usage_count(6, 3)
    assert counts.shape == (6, 6)
    assert counts[0, 0] == 1 and counts[2, 2] == 9 and counts[0, 2] == 3
    assert usage_count(6, 3, p=1)[0, 0] == 4


@given(st.integers(1, 12), st.integers(1, 5), st.integers(0, 2), st.integers(1, 3))
def test_usage_count_matches_counting_windows(n, f, p, s):
    if f > n + 2 * p:
        return
    # A one-hot image convolved with an all-ones filter sums to the windows that touch it.
    counts = np.zeros((n, n), dtype=int)
    for k in range(n * n):
        onehot = np.zeros((n, n))
        onehot.flat[k] = 1
        counts.flat[k] = int(conv2d(onehot, np.ones((f, f)), stride=s, padding=p).sum())
    np.testing.assert_array_equal(usage_count(n, f, p, s), counts)
