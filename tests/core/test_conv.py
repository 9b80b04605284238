import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate

from cnn_core import (
    HORIZONTAL_EDGE,
    VERTICAL_EDGE,
    conv2d,
    explain_cell,
    output_size,
    pad,
)
from cnn_core.examples import BRIGHT_TO_DARK, CHECKER, DARK_TO_BRIGHT, LECTURE_6X6
from tests.core.reference import conv2d_loops


@st.composite
def conv_cases(draw):
    """Random shapes in the issue's ranges, always with a filter that fits."""
    n_c = draw(st.integers(1, 4))
    n_f = draw(st.integers(1, 4))
    f = draw(st.integers(1, 7))
    padding = draw(st.one_of(st.integers(0, 3), st.just("same") if f % 2 else st.just(0)))
    p = (f - 1) // 2 if padding == "same" else padding
    n_H = draw(st.integers(max(1, f - 2 * p), 40))
    n_W = draw(st.integers(max(1, f - 2 * p), 40))
    s = draw(st.integers(1, 4))
    integer = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if integer:
        x = rng.integers(-20, 21, (n_H, n_W, n_c))
        w = rng.integers(-5, 6, (f, f, n_c, n_f))
        b = rng.integers(-9, 10, n_f)
    else:
        dtype = draw(st.sampled_from([np.float32, np.float64]))
        x = rng.standard_normal((n_H, n_W, n_c)).astype(dtype)
        w = rng.standard_normal((f, f, n_c, n_f)).astype(dtype)
        b = rng.standard_normal(n_f).astype(dtype)
    return x, w, b, s, padding, p


@settings(max_examples=300, deadline=None)
@given(conv_cases())
def test_conv2d_matches_plain_loops(case):
    x, w, b, s, padding, p = case
    got = conv2d(x, w, b, stride=s, padding=padding)
    want = conv2d_loops(x, w, b, stride=s, p=p)
    assert got.shape == (
        output_size(x.shape[0], w.shape[0], p, s),
        output_size(x.shape[1], w.shape[0], p, s),
        w.shape[3],
    )
    if x.dtype.kind == "i":
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, want.astype(np.int64))
    else:
        assert got.dtype == x.dtype
        tol = 1e-4 if x.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(got, want.astype(float), rtol=tol, atol=tol)


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv2d_matches_scipy_correlate(case):
    x, w, _b, s, padding, p = case
    got = conv2d(x.astype(np.float64), w.astype(np.float64), stride=s, padding=padding)
    xp = np.pad(x.astype(np.float64), ((p, p), (p, p), (0, 0)))
    for k in range(w.shape[3]):
        full = correlate(xp, w[..., k].astype(np.float64), mode="valid", method="direct")[:, :, 0]
        np.testing.assert_allclose(got[..., k], full[::s, ::s], rtol=1e-10, atol=1e-10)


def test_vertical_edge_gives_lecture_output():
    got = conv2d(LECTURE_6X6, VERTICAL_EDGE)
    want = [[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]]
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.int64


def test_bright_to_dark_edge_is_plus_30_and_flipped_is_minus_30():
    np.testing.assert_array_equal(conv2d(BRIGHT_TO_DARK, VERTICAL_EDGE), [[0, 30, 30, 0]] * 4)
    np.testing.assert_array_equal(conv2d(DARK_TO_BRIGHT, VERTICAL_EDGE), [[0, -30, -30, 0]] * 4)


def test_horizontal_filter_on_checker_gives_lecture_output():
    want = [[0, 0, 0, 0], [30, 10, -10, -30], [30, 10, -10, -30], [0, 0, 0, 0]]
    np.testing.assert_array_equal(conv2d(CHECKER, HORIZONTAL_EDGE), want)


def test_two_filters_on_rgb_give_stacked_4x4x2():
    rgb = np.stack([LECTURE_6X6] * 3, axis=2)
    bank = np.stack([np.stack([VERTICAL_EDGE] * 3, 2), np.stack([HORIZONTAL_EDGE] * 3, 2)], 3)
    out = conv2d(rgb, bank)
    assert out.shape == (4, 4, 2)
    np.testing.assert_array_equal(out[..., 0], 3 * conv2d(LECTURE_6X6, VERTICAL_EDGE))
    np.testing.assert_array_equal(out[..., 1], 3 * conv2d(LECTURE_6X6, HORIZONTAL_EDGE))


def test_single_filter_returns_2d_and_bank_returns_3d():
    x = np.ones((5, 5, 2))
    assert conv2d(x, np.ones((3, 3, 2))).shape == (3, 3)
    assert conv2d(x, np.ones((3, 3, 2, 1))).shape == (3, 3, 1)
    assert conv2d(np.ones((5, 5)), np.ones((3, 3))).shape == (3, 3)


def test_dtypes_are_kept():
    x32 = np.ones((6, 6), dtype=np.float32)
    assert conv2d(x32, VERTICAL_EDGE).dtype == np.float32
    assert conv2d(x32, VERTICAL_EDGE.astype(np.float64)).dtype == np.float32
    assert conv2d(np.ones((6, 6), dtype=np.uint8), VERTICAL_EDGE).dtype == np.int64
    assert conv2d(LECTURE_6X6, VERTICAL_EDGE * 0.5).dtype == np.float64


def test_uint8_inputs_do_not_wrap_around():
    x = np.full((3, 3), 255, dtype=np.uint8)
    assert conv2d(x, np.full((3, 3), 255, dtype=np.uint8))[0, 0] == 9 * 255 * 255


def test_huge_integers_stay_exact():
    x = np.full((3, 3), 2**40, dtype=np.int64)
    w = np.full((3, 3), 2**12, dtype=np.int64)
    assert conv2d(x, w)[0, 0] == 9 * 2**52  # beyond the sums float64 holds exactly


