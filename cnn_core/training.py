"""Training a small CNN on the 8×8 digits: mini-batches, Adam, a check after every epoch.

Every step is the lecture's loop on a mini-batch: forward, the cross-entropy of the
softmax, backward (``cnn_core.model``), and an Adam step. Images enter as
``digit_inputs(images)`` (``cnn_core.digits``): the 0–16 ink counts divided by 16, so
every pixel is in [0, 1], with a channel axis: ``(m, 8, 8, 1)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np

from cnn_core.model import (
    N_CLASSES,
    Params,
    _backward,
    _cast,
    _check_network,
    _cross_entropy,
    _forward,
    _labels,
    _network_input,
    init_params,
)
from cnn_core.network import Layer
from cnn_core.shapes import check_int

MAX_EPOCHS = 200
"""The most epochs ``train`` runs in one call."""

MAX_LR = 10.0
"""The largest learning rate ``train`` accepts (10 already diverges: a lesson, not a bug)."""

BLOW_UP = 100 * math.log(N_CLASSES)
"""A batch loss above this (100 times a uniform guess's ln 10 ≈ 2.3) means the run diverged.

Measured on the digits: lr = 10 takes the loss from 2.6 to 4,827 in one Adam step, then
the dead ReLUs leave it at chance (10 %) without ever reaching NaN; lr = 1 peaks at 53.
"""

DEFAULT_EPOCHS = 12
DEFAULT_LR = 0.01
DEFAULT_BATCH_SIZE = 32

# Adam's constants, as in Kingma & Ba (2015) and torch.optim.Adam.
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8
# Training-set accuracy and loss after each epoch are computed in chunks of this many
# images, so a large x never needs all its activations at once.
_EVAL_CHUNK = 256


@dataclass(frozen=True)
class EpochStats:
    """Loss and accuracy after one epoch, with the parameters as they are at its end.

    ``train_loss`` and ``train_accuracy`` are measured on the whole training set;
    ``test_loss`` and ``test_accuracy`` on the validation data, None without it.
    ``seconds`` is the epoch's wall time, evaluation included.
    """

    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None
    seconds: float


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What one call of ``train`` did.

    Attributes
    ----------
    params : list
        One tuple per layer: ``(W, b)`` for CONV, FC and SOFTMAX, ``()`` for POOL and
        FLATTEN. All finite: a step that produced NaN or infinity is not kept.
    history : tuple of EpochStats
        One entry per completed epoch.
    batch_loss : ndarray, shape ``(steps,)``
        The cross-entropy of every mini-batch, in order, computed before its step. After
        a divergence the last entry is the loss that blew up (unless NaN or infinite).
    stopped : bool
        ``should_stop()`` returned True; the epoch under way was not completed.
    diverged : bool
        A batch loss exceeded ``BLOW_UP`` or became NaN or infinite, or a step made a
        parameter so (a learning rate too large). The run stopped there, and ``params``
        are the last ones whose batch loss was finite and below ``BLOW_UP``.
    """

    params: Params
    history: tuple[EpochStats, ...]
    batch_loss: np.ndarray
    stopped: bool
    diverged: bool

    @property
    def epochs_run(self) -> int:
        """Epochs completed."""
        return len(self.history)

    @property
    def steps(self) -> int:
        """Mini-batches whose loss was computed (a diverging one included, if finite)."""
        return len(self.batch_loss)


def _evaluate(params: Params, x: np.ndarray, y: np.ndarray, layers: list[Layer]):
    """Mean cross-entropy and accuracy of the network on (x, y), in chunks."""
    loss, correct = 0.0, 0
    for start in range(0, len(x), _EVAL_CHUNK):
        xs, ys = x[start : start + _EVAL_CHUNK], y[start : start + _EVAL_CHUNK]
        logits = _forward(params, xs, layers)[-1]
        loss += _cross_entropy(logits, ys) * len(ys)
        correct += int((logits.argmax(axis=1) == ys).sum())
    return loss / len(x), correct / len(x)


def _all_finite(arrays: Params) -> bool:
    return all(np.isfinite(a).all() for p in arrays for a in p)


def check_settings(
    *, epochs: int, batch_size: int, lr: float, optimizer: str = "adam"
) -> tuple[int, int, float]:
    """``train``'s checks of its settings, before any work: ``(epochs, batch_size, lr)``.

    Raises
    ------
    ValueError
        lr not a finite number in (0, 10]; epochs not 1 … 200; batch_size < 1; an
        unknown optimizer.

    Examples
    --------
    >>> check_settings(epochs=12, batch_size=32, lr=20)
    Traceback (most recent call last):
    ...
    ValueError: learning rate must be > 0 and at most 10, got 20
    """
    if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr):
        raise ValueError(f"learning rate must be a finite number, got {lr!r}")
    if not 0 < lr <= MAX_LR:
        raise ValueError(f"learning rate must be > 0 and at most {MAX_LR:g}, got {lr:g}")
    epochs = check_int("epochs", epochs, 1)
    if epochs > MAX_EPOCHS:
        raise ValueError(f"epochs must be at most {MAX_EPOCHS}, got {epochs}")
    batch_size = check_int("batch size", batch_size, 1)
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f'unknown optimizer "{optimizer}": use "adam" or "sgd"')
    return epochs, batch_size, float(lr)


