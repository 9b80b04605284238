import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import (
    HORIZONTAL_EDGE,
    SCHARR_HORIZONTAL,
    SCHARR_VERTICAL,
    SOBEL_HORIZONTAL,
    SOBEL_VERTICAL,
    VERTICAL_EDGE,
    conv2d,
    pool2d,
    relu,
    rotated_edge,
)
from cnn_core.examples import POOL_AVERAGE_4X4, POOL_MAX_4X4
from tests.core.reference import pool2d_loops


def test_max_pool_gives_lecture_output():
    got = pool2d(POOL_MAX_4X4, 2, stride=2, mode="max")
    np.testing.assert_array_equal(got, [[9, 2], [6, 3]])
    assert got.dtype == POOL_MAX_4X4.dtype


def test_average_pool_gives_lecture_output():
    got = pool2d(POOL_AVERAGE_4X4, 2, stride=2, mode="average")
    np.testing.assert_array_equal(got, [[3.75, 1.25], [4, 2]])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(1, 30),
    st.integers(1, 4),
    st.integers(1, 5),
    st.integers(1, 4),
    st.sampled_from(["max", "average"]),
    st.integers(0, 2**32 - 1),
)
def test_pool_matches_plain_loops(n_H, n_W, n_c, f, s, mode, seed):
    if f > min(n_H, n_W):
        return
    x = np.random.default_rng(seed).standard_normal((n_H, n_W, n_c)).astype(np.float32)
    got = pool2d(x, f, stride=s, mode=mode)
    assert got.shape == ((n_H - f) // s + 1, (n_W - f) // s + 1, n_c)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, pool2d_loops(x, f, s, mode), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pool2d(np.ones((4, 4)), 5), "pooling window 5×5 does not fit a 4×4 input"),
        (
            lambda: pool2d(np.ones((4, 4)), 2, mode="min"),
            'unknown pooling mode "min": use "max" or "average"',
        ),
        (lambda: pool2d(np.ones((4, 4)), 2, stride=0), "stride must be at least 1, got 0"),
    ],
)
def test_pool_errors_name_the_numbers(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


def test_relu_zeroes_negatives_and_keeps_shape_and_dtype():
    z = np.array([[0, -1, 2], [3, 4, 5], [-6, 10, 12]])
    got = relu(z)
    np.testing.assert_array_equal(got, [[0, 0, 2], [3, 4, 5], [0, 10, 12]])
    assert got.dtype == z.dtype
    assert relu(np.float32(-2.5)) == 0


def test_presets_are_the_lecture_kernels():
    np.testing.assert_array_equal(VERTICAL_EDGE, [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(HORIZONTAL_EDGE, [[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(SOBEL_VERTICAL, [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    np.testing.assert_array_equal(SCHARR_VERTICAL, [[3, 0, -3], [10, 0, -10], [3, 0, -3]])
    np.testing.assert_array_equal(SOBEL_HORIZONTAL, SOBEL_VERTICAL.T)
    np.testing.assert_array_equal(SCHARR_HORIZONTAL, SCHARR_VERTICAL.T)
    with pytest.raises(ValueError):
        VERTICAL_EDGE[0, 0] = 5  # presets are read-only: a page cannot corrupt them


@pytest.mark.parametrize("kind", ["basic", "sobel", "scharr"])
def test_rotated_edge_at_0_and_90_is_vertical_and_horizontal(kind):
    vertical = {"basic": VERTICAL_EDGE, "sobel": SOBEL_VERTICAL, "scharr": SCHARR_VERTICAL}[kind]
    np.testing.assert_array_equal(rotated_edge(0, kind), vertical)
    np.testing.assert_array_equal(rotated_edge(90, kind), vertical.T)
    np.testing.assert_array_equal(rotated_edge(180, kind), -vertical)


def test_rotated_edge_at_45_and_30():
    r = np.sqrt(0.5)
    np.testing.assert_allclose(rotated_edge(45), r * (SOBEL_VERTICAL + SOBEL_HORIZONTAL))
    c, s = np.cos(np.pi / 6), 0.5
    np.testing.assert_allclose(rotated_edge(30), c * SOBEL_VERTICAL + s * SOBEL_HORIZONTAL)
    assert rotated_edge(45)[0, 2] == 0.0  # the cancelling corner is exactly zero


def test_rotated_edge_responds_most_to_its_own_angle():
    yy, xx = np.mgrid[0:21, 0:21]
    theta = np.deg2rad(30)
    # Bright where the point lies on the positive side of the edge direction.
    img = ((xx - 10) * np.cos(theta) + (yy - 10) * np.sin(theta) < 0) * 100.0
    responses = {a: np.abs(conv2d(img, rotated_edge(a))).max() for a in range(0, 180, 15)}
    assert max(responses, key=responses.get) == 30


def test_rotated_edge_unknown_kind():
    with pytest.raises(ValueError, match='unknown edge filter kind "prewitt"'):
        rotated_edge(10, "prewitt")


def test_edge_strength_is_the_sobel_gradients_length_as_scipy_computes_it():
    from scipy import ndimage

    from cnn_core.filters import edge_strength

    img = np.random.default_rng(4).integers(0, 256, (9, 12)).astype(float)
    # scipy convolves (flips) and pads; the flip only turns a gradient's sign, and the
    # interior is where no padding reaches.
    want = np.hypot(ndimage.sobel(img, axis=1), ndimage.sobel(img, axis=0))[1:-1, 1:-1]
    np.testing.assert_allclose(edge_strength(img), want)
