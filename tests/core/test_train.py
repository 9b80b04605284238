import doctest
import importlib
import importlib.util
import math

import numpy as np
import pytest

from cnn_core import (
    DIGITS_NETWORK,
    LECTURE_NETWORK,
    LENET5_LIKE,
    Layer,
    confusion_matrix,
    describe,
    digit_inputs,
    forward,
    init_params,
    loss_and_gradients,
    predict_proba,
    train,
)
from cnn_core.digits import digit_arrays
from cnn_core.training import BLOW_UP, DEFAULT_EPOCHS

# Two tiny networks that between them use every kind of layer and option the backward
# pass has: stride 2 with padding, "same", max and average pooling with s < f and s = f,
# FC, a softmax inside the network, and the final softmax.
TINY_NETWORKS = {
    "strided conv, overlapping max pool, FC": [
        Layer("conv", f=3, s=2, p=1, n=3),
        Layer("pool", f=2, s=1, mode="max"),
        Layer("flatten"),
        Layer("dense", n=5),
        Layer("softmax", n=10),
    ],
    "two convs, average pool, inner softmax": [
        Layer("conv", f=3, p="same", n=2),
        Layer("pool", f=2, s=2, mode="average"),
        Layer("conv", f=2, n=3),
        Layer("flatten"),
        Layer("softmax", n=4),
        Layer("softmax", n=10),
    ],
}


@pytest.fixture(scope="module")
def digits():
    return digit_arrays()


def cross_entropy(params, x, y, layers):
    """The loss from the public forward pass, computed the plain way: −mean log softmax."""
    z = forward(params, x, layers)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()


@pytest.mark.parametrize("name", TINY_NETWORKS)
def test_every_gradient_matches_central_finite_differences(name):
    layers = TINY_NETWORKS[name]
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, (4, 6, 6, 2))
    y = np.array([0, 3, 9, 3])
    params = init_params((6, 6, 2), layers, seed=5)
    # Non-zero biases, so a bias's gradient is checked where it matters.
    params = [tuple(a + 0.1 * rng.standard_normal(a.shape) for a in p) for p in params]
    loss, grads = loss_and_gradients(params, x, y, layers)
    assert loss == pytest.approx(cross_entropy(params, x, y, layers), rel=1e-12)
    h = 1e-6
    checked = 0
    for i, p in enumerate(params):
        assert len(grads[i]) == len(p)
        for j, a in enumerate(p):
            assert grads[i][j].shape == a.shape
            numeric = np.empty_like(a)
            for k in np.ndindex(a.shape):
                saved = a[k]
                a[k] = saved + h
                up = cross_entropy(params, x, y, layers)
                a[k] = saved - h
                down = cross_entropy(params, x, y, layers)
                a[k] = saved
                numeric[k] = (up - down) / (2 * h)
            np.testing.assert_allclose(grads[i][j], numeric, rtol=1e-5, atol=1e-8)
            checked += a.size
    assert checked == sum(row.params for row in describe((6, 6, 2), layers))


@pytest.mark.parametrize(
    ("input_shape", "layers"),
    [((8, 8, 1), DIGITS_NETWORK), LECTURE_NETWORK, LENET5_LIKE],
    ids=["digits", "lecture", "lenet5"],
)
def test_parameter_counts_equal_describe_row_by_row(input_shape, layers):
    params = init_params(input_shape, layers)
    rows = describe(input_shape, layers)
    assert [sum(a.size for a in p) for p in params] == [row.params for row in rows]


def test_the_default_network_has_1370_parameters_in_the_lecture_shapes():
    params = init_params((8, 8, 1), DIGITS_NETWORK)
    assert [tuple(a.shape for a in p) for p in params] == [
        ((3, 3, 1, 8), (8,)),
        (),
        (),
        ((128, 10), (10,)),
    ]
    assert sum(a.size for p in params for a in p) == 1370
    assert all(not b.any() for p in params if p for b in p[1:])


