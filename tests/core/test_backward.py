import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import VERTICAL_EDGE, conv2d, conv2d_backward, pool2d, pool2d_backward
from cnn_core.examples import LECTURE_6X6, POOL_MAX_4X4
from tests.core.reference import conv2d_backward_loops, pool2d_backward_loops


@st.composite
def conv_backward_cases(draw):
    """x as 2-D, 3-D or a batch; w as (f, f), (f, f, n_c) or a bank; dZ of the output's shape.

    Returns x, w and dZ in the form given to the engine, and the same numbers as a batch
    ``(m, n_H, n_W, n_c)``, a bank ``(f, f, n_c, n_f)`` and ``(m, n_H', n_W', n_f)`` for
    the reference.
    """
    form = draw(st.sampled_from(["2d", "3d", "batch"]))
    m = draw(st.integers(1, 3)) if form == "batch" else 1
    n_c = 1 if form == "2d" else draw(st.integers(1, 3))
    bank = draw(st.booleans())
    n_f = draw(st.integers(1, 3)) if bank else 1
    f = draw(st.integers(1, 5))
    padding = draw(st.one_of(st.integers(0, 2), st.just("same") if f % 2 else st.just(1)))
    p = (f - 1) // 2 if padding == "same" else padding
    n_H = draw(st.integers(max(1, f - 2 * p), 9))
    n_W = draw(st.integers(max(1, f - 2 * p), 9))
    s = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    xb = rng.standard_normal((m, n_H, n_W, n_c))
    wb = rng.standard_normal((f, f, n_c, n_f))
    x = {"2d": xb[0, :, :, 0], "3d": xb[0], "batch": xb}[form]
    w = wb if bank else wb[..., 0]  # (f, f, n_c, n_f) or one filter (f, f, n_c)
    if form == "2d" and not bank and draw(st.booleans()):
        w = w[:, :, 0]  # one filter given as (f, f)
    out_H, out_W = (n_H + 2 * p - f) // s + 1, (n_W + 2 * p - f) // s + 1
    dzb = rng.standard_normal((m, out_H, out_W, n_f))
    grad_out = dzb if form == "batch" else dzb[0]
    grad_out = grad_out if bank else grad_out[..., 0]
    return x, w, grad_out, s, padding, p, xb, wb, dzb


@settings(max_examples=300, deadline=None)
@given(conv_backward_cases())
def test_conv2d_backward_matches_plain_loops(case):
    x, w, grad_out, s, padding, p, xb, wb, dzb = case
    grad_x, grad_w, grad_b = conv2d_backward(x, w, grad_out, stride=s, padding=padding)
    n_f = wb.shape[3]
    want_x, want_w, want_b = conv2d_backward_loops(xb, wb, dzb, stride=s, p=p)
    assert grad_x.shape == x.shape and grad_w.shape == w.shape
    assert np.shape(grad_b) == ((n_f,) if w.ndim == 4 else ())
    assert grad_x.dtype == grad_w.dtype == np.float64
    np.testing.assert_allclose(grad_x, want_x.reshape(x.shape), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_w, want_w.reshape(w.shape), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_b, want_b.reshape(np.shape(grad_b)), rtol=1e-12, atol=1e-12)


def central_differences(loss, a, h=1e-3):
    """∂loss/∂a, element by element: (loss(a + h) − loss(a − h)) / 2h."""
    grad = np.zeros(a.shape)
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (loss(up) - loss(down)) / (2 * h)
    return grad


@settings(max_examples=60, deadline=None)
@given(conv_backward_cases())
def test_conv2d_backward_matches_central_differences(case):
    """L = Σ dZ · conv2d(x, w) + b is linear in each of x, w and b: differences are exact."""
    x, w, grad_out, s, padding, _, _, wb, _ = case
    b = np.linspace(-1, 1, wb.shape[3]) if w.ndim == 4 else 0.5

    def loss(x=x, w=w, b=b):
        return float(np.sum(grad_out * conv2d(x, w, b, stride=s, padding=padding)))

    grad_x, grad_w, grad_b = conv2d_backward(x, w, grad_out, stride=s, padding=padding)
    tol = {"rtol": 1e-8, "atol": 1e-8}
    np.testing.assert_allclose(grad_x, central_differences(lambda a: loss(x=a), x), **tol)
    np.testing.assert_allclose(grad_w, central_differences(lambda a: loss(w=a), w), **tol)
    fd_b = central_differences(lambda a: loss(b=a if a.ndim else float(a)), np.asarray(b))
    np.testing.assert_allclose(grad_b, fd_b, **tol)