def test_bias_is_added_per_filter():
    out = conv2d(np.zeros((4, 4, 1)), np.zeros((3, 3, 1, 3)), b=[1, -2, 5])
    np.testing.assert_array_equal(out[0, 0], [1, -2, 5])
    np.testing.assert_array_equal(conv2d(np.zeros((4, 4)), np.zeros((3, 3)), b=7), [[7, 7]] * 2)


def test_same_padding_keeps_size_and_valid_shrinks():
    x = np.arange(49).reshape(7, 7)
    assert conv2d(x, np.ones((5, 5)), padding="same").shape == (7, 7)
    assert conv2d(x, np.ones((5, 5)), padding="valid").shape == (3, 3)


def test_lecture_strides():
    assert conv2d(np.ones((7, 7)), np.ones((3, 3)), stride=2).shape == (3, 3)
    assert conv2d(np.ones((6, 6)), np.ones((3, 3)), stride=2, padding=1).shape == (3, 3)


def test_pad_adds_zeros_on_height_and_width_only():
    x = np.ones((2, 3, 4), dtype=np.int32)
    got = pad(x, 1)
    assert got.shape == (4, 5, 4) and got.dtype == np.int32
    assert got.sum() == x.sum() and got[0].sum() == 0 and got[:, 0].sum() == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: conv2d(np.ones((3, 3)), np.ones((5, 5))),
            "filter 5×5 does not fit a 3×3 image with padding 0",
        ),
        (
            lambda: conv2d(np.ones((3, 4)), np.ones((7, 7)), padding=1),
            "filter 7×7 does not fit a 3×4 image with padding 1 (padded 5×6)",
        ),
        (
            lambda: conv2d(np.ones((6, 6)), np.ones((3, 3)), stride=0),
            "stride must be at least 1, got 0",
        ),
        (
            lambda: conv2d(np.ones((6, 6)), np.ones((3, 3)), padding=-1),
            "padding p must be at least 0, got -1",
        ),
        (
            lambda: conv2d(np.ones((6, 6)), np.ones((4, 4)), padding="same"),
            '"same" padding needs an odd filter size: f = 4 would need p = (f − 1)/2 = 1.5',
        ),
        (
            lambda: conv2d(np.ones((6, 6, 3)), np.ones((3, 3, 2))),
            "filter has 2 channels but the image has 3",
        ),
        (lambda: conv2d(np.ones((6, 6)), np.ones((3, 2))), "filter must be square, got 3×2"),
        (
            lambda: conv2d(np.ones((6, 6)), np.ones((3, 3)), padding="full"),
            'padding must be a whole number, "valid" or "same", got "full"',
        ),
        (
            lambda: conv2d(np.ones((6, 6)), np.ones((3, 3)), stride=1.5),
            "stride must be a whole number, got 1.5",
        ),
        (
            lambda: conv2d(np.ones((6, 6, 1)), np.ones((3, 3, 1, 2)), b=[1, 2, 3]),
            "bias must be a number or have one value per filter (2), got shape (3,)",
        ),
        (
            lambda: conv2d(np.ones(6), np.ones((3, 3))),
            "image must be (n_H, n_W), (n_H, n_W, n_c) or a batch (m, n_H, n_W, n_c), "
            "got shape (6,)",
        ),
        (lambda: conv2d(np.array([["a"]]), np.ones((1, 1))), "image must hold real numbers"),
    ],
)
def test_wrong_input_names_the_numbers(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


def test_explain_cell_writes_out_the_lecture_top_left_cell():
    cell = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 0, 0)
    np.testing.assert_array_equal(cell.window, [[3, 0, 1], [1, 5, 8], [2, 7, 2]])
    np.testing.assert_array_equal(cell.products, [[3, 0, -1], [1, 0, -8], [2, 0, -2]])
    assert cell.total == -5 and (cell.top, cell.left) == (0, 0)


@settings(max_examples=80, deadline=None)
@given(conv_cases(), st.data())
def test_explain_cell_total_is_the_conv_cell(case, data):
    x, w, _, s, padding, _ = case
    out = conv2d(x, w[..., 0], stride=s, padding=padding)
    i = data.draw(st.integers(0, out.shape[0] - 1))
    j = data.draw(st.integers(0, out.shape[1] - 1))
    cell = explain_cell(x, w[..., 0], i, j, stride=s, padding=padding)
    assert cell.window.shape == cell.products.shape == w.shape[:3]
    assert cell.total == pytest.approx(out[i, j], rel=1e-4, abs=1e-4)
    assert cell.products.sum() == pytest.approx(cell.total, rel=1e-4, abs=1e-4)
    assert (cell.top, cell.left) == (i * s, j * s)


def test_explain_cell_rejects_a_cell_outside_the_output():
    with pytest.raises(ValueError, match=r"cell \(4, 0\) is outside the 4×4 output"):
        explain_cell(LECTURE_6X6, VERTICAL_EDGE, 4, 0)


def test_explain_cell_rejects_a_bank():
    with pytest.raises(ValueError, match="explain_cell takes one filter"):
        explain_cell(np.ones((4, 4, 1)), np.ones((3, 3, 1, 2)), 0, 0)


def test_large_image_is_split_into_bands_correctly():
    """Big enough to take the multi-band, multi-thread path; spot-checked by loops."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((700, 650, 3)).astype(np.float32)
    w = rng.standard_normal((5, 5, 3, 4)).astype(np.float32)
    got = conv2d(x, w, stride=2, padding=2)
    assert got.shape == (350, 325, 4)
    crop = x[380:420, 300:340]
    want = conv2d_loops(crop, w, stride=2, p=0).astype(float)
    np.testing.assert_allclose(got[191:209, 151:169], want, rtol=1e-4, atol=1e-4)