def test_init_is_he_for_conv_and_glorot_for_softmax():
    params = init_params((32, 32, 3), LENET5_LIKE[1], seed=1)
    conv_w, dense_w, softmax_w = params[0][0], params[5][0], params[7][0]
    assert conv_w.std() == pytest.approx(math.sqrt(2 / 75), rel=0.1)
    assert dense_w.std() == pytest.approx(math.sqrt(2 / 400), rel=0.05)
    assert softmax_w.std() == pytest.approx(math.sqrt(2 / (84 + 10)), rel=0.1)


def test_init_is_the_same_for_a_seed_and_differs_between_seeds():
    a, b, c = (init_params((8, 8, 1), DIGITS_NETWORK, seed=s) for s in (4, 4, 5))
    np.testing.assert_array_equal(a[0][0], b[0][0])
    np.testing.assert_array_equal(a[3][0], b[3][0])
    assert not np.array_equal(a[0][0], c[0][0])


def test_the_same_seed_gives_the_same_run_number_for_number(digits):
    x, y = digits[0][:300], digits[1][:300]
    runs = [train(x, y, DIGITS_NETWORK, epochs=2, seed=s) for s in (7, 7, 8)]
    np.testing.assert_array_equal(runs[0].batch_loss, runs[1].batch_loss)
    for p, q in zip(runs[0].params, runs[1].params, strict=True):
        for a, b in zip(p, q, strict=True):
            np.testing.assert_array_equal(a, b)
    assert runs[0].history[-1].train_loss == runs[1].history[-1].train_loss
    assert not np.array_equal(runs[0].batch_loss, runs[2].batch_loss)


def test_the_defaults_reach_95_percent_on_the_360_test_digits(digits):
    x, y, x_test, y_test = digits
    result = train(x, y, DIGITS_NETWORK, validation=(x_test, y_test))
    assert (result.epochs_run, result.stopped, result.diverged) == (DEFAULT_EPOCHS, False, False)
    assert result.steps == DEFAULT_EPOCHS * math.ceil(1437 / 32)
    last = result.history[-1]
    assert last.test_accuracy >= 0.95
    assert last.train_accuracy >= 0.97
    assert result.history[0].train_loss > 2 * last.train_loss
    # The accuracy train reports is what predict_proba gives on the test set.
    predicted = predict_proba(result.params, x_test, DIGITS_NETWORK).argmax(axis=1)
    assert np.mean(predicted == y_test) == last.test_accuracy
    matrix = confusion_matrix(y_test, predicted)
    assert matrix.sum() == 360 and np.trace(matrix) == round(360 * last.test_accuracy)


def test_should_stop_ends_the_run_after_the_first_batch(digits):
    x, y = digits[0][:100], digits[1][:100]
    steps = []
    result = train(
        x,
        y,
        DIGITS_NETWORK,
        epochs=3,
        on_batch=lambda step, total, loss: steps.append((step, total)),
        should_stop=lambda: True,
    )
    assert (result.stopped, result.steps, result.epochs_run) == (True, 1, 0)
    assert steps == [(1, 3 * 4)]
    start = init_params((8, 8, 1), DIGITS_NETWORK)
    assert not np.array_equal(result.params[0][0], start[0][0].astype(np.float32))


def test_should_stop_is_asked_after_every_batch(digits):
    x, y = digits[0][:100], digits[1][:100]
    asked = []
    result = train(
        x, y, DIGITS_NETWORK, epochs=3, should_stop=lambda: len(asked) > 4 or asked.append(1)
    )
    assert (result.stopped, result.steps, result.epochs_run) == (True, 6, 1)