def test_conv2d_backward_on_the_lecture_image_sums_each_taps_windows():
    """With dZ all ones, dW[a, b] is the sum of the 4×4 block tap (a, b) saw, db is 16."""
    grad_x, grad_w, grad_b = conv2d_backward(LECTURE_6X6, VERTICAL_EDGE, np.ones((4, 4)))
    want_w = [[LECTURE_6X6[a : a + 4, b : b + 4].sum() for b in range(3)] for a in range(3)]
    np.testing.assert_array_equal(grad_w, want_w)
    assert grad_b == 16
    # Each pixel gets the filter weights of every window covering it: the middle
    # column of VERTICAL_EDGE is 0, and +1 and −1 cancel where a pixel is in both.
    np.testing.assert_array_equal(grad_x[:, 0], [1, 2, 3, 3, 2, 1])
    np.testing.assert_array_equal(grad_x[:, 2], [0, 0, 0, 0, 0, 0])


def test_stride_leaves_unreached_cells_with_zero_gradient():
    """7×7 with f=2, s=3: rows and columns 2 and 5 and the last one are never read."""
    grad_x, _, _ = conv2d_backward(np.ones((7, 7)), np.ones((2, 2)), np.ones((2, 2)), stride=3)
    reached = [1, 1, 0, 1, 1, 0, 0]
    np.testing.assert_array_equal(grad_x, np.outer(reached, reached))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_backward_keeps_float32_and_float64(dtype):
    x = np.ones((2, 5, 5, 3), dtype=dtype)
    w = np.ones((3, 3, 3, 2), dtype=dtype)
    grads = conv2d_backward(x, w, np.ones((2, 3, 3, 2), dtype=dtype))
    assert [g.dtype for g in grads] == [dtype] * 3


