import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import FilterHistory, conv2d, fit_filter, safe_learning_rate
from cnn_core.learn import BLOW_UP, MAX_STEPS


def lecture_problem(seed, n_c=None):
    """A 16×16 image uniform in 0–9 (not centred) and a standard-normal hidden 3×3 filter."""
    rng = np.random.default_rng(seed)
    shape = (16, 16) if n_c is None else (16, 16, n_c)
    x = rng.uniform(0, 9, shape)
    hidden = rng.standard_normal((3, 3) if n_c is None else (3, 3, n_c))
    return x, hidden, conv2d(x, hidden)


def windows_with_ones(x, f):
    """P, ``(N, f²·n_c + 1)``, by loops: each window flattened, then a 1 for the bias."""
    x = x[:, :, None] if x.ndim == 2 else x
    rows = []
    for i in range(x.shape[0] - f + 1):
        for j in range(x.shape[1] - f + 1):
            rows.append([*x[i : i + f, j : j + f].ravel(), 1.0])
    return np.array(rows)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_2000_safe_steps_recover_a_hidden_filter(seed):
    x, hidden, target = lecture_problem(seed)
    history = fit_filter(x, target, steps=2000)
    assert not history.diverged
    assert history.loss[-1] < 1e-4 * history.loss[0]
    assert np.abs(history.weights[-1] - hidden).max() < 0.05


def test_history_holds_every_step_from_the_seeded_start():
    x, _, target = lecture_problem(1)
    history = fit_filter(x, target, steps=30, seed=7)
    assert isinstance(history, FilterHistory)
    assert history.weights.shape == (31, 3, 3)
    assert history.bias.shape == history.loss.shape == (31,)
    assert history.steps == 30 and not history.diverged
    start = 0.01 * np.random.default_rng(7).standard_normal((3, 3))
    np.testing.assert_array_equal(history.weights[0], start)
    assert history.bias[0] == 0
    assert history.loss[0] == pytest.approx(np.mean((conv2d(x, start) - target) ** 2))
    assert history.lr == safe_learning_rate(x[:, :, None], 3)


def test_each_step_moves_against_the_least_squares_gradient():
    """Step t → t+1 is θ − lr·(2/N)·Pᵀ(Pθ − target), with P built by loops."""
    x, _, target = lecture_problem(2)
    history = fit_filter(x, target, steps=5)
    P = windows_with_ones(x, 3)
    for t in range(5):
        theta = np.append(history.weights[t].ravel(), history.bias[t])
        grad = 2 / len(P) * P.T @ (P @ theta - target.ravel())
        want = theta - history.lr * grad
        np.testing.assert_allclose(history.weights[t + 1].ravel(), want[:-1], rtol=1e-12)
        assert history.bias[t + 1] == pytest.approx(want[-1], rel=1e-12, abs=1e-15)
        assert history.loss[t] == pytest.approx(np.mean((P @ theta - target.ravel()) ** 2))


def test_safe_learning_rate_is_one_over_twice_the_largest_eigenvalue():
    x, _, _ = lecture_problem(3, n_c=2)
    P = windows_with_ones(x, 3)
    lam = np.linalg.eigvalsh(P.T @ P / len(P)).max()
    assert safe_learning_rate(x, 3) == pytest.approx(1 / (2 * lam), rel=1e-12)


def test_loss_never_rises_with_the_safe_step():
    x, _, target = lecture_problem(4)
    loss = fit_filter(x, target, steps=500).loss
    assert np.all(np.diff(loss) <= 1e-12 * loss[0])


def test_a_step_past_two_over_L_diverges_where_the_safe_one_converges():
    """Gradient descent on a quadratic converges for lr < 2/L and diverges above it."""
    x, _, target = lecture_problem(5)
    safe = fit_filter(x, target, steps=2000)
    too_big = fit_filter(x, target, steps=2000, lr=2.2 * safe.lr)
    assert not safe.diverged and too_big.diverged
    assert too_big.steps < 2000


@pytest.mark.parametrize("lr", [1e6, 1e300, 1.7e308])
def test_a_huge_learning_rate_stops_early_with_a_finite_history(lr):
    x, _, target = lecture_problem(6)
    history = fit_filter(x, target, steps=200, lr=lr)
    assert history.diverged
    assert len(history.weights) == len(history.bias) == len(history.loss) < 201
    for values in (history.weights, history.bias, history.loss):
        assert np.isfinite(values).all()
    assert history.loss.max() <= BLOW_UP * history.loss[0]


def test_a_growing_loss_is_caught_before_it_overflows():
    """Just past 2/L the loss grows slowly: the history stops once it passes BLOW_UP × start."""
    x, _, target = lecture_problem(7)
    lr = 2.5 * safe_learning_rate(x[:, :, None], 3)
    history = fit_filter(x, target, steps=MAX_STEPS, lr=lr)
    assert history.diverged
    assert history.loss[-1] > history.loss[0]
    assert history.loss.max() <= BLOW_UP * history.loss[0]
    np.testing.assert_allclose(history.lr, lr)


def test_one_slice_per_channel_and_the_bias_are_learned_on_centred_input():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((12, 12, 3))
    hidden = rng.standard_normal((3, 3, 3))
    history = fit_filter(x, conv2d(x, hidden, 0.5), steps=2000)
    assert history.weights.shape == (2001, 3, 3, 3)
    assert np.abs(history.weights[-1] - hidden).max() < 1e-3
    assert history.bias[-1] == pytest.approx(0.5, abs=1e-3)


def test_zero_steps_give_only_the_start():
    x, _, target = lecture_problem(9)
    history = fit_filter(x, target, steps=0)
    assert history.weights.shape == (1, 3, 3) and history.steps == 0
    assert not history.diverged


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0}, "learning rate must be a finite number > 0, got 0"),
        ({"lr": -0.5}, "learning rate must be a finite number > 0, got -0.5"),
        ({"lr": float("nan")}, "learning rate must be a finite number > 0, got nan"),
        ({"lr": float("inf")}, "learning rate must be a finite number > 0, got inf"),
        ({"lr": "0.1"}, "learning rate must be a finite number > 0, got '0.1'"),
        ({"steps": -1}, "steps must be at least 0, got -1"),
        ({"steps": 100_001}, "steps must be at most 100,000, got 100,001"),
        ({"steps": 2.5}, "steps must be a whole number, got 2.5"),
        ({"f": 17}, "filter 17×17 does not fit a 16×16 image with padding 0"),
        (
            {"target": np.zeros((16, 16))},
            "target must have shape (14, 14), the output of a 3×3 filter on a 16×16 image, "
            "got (16, 16)",
        ),
        ({"target": np.full((14, 14), np.nan)}, "target holds NaN or infinity"),
        (
            {"x": np.ones((2, 16, 16, 1))},
            "fit_filter takes one image (n_H, n_W) or (n_H, n_W, n_c), got shape (2, 16, 16, 1)",
        ),
    ],
)
def test_bad_input_names_the_numbers(kwargs, message):
    x, _, target = lecture_problem(10)
    args = {"x": x, "target": target, **kwargs}
    with pytest.raises(ValueError) as err:
        fit_filter(args.pop("x"), args.pop("target"), **args)
    assert message in str(err.value)