def test_callbacks_report_every_batch_and_epoch(digits):
    x, y, x_test, y_test = (a[:70] for a in digits)
    batches, epochs = [], []
    result = train(
        x,
        y,
        DIGITS_NETWORK,
        epochs=2,
        batch_size=32,
        validation=(x_test, y_test),
        on_batch=lambda *args: batches.append(args),
        on_epoch=lambda epoch, stats: epochs.append((epoch, stats)),
    )
    assert [b[:2] for b in batches] == [(k, 6) for k in range(1, 7)]
    assert [b[2] for b in batches] == result.batch_loss.tolist()
    assert [e for e, _ in epochs] == [1, 2]
    assert tuple(s for _, s in epochs) == result.history
    assert all(0 <= s.test_accuracy <= 1 and s.test_loss > 0 for s in result.history)


def test_without_validation_the_test_figures_are_none(digits):
    result = train(digits[0][:50], digits[1][:50], DIGITS_NETWORK, epochs=1)
    assert result.history[0].test_loss is None and result.history[0].test_accuracy is None


def test_lr_10_diverges_without_returning_nan(digits):
    x, y = digits[0], digits[1]
    result = train(x, y, DIGITS_NETWORK, epochs=2, lr=10)
    assert result.diverged and not result.stopped
    assert result.batch_loss[-1] > BLOW_UP
    assert np.isfinite(result.batch_loss).all()
    assert all(np.isfinite(a).all() for p in result.params for a in p)
    assert np.isfinite(predict_proba(result.params, x, DIGITS_NETWORK)).all()


def test_sgd_lowers_the_loss_too(digits):
    x, y = digits[0][:300], digits[1][:300]
    result = train(x, y, DIGITS_NETWORK, epochs=3, lr=0.5, optimizer="sgd")
    assert not result.diverged
    assert result.history[-1].train_loss < 0.5 * result.batch_loss[0]


def test_forward_keeps_every_layers_activation_and_the_last_is_y_hat():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (5, 8, 8, 1))
    params = init_params((8, 8, 1), DIGITS_NETWORK)
    logits, acts = forward(params, x, DIGITS_NETWORK, keep=True)
    assert [a.shape for a in acts] == [(5, 8, 8, 8), (5, 4, 4, 8), (5, 128), (5, 10)]
    assert (acts[0] >= 0).all()  # after ReLU
    np.testing.assert_array_equal(logits, forward(params, x, DIGITS_NETWORK))
    np.testing.assert_allclose(acts[-1], predict_proba(params, x, DIGITS_NETWORK))
    np.testing.assert_allclose(acts[-1].sum(axis=1), 1)
    # Channels-last flatten: position (h, w, c) of the pooled volume is entry h·32 + w·8 + c.
    assert acts[2][2, 1 * 32 + 3 * 8 + 5] == acts[1][2, 1, 3, 5]


def test_forward_keeps_float32_and_a_3d_batch_gets_one_channel():
    params = init_params((8, 8, 1), DIGITS_NETWORK)
    x = np.random.default_rng(0).uniform(0, 1, (3, 8, 8)).astype(np.float32)
    assert forward(params, x, DIGITS_NETWORK).dtype == np.float32
    np.testing.assert_allclose(
        forward(params, x, DIGITS_NETWORK),
        forward(params, x[..., None].astype(float), DIGITS_NETWORK),
        rtol=1e-5,
    )


def test_predict_proba_stays_finite_for_huge_scores():
    params = init_params((8, 8, 1), DIGITS_NETWORK)
    params[3] = (params[3][0] * 1e6, params[3][1])
    p = predict_proba(params, np.ones((2, 8, 8, 1)), DIGITS_NETWORK)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1)


def test_digit_inputs_divide_by_16_and_add_a_channel():
    images = np.array([[[0, 8], [16, 4]]], dtype=np.uint8)
    out = digit_inputs(images)
    assert out.shape == (1, 2, 2, 1) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0, :, :, 0], [[0, 0.5], [1, 0.25]])