def test_conv2d_backward_of_integers_is_float64():
    grads = conv2d_backward(LECTURE_6X6, VERTICAL_EDGE, np.ones((4, 4), dtype=np.int64))
    assert [g.dtype for g in grads] == [np.float64] * 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: conv2d_backward(np.ones((6, 6)), np.ones((3, 3)), np.ones((6, 6))),
            "grad_out must have the shape of conv2d's output (4, 4), got (6, 6)",
        ),
        (
            lambda: conv2d_backward(np.ones((2, 6, 6, 1)), np.ones((3, 3, 1, 4)), np.ones((4, 4))),
            "grad_out must have the shape of conv2d's output (2, 4, 4, 4), got (4, 4)",
        ),
        (
            lambda: conv2d_backward(np.ones((3, 3)), np.ones((5, 5)), np.ones((1, 1))),
            "filter 5×5 does not fit a 3×3 image with padding 0",
        ),
        (
            lambda: conv2d_backward(np.ones((6, 6, 3)), np.ones((3, 3, 2)), np.ones((4, 4))),
            "filter has 2 channels but the image has 3",
        ),
        (
            lambda: conv2d_backward(
                np.ones((6, 6)), np.ones((4, 4)), np.ones((6, 6)), padding="same"
            ),
            '"same" padding needs an odd filter size: f = 4',
        ),
    ],
)
def test_conv2d_backward_errors_name_the_numbers(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


@st.composite
def pool_backward_cases(draw):
    form = draw(st.sampled_from(["2d", "3d", "batch"]))
    m = draw(st.integers(1, 3)) if form == "batch" else 1
    n_c = 1 if form == "2d" else draw(st.integers(1, 3))
    f = draw(st.integers(1, 4))
    s = draw(st.integers(1, 4))
    n_H, n_W = draw(st.integers(f, 10)), draw(st.integers(f, 10))
    mode = draw(st.sampled_from(["max", "average"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # Small integers: ties in nearly every max window.
    xb = rng.integers(0, 4, (m, n_H, n_W, n_c)).astype(float)
    dzb = rng.standard_normal((m, (n_H - f) // s + 1, (n_W - f) // s + 1, n_c))
    pick = {"2d": lambda a: a[0, :, :, 0], "3d": lambda a: a[0], "batch": lambda a: a}[form]
    return pick(xb), pick(dzb), f, s, mode, xb, dzb


@settings(max_examples=300, deadline=None)
@given(pool_backward_cases())
def test_pool2d_backward_matches_plain_loops(case):
    x, grad_out, f, s, mode, xb, dzb = case
    got = pool2d_backward(x, grad_out, f, stride=s, mode=mode)
    want = pool2d_backward_loops(xb, dzb, f, s, mode)
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, want.reshape(x.shape), rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(pool_backward_cases())
def test_pool2d_backward_matches_central_differences(case):
    """On distinct values spaced 1 apart, a step of 1e-3 never changes a max window's winner."""
    x, grad_out, f, s, mode, _, _ = case
    x = np.random.default_rng(0).permutation(x.size).reshape(x.shape).astype(float)

    def loss(a):
        return float(np.sum(grad_out * pool2d(a, f, stride=s, mode=mode)))

    got = pool2d_backward(x, grad_out, f, stride=s, mode=mode)
    np.testing.assert_allclose(got, central_differences(loss, x), rtol=1e-8, atol=1e-8)


def test_max_pool_backward_sends_the_lecture_gradient_to_each_winner():
    got = pool2d_backward(POOL_MAX_4X4, np.array([[1.0, 2.0], [3.0, 4.0]]))
    want = [[0, 0, 2, 0], [0, 1, 0, 0], [0, 0, 0, 4], [0, 3, 0, 0]]
    np.testing.assert_array_equal(got, want)


def test_max_pool_backward_gives_a_tie_to_the_first_in_row_major_order():
    x = np.array([[7, 7, 1, 2], [7, 7, 2, 2], [0, 5, 3, 3], [5, 5, 3, 3]])
    got = pool2d_backward(x, np.ones((2, 2)))
    want = [[1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(got, want)


def test_overlapping_max_windows_accumulate_on_a_shared_winner():
    """f=3, s=1 on 5×5: the centre is in all nine windows and wins each of them."""
    x = np.zeros((5, 5))
    x[2, 2] = 1
    dz = np.arange(1.0, 10.0).reshape(3, 3)
    got = pool2d_backward(x, dz, 3, stride=1)
    assert got[2, 2] == dz.sum() == 45
    assert np.count_nonzero(got) == 1


def test_average_pool_backward_gives_each_cell_a_quarter():
    got = pool2d_backward(np.ones((4, 4)), np.array([[4.0, 8.0], [12.0, 16.0]]), mode="average")
    np.testing.assert_array_equal(got, [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])


def test_overlapping_average_windows_accumulate():
    got = pool2d_backward(np.ones((3, 3)), np.ones((2, 2)), 2, stride=1, mode="average")
    np.testing.assert_array_equal(got, np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool2d_backward_keeps_float32_and_float64(dtype, mode):
    got = pool2d_backward(np.ones((2, 4, 4, 3)), np.ones((2, 2, 2, 3), dtype=dtype), mode=mode)
    assert got.dtype == dtype


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: pool2d_backward(np.ones((4, 4, 2)), np.ones((2, 2))),
            "grad_out must have the shape of pool2d's output (2, 2, 2), got (2, 2)",
        ),
        (
            lambda: pool2d_backward(np.ones((4, 4)), np.ones((1, 1)), 5),
            "pooling window 5×5 does not fit a 4×4 input",
        ),
        (
            lambda: pool2d_backward(np.ones((4, 4)), np.ones((2, 2)), mode="min"),
            'unknown pooling mode "min"',
        ),
    ],
)
def test_pool2d_backward_errors_name_the_numbers(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