def check_network(input_shape: tuple[int, int, int], layers: list[Layer]) -> None:
    """Raise unless ``train`` can train ``layers`` on ``input_shape``: every layer applies
    and the last is SOFTMAX 10 units (the messages ``train`` would give).

    Examples
    --------
    >>> from cnn_core import DIGITS_NETWORK
    >>> check_network((8, 8, 1), DIGITS_NETWORK[:-1])
    Traceback (most recent call last):
    ...
    ValueError: the last layer must be SOFTMAX 10 units, one per digit; layer 3 is FLATTEN
    """
    _check_network(tuple(input_shape), layers)


def train(
    x: np.ndarray,
    y: np.ndarray,
    layers: list[Layer],
    *,
    epochs: int = DEFAULT_EPOCHS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    lr: float = DEFAULT_LR,
    seed: int = 0,
    optimizer: str = "adam",
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    on_batch: Callable[[int, int, float], None] | None = None,
    on_epoch: Callable[[int, EpochStats], None] | None = None,
    on_epoch_params: Callable[[int, Params], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Train the network on (x, y) with mini-batch Adam on the cross-entropy.

    Starts from ``init_params(x.shape[1:], layers, seed=seed)``. Each epoch shuffles the
    images with ``np.random.default_rng([seed, 1]).permutation`` (one generator, one
    permutation per epoch) and cuts them into batches of ``batch_size`` (the last may be
    smaller). The same seed gives the same run, number for number.

    The defaults (12 epochs, batches of 32, Adam with lr 0.01, seed 0) take
    ``DIGITS_NETWORK`` from 1,370 random parameters to 96.7 % on the 360 test digits of
    ``split_digits()`` (96.7–98.9 % over seeds 0–9), in about 0.5 s on 2 cores
    (docs/decisions.md, Training).

    Parameters
    ----------
    x : ndarray, shape ``(m, n_H, n_W, n_c)`` or ``(m, n_H, n_W)``
        The inputs; for the digits ``digit_inputs(train.images)``, pixels ÷ 16 in [0, 1].
        Computed in x's float type (float32 stays float32; integers give float64).
    y : integer ndarray, shape ``(m,)``, classes 0 … 9
    layers : list of Layer, ending in SOFTMAX 10 units (``DIGITS_NETWORK`` by default on
        the page)
    epochs : int, 1 … 200
    batch_size : int ≥ 1
    lr : float, 0 < lr ≤ 10, Adam's step size
    seed : int, for the starting weights and the shuffles
    optimizer : ``"adam"`` (β₁ 0.9, β₂ 0.999, ε 1e-8, as torch.optim.Adam) or ``"sgd"``
        (plain mini-batch gradient descent)
    validation : (x_test, y_test), optional
        Measured after each epoch, never trained on.
    on_batch : callable ``(step, total, loss)``, optional
        Called after each step; ``step`` counts from 1 to ``total = epochs · batches``.
    on_epoch : callable ``(epoch, stats)``, optional
        Called after each epoch with its ``EpochStats``; ``epoch`` counts from 1.
    on_epoch_params : callable ``(epoch, params)``, optional
        Called after each epoch (before ``on_epoch``) with the parameters at its end, so a
        run that is killed later still has its last finished epoch's network.
    should_stop : callable ``() → bool``, optional
        Asked after each step; True ends the run there (``stopped``), keeping the
        parameters of that step.

    Returns
    -------
    TrainResult
        If a batch loss exceeds ``BLOW_UP`` or a loss or parameter becomes NaN or
        infinite, the run stops with ``diverged=True`` and the last parameters whose loss
        was sound: never NaN.

    Raises
    ------
    ValueError
        lr not a finite number in (0, 10]; epochs not 1 … 200; batch_size < 1; an
        unknown optimizer; x or y of the wrong shape or values; a network that cannot
        apply to x (the layer named, as ``describe`` says), has no layers, or does not
        end in SOFTMAX 10 units.

    Examples
    --------
    >>> from cnn_core import DIGITS_NETWORK, digit_inputs, split_digits
    >>> train_set, test_set = split_digits()
    >>> result = train(digit_inputs(train_set.images), train_set.labels, DIGITS_NETWORK,
    ...                epochs=3, validation=(digit_inputs(test_set.images), test_set.labels))
    >>> result.epochs_run, result.history[-1].test_accuracy > 0.9
    (3, True)
    """
    epochs, batch_size, lr = check_settings(
        epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer
    )
    x = _network_input(x)
    y = _labels(y, len(x))
    _check_network(x.shape[1:], layers)
    if validation is not None:
        x_val = _network_input(validation[0]).astype(x.dtype, copy=False)
        y_val = _labels(validation[1], len(x_val), "validation labels")
        if x_val.shape[1:] != x.shape[1:]:
            raise ValueError(
                f"validation images are {x_val.shape[1:]}, training images {x.shape[1:]}"
            )

    params = _cast(init_params(x.shape[1:], layers, seed=seed), x.dtype, layers)
    previous = params
    moments = [[(np.zeros_like(a), np.zeros_like(a)) for a in p] for p in params]
    rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the weights'
    m = len(x)
    per_epoch = -(-m // batch_size)
    total = epochs * per_epoch
    history: list[EpochStats] = []
    losses: list[float] = []
    stopped = diverged = False
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start : start + batch_size]
            xb, yb = x[batch], y[batch]
            # A step too large overflows on its way to NaN; the checks below stop the run.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                acts = _forward(params, xb, layers)
                loss = _cross_entropy(acts[-1], yb)
                if math.isfinite(loss):
                    losses.append(loss)
                if not math.isfinite(loss) or loss > BLOW_UP:
                    diverged = True
                    params = previous  # the last parameters whose loss was still sound
                    break
                grads = _backward(params, xb, acts, yb, layers)
                new = _step(params, grads, moments, len(losses), lr, optimizer)
            if not _all_finite(new):
                diverged = True
                break
            previous, params = params, new
            if on_batch is not None:
                on_batch(len(losses), total, loss)
            if should_stop is not None and should_stop():
                stopped = True
                break
        if stopped or diverged:
            break
        train_loss, train_acc = _evaluate(params, x, y, layers)
        test_loss = test_acc = None
        if validation is not None:
            test_loss, test_acc = _evaluate(params, x_val, y_val, layers)
        stats = EpochStats(
            epoch, train_loss, train_acc, test_loss, test_acc, time.perf_counter() - started
        )
        history.append(stats)
        if on_epoch_params is not None:
            on_epoch_params(epoch, params)
        if on_epoch is not None:
            on_epoch(epoch, stats)
    return TrainResult(
        params=params,
        history=tuple(history),
        batch_loss=np.array(losses),
        stopped=stopped,
        diverged=diverged,
    )


def _step(
    params: Params,
    grads: Params,
    moments: list[list[tuple[np.ndarray, np.ndarray]]],
    t: int,
    lr: float,
    optimizer: str,
) -> Params:
    """New parameters after one step; Adam's moments are updated in place."""
    if optimizer == "sgd":
        return [
            tuple(a - lr * g for a, g in zip(p, gp, strict=True))
            for p, gp in zip(params, grads, strict=True)
        ]
    # Adam with bias correction: lr·m̂ / (√v̂ + ε), m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
    c1, c2 = 1 - _BETA1**t, 1 - _BETA2**t
    new: Params = []
    for p, gp, mp in zip(params, grads, moments, strict=True):
        layer = []
        for a, g, (m1, m2) in zip(p, gp, mp, strict=True):
            m1 *= _BETA1
            m1 += (1 - _BETA1) * g
            m2 *= _BETA2
            m2 += (1 - _BETA2) * g * g
            layer.append(a - lr * (m1 / c1) / (np.sqrt(m2 / c2) + _EPS))
        new.append(tuple(layer))
    return new