def test_confusion_matrix_counts_each_true_predicted_pair():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    expected = np.zeros((10, 10), dtype=np.int64)
    for a, b in zip(t, p, strict=True):
        expected[a, b] += 1
    np.testing.assert_array_equal(confusion_matrix(t, p), expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0}, "learning rate must be > 0 and at most 10, got 0"),
        ({"lr": -0.5}, "learning rate must be > 0 and at most 10, got -0.5"),
        ({"lr": 10.5}, "learning rate must be > 0 and at most 10, got 10.5"),
        ({"lr": float("nan")}, "learning rate must be a finite number, got nan"),
        ({"lr": float("inf")}, "learning rate must be a finite number, got inf"),
        ({"epochs": 0}, "epochs must be at least 1, got 0"),
        ({"epochs": 201}, "epochs must be at most 200, got 201"),
        ({"epochs": 2.5}, "epochs must be a whole number, got 2.5"),
        ({"batch_size": 0}, "batch size must be at least 1, got 0"),
        ({"optimizer": "rmsprop"}, 'unknown optimizer "rmsprop": use "adam" or "sgd"'),
    ],
)
def test_bad_settings_raise_naming_the_numbers(kwargs, message):
    x = np.zeros((4, 8, 8, 1))
    with pytest.raises(ValueError, match=f"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        train(x, [0, 1, 2, 3], DIGITS_NETWORK, **kwargs)


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ([], "the network has no layers: end it with SOFTMAX 10 units"),
        (
            [
                Layer("conv", f=3, n=4),
                Layer("pool", f=9, s=2),
                Layer("flatten"),
                Layer("softmax", n=10),
            ],
            "cannot train this network: layer 2 (POOL max f=9 s=2): "
            "pooling window 9×9 does not fit a 6×6 input",
        ),
        (
            [Layer("conv", f=3, n=4), Layer("softmax", n=10)],
            "cannot train this network: layer 2 (SOFTMAX 10 units): a softmax layer needs a "
            "flat input; add FLATTEN after the 6×6×4 volume",
        ),
        (
            [Layer("flatten"), Layer("dense", n=10)],
            "the last layer must be SOFTMAX 10 units, one per digit; layer 2 is FC 10 units",
        ),
        (
            [Layer("flatten"), Layer("softmax", n=5)],
            "the last layer must be SOFTMAX 10 units, one per digit; layer 2 is SOFTMAX 5 units",
        ),
        (
            [Layer("flatten")],
            "the last layer must be SOFTMAX 10 units, one per digit; layer 1 is FLATTEN",
        ),
    ],
)
def test_a_network_that_cannot_train_on_8x8_is_named_row_by_row(layers, message):
    with pytest.raises(ValueError) as err:
        train(np.zeros((4, 8, 8, 1)), [0, 1, 2, 3], layers)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (
            np.zeros((4, 8, 8, 1)),
            [0, 1, 2],
            r"y must have one label per image, shape \(4,\), got \(3,\)",
        ),
        (np.zeros((2, 8, 8, 1)), [0, 10], "y must be 0 … 9, got 0 … 10"),
        (np.zeros((2, 8, 8, 1)), [0.5, 1], "y must hold whole numbers 0 … 9"),
        (np.full((1, 8, 8, 1), np.nan), [0], "x holds NaN or infinity"),
        (
            np.zeros((8, 8)),
            [0],
            r"x must be a batch \(m, n_H, n_W\) or \(m, n_H, n_W, n_c\), got \(8, 8\)",
        ),
    ],
)
def test_bad_data_raises_naming_what_is_wrong(x, y, message):
    with pytest.raises(ValueError, match=message):
        train(x, y, DIGITS_NETWORK)


@pytest.mark.parametrize("module", ["cnn_core.model", "cnn_core.training"])
def test_the_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted >= 3


def test_no_module_shares_its_name_with_the_function_train():
    import cnn_core

    assert callable(cnn_core.train) and importlib.util.find_spec("cnn_core.train") is None


def test_params_for_another_network_are_refused():
    params = init_params((8, 8, 1), DIGITS_NETWORK)
    with pytest.raises(ValueError, match="params has 4 entries for 2 layers"):
        forward(params, np.zeros((1, 8, 8, 1)), [Layer("flatten"), Layer("softmax", n=10)])
