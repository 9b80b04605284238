import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import conv2d, pool2d
from tests.core.reference import conv2d_loops
from tests.core.test_conv import conv_cases


@settings(max_examples=200, deadline=None)
@given(conv_cases(), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_batch_conv2d_equals_stacking_each_example(case, m, seed):
    x, w, b, s, padding, _ = case
    batch = np.stack([x] + [np.random.default_rng(seed + k).permutation(x) for k in range(m - 1)])
    got = conv2d(batch, w, b, stride=s, padding=padding)
    want = np.stack([conv2d(example, w, b, stride=s, padding=padding) for example in batch])
    assert got.shape == want.shape and got.dtype == want.dtype
    if x.dtype.kind == "i":
        np.testing.assert_array_equal(got, want)
    else:  # BLAS may sum a wider matrix in another order: equal to the last bits
        tol = 1e-5 if x.dtype == np.float32 else 1e-13
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@settings(max_examples=100, deadline=None)
@given(conv_cases(), st.integers(2, 3))
def test_batch_conv2d_matches_plain_loops(case, m):
    x, w, b, s, padding, p = case
    batch = np.stack([x * (k + 1) for k in range(m)])
    got = conv2d(batch, w, b, stride=s, padding=padding)
    for k in range(m):
        want = conv2d_loops(batch[k], w, b, stride=s, p=p).astype(float)
        tol = 1e-3 if x.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(got[k], want, rtol=tol, atol=tol)


def test_batch_with_one_filter_drops_the_filter_axis_only():
    x = np.ones((5, 6, 6, 2))
    assert conv2d(x, np.ones((3, 3, 2))).shape == (5, 4, 4)
    assert conv2d(x, np.ones((3, 3, 2, 1))).shape == (5, 4, 4, 1)
    assert conv2d(np.ones((5, 6, 6, 1)), np.ones((3, 3))).shape == (5, 4, 4)


def test_large_batch_takes_the_threaded_path_and_matches_each_example():
    """m = 3 of 300×300×3 is past the size where the rows are split between threads."""
    rng = np.random.default_rng(4)
    batch = rng.standard_normal((3, 300, 300, 3))
    w = rng.standard_normal((3, 3, 3, 2))
    got = conv2d(batch, w, padding="same")
    np.testing.assert_allclose(got, np.stack([conv2d(x, w, padding="same") for x in batch]))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 20),
    st.integers(1, 20),
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(["max", "average"]),
    st.sampled_from([np.int64, np.float32, np.float64]),
    st.integers(0, 2**32 - 1),
)
def test_batch_pool2d_equals_stacking_each_example(m, n_H, n_W, n_c, f, s, mode, dtype, seed):
    if f > min(n_H, n_W):
        return
    batch = (10 * np.random.default_rng(seed).standard_normal((m, n_H, n_W, n_c))).astype(dtype)
    got = pool2d(batch, f, stride=s, mode=mode)
    want = np.stack([pool2d(x, f, stride=s, mode=mode) for x in batch])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: conv2d(np.ones((1, 2, 6, 6, 1)), np.ones((3, 3))),
            "image must be (n_H, n_W), (n_H, n_W, n_c) or a batch (m, n_H, n_W, n_c), "
            "got shape (1, 2, 6, 6, 1)",
        ),
        (lambda: conv2d(np.ones((0, 6, 6, 1)), np.ones((3, 3))), "batch is empty"),
        (
            lambda: conv2d(np.ones((2, 6, 6, 3)), np.ones((3, 3, 2))),
            "filter has 2 channels but the image has 3",
        ),
        (
            lambda: conv2d(np.ones((2, 3, 3, 1)), np.ones((5, 5))),
            "filter 5×5 does not fit a 3×3 image with padding 0",
        ),
        (
            lambda: pool2d(np.ones((2, 3, 4, 1)), 4),
            "pooling window 4×4 does not fit a 3×4 input",
        ),
    ],
)
def test_batch_errors_name_the_numbers(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
