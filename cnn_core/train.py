"""Training a small CNN, described by ``Layer``s, on the 8×8 digits: forward, loss, backward, Adam.

Every step is the lecture's loop on a mini-batch: forward (``conv2d``, ``relu``,
``pool2d``, a matrix product per dense layer), the cross-entropy of the softmax, backward
(``conv2d_backward``, ``pool2d_backward``, the chain rule through ReLU and the dense
layers), and an Adam step. A CONV or FC layer includes its ReLU, as in the lecture; the
last layer is SOFTMAX with one unit per digit, whose softmax is applied in the loss and
in ``predict_proba``, so ``forward`` returns the class scores (logits).

Images enter as ``digit_inputs(images)``: the 0–16 ink counts divided by 16, so every
pixel is in [0, 1], with a channel axis: ``(m, 8, 8, 1)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np

from cnn_core.arrays import as_array
from cnn_core.backward import conv2d_backward, pool2d_backward
from cnn_core.conv import conv2d
from cnn_core.digits import split_digits
from cnn_core.network import Layer, check_applies, describe
from cnn_core.pool import pool2d, relu
from cnn_core.shapes import check_int

N_CLASSES = 10
"""One class per digit, 0 to 9."""

MAX_EPOCHS = 200
"""The most epochs ``train`` runs in one call."""

MAX_LR = 10.0
"""The largest learning rate ``train`` accepts (10 already diverges: a lesson, not a bug)."""

BLOW_UP = 100 * math.log(N_CLASSES)
"""A batch loss above this (100 times a uniform guess's ln 10 ≈ 2.3) means the run diverged.

Measured on the digits: lr = 10 takes the loss from 2.6 to 4,827 in one Adam step, then
the dead ReLUs leave it at chance (10 %) without ever reaching NaN; lr = 1 peaks at 53.
"""

PIXEL_SCALE = 16
"""The digits' largest ink count: ``digit_inputs`` divides by it, so pixels are in [0, 1]."""

DIGITS_NETWORK = [
    Layer("conv", f=3, s=1, p="same", n=8),
    Layer("pool", f=2, s=2),
    Layer("flatten"),
    Layer("softmax", n=N_CLASSES),
]
"""The page's default network for 8×8×1 digits: 8×8×8 → 4×4×8 → 128 → 10; 1,370 parameters."""

DEFAULT_EPOCHS = 12
DEFAULT_LR = 0.01
DEFAULT_BATCH_SIZE = 32

# Adam's constants, as in Kingma & Ba (2015) and torch.optim.Adam.
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8
# Training-set accuracy and loss after each epoch are computed in chunks of this many
# images, so a large x never needs all its activations at once.
_EVAL_CHUNK = 256

Params = list[tuple[np.ndarray, ...]]


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


def digit_inputs(images: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """The network's input for ``Digits.images``: pixels ÷ 16, in [0, 1], with a channel axis.

    Parameters
    ----------
    images : ndarray, shape ``(m, 8, 8)``, ink counts 0–16
    dtype : float type of the result (float32 unless told)

    Returns
    -------
    ndarray, shape ``(m, 8, 8, 1)``

    Examples
    --------
    >>> digit_inputs(np.full((1, 8, 8), 16, dtype=np.uint8)).max()
    np.float32(1.0)
    """
    images = as_array("images", images)
    if images.ndim != 3:
        raise ValueError(f"images must be (m, n_H, n_W), got shape {images.shape}")
    return (images.astype(dtype) / dtype(PIXEL_SCALE))[..., None]


def digit_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``split_digits()`` as the network takes it: ``(x_train, y_train, x_test, y_test)``.

    ``x`` is ``digit_inputs`` of the images, ``(m, 8, 8, 1)`` float32; ``y`` the labels.

    >>> [a.shape for a in digit_arrays()]
    [(1437, 8, 8, 1), (1437,), (360, 8, 8, 1), (360,)]
    """
    train_set, test_set = split_digits()
    return (
        digit_inputs(train_set.images),
        train_set.labels,
        digit_inputs(test_set.images),
        test_set.labels,
    )


def _check_network(input_shape: tuple[int, ...], layers: list[Layer]) -> None:
    """Raise unless the network applies to ``input_shape`` and ends in SOFTMAX 10 units."""
    if not layers:
        raise ValueError(f"the network has no layers: end it with SOFTMAX {N_CLASSES} units")
    check_applies(input_shape, layers, "train this network")
    last = layers[-1]
    if last.kind != "softmax" or last.n != N_CLASSES:
        raise ValueError(
            f"the last layer must be SOFTMAX {N_CLASSES} units, one per digit; "
            f"layer {len(layers)} is {last.label()}"
        )


def _network_input(x: object) -> np.ndarray:
    """x as a float batch ``(m, n_H, n_W, n_c)``: a 3-D x gets one channel."""
    arr = as_array("x", x)
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4 or min(arr.shape) == 0:
        raise ValueError(f"x must be a batch (m, n_H, n_W) or (m, n_H, n_W, n_c), got {arr.shape}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError("x holds NaN or infinity")
    return arr


def init_params(input_shape: tuple[int, int, int], layers: list[Layer], *, seed: int = 0) -> Params:
    """Starting weights: He for CONV and FC (they feed a ReLU), Glorot for SOFTMAX; biases 0.

    He: ``W ~ N(0, 2 / n_in)``; Glorot: ``W ~ N(0, 2 / (n_in + n_out))``, with ``n_in``
    the inputs of one unit (``f·f·n_c_prev`` for a filter). Drawn layer by layer from
    ``np.random.default_rng(seed)``, in float64.

    Parameters
    ----------
    input_shape : ``(n_H, n_W, n_c)``
    layers : list of Layer, as for ``describe``
    seed : int

    Returns
    -------
    list, one tuple per layer
        CONV: ``(W, b)`` with W ``(f, f, n_c_prev, n_f)``, b ``(n_f,)``; FC and SOFTMAX:
        W ``(n_in, n_out)``, b ``(n_out,)``; POOL and FLATTEN: ``()``. Their sizes add up
        to ``describe``'s parameters, row by row.

    Raises
    ------
    ValueError
        If ``describe`` skips a layer (named, with the reason), or there are no layers.

    Examples
    --------
    >>> params = init_params((8, 8, 1), DIGITS_NETWORK)
    >>> [tuple(a.shape for a in p) for p in params]
    [((3, 3, 1, 8), (8,)), (), (), ((128, 10), (10,))]
    """
    if not layers:
        raise ValueError("the network has no layers")
    rows = describe(input_shape, layers)
    for i, row in enumerate(rows, start=1):
        if row.error:
            raise ValueError(
                f"layer {i} ({row.layer.label()}): {row.error.removeprefix('skipped: ')}"
            )
    rng = np.random.default_rng(seed)
    shape = tuple(input_shape)
    params: Params = []
    for layer, row in zip(layers, rows, strict=True):
        if layer.kind == "conv":
            n_in = layer.f * layer.f * shape[2]
            W = rng.normal(0.0, math.sqrt(2.0 / n_in), (layer.f, layer.f, shape[2], layer.n))
            params.append((W, np.zeros(layer.n)))
        elif layer.kind in ("dense", "softmax"):
            n_in, n_out = shape[0], layer.n
            var = 2.0 / n_in if layer.kind == "dense" else 2.0 / (n_in + n_out)
            params.append((rng.normal(0.0, math.sqrt(var), (n_in, n_out)), np.zeros(n_out)))
        else:
            params.append(())
        shape = row.shape
    return params


def _softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by each row's maximum so no exponential overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """``z − log Σ exp z``, computed as ``(z − max) − log Σ exp(z − max)``: never overflows."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _forward(params: Params, x: np.ndarray, layers: list[Layer]) -> list[np.ndarray]:
    """Every layer's output, after its activation; the last is the logits ``Z^[L]``."""
    acts = []
    a = x
    last = len(layers) - 1
    for i, (layer, p) in enumerate(zip(layers, params, strict=True)):
        if layer.kind == "conv":
            a = relu(conv2d(a, p[0], p[1], stride=layer.s, padding=layer.p))
        elif layer.kind == "pool":
            a = pool2d(a, layer.f, stride=layer.s, mode=layer.mode)
        elif layer.kind == "flatten":
            a = a.reshape(len(a), -1)
        else:
            a = a @ p[0] + p[1]
            if i < last:  # the last layer's softmax is applied in the loss
                a = relu(a) if layer.kind == "dense" else _softmax(a)
        acts.append(a)
    return acts


def _backward(
    params: Params, x: np.ndarray, acts: list[np.ndarray], y: np.ndarray, layers: list[Layer]
) -> Params:
    """Gradients of the mean cross-entropy with respect to every parameter, layer by layer."""
    m = len(x)
    dz = _softmax(acts[-1])
    dz[np.arange(m), y] -= 1.0
    dz /= m  # ∂L/∂Z^[L] = (ŷ − y) / m
    grads: Params = [()] * len(layers)
    da = None
    for i in range(len(layers) - 1, -1, -1):
        layer, p = layers[i], params[i]
        a_prev = acts[i - 1] if i else x
        if i < len(layers) - 1:
            a = acts[i]
            if layer.kind in ("conv", "dense"):
                dz = da * (a > 0)  # ReLU: the gradient passes where z > 0, and a > 0 there
            elif layer.kind == "softmax":  # a softmax inside the network
                dz = a * (da - (da * a).sum(axis=1, keepdims=True))
        if layer.kind == "conv":
            da, dW, db = conv2d_backward(a_prev, p[0], dz, stride=layer.s, padding=layer.p)
            grads[i] = (dW, db)
        elif layer.kind == "pool":
            da = pool2d_backward(a_prev, da, layer.f, stride=layer.s, mode=layer.mode)
        elif layer.kind == "flatten":
            da = da.reshape(a_prev.shape)
        else:
            grads[i] = (a_prev.T @ dz, dz.sum(axis=0))
            da = dz @ p[0].T
    return grads


def _cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean of ``−log ŷ[true class]``, from a numerically stable log-softmax."""
    return float(-_log_softmax(logits)[np.arange(len(y)), y].mean())


def _cast(params: Params, dtype: np.dtype, layers: list[Layer]) -> Params:
    """The parameters in the computation's float type, after checking there is one set per layer."""
    if len(params) != len(layers):
        raise ValueError(
            f"params has {len(params)} entries for {len(layers)} layers: one per layer, "
            "as init_params gives"
        )
    return [tuple(np.asarray(a).astype(dtype, copy=False) for a in p) for p in params]


def forward(
    params: Params, x: np.ndarray, layers: list[Layer], *, keep: bool = False
) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
    """The network's class scores (logits) for a batch, and optionally every activation.

    Parameters
    ----------
    params : list, as from ``init_params`` or ``TrainResult.params``
    x : ndarray, shape ``(m, n_H, n_W, n_c)`` (or ``(m, n_H, n_W)``: one channel)
        For the digits, ``digit_inputs(images)`` (pixels ÷ 16).
    layers : list of Layer, ending in SOFTMAX 10 units
    keep : bool
        Also return each layer's activation.

    Returns
    -------
    logits : ndarray, shape ``(m, 10)``
        ``Z^[L]``, before the softmax. Computed in x's float type (float32 stays float32).
    activations : list of ndarray, only with ``keep=True``
        One per layer, after its activation: CONV ``(m, n_H', n_W', n_f)`` after ReLU,
        POOL, FLATTEN ``(m, n)``, FC after ReLU; the last is ``ŷ``, the softmax
        probabilities ``(m, 10)``.

    Raises
    ------
    ValueError
        If the network cannot apply to x (the layer named) or x is not a finite batch.

    Examples
    --------
    >>> x = np.zeros((2, 8, 8, 1))
    >>> forward(init_params((8, 8, 1), DIGITS_NETWORK), x, DIGITS_NETWORK).shape
    (2, 10)
    """
    x = _network_input(x)
    _check_network(x.shape[1:], layers)
    acts = _forward(_cast(params, x.dtype, layers), x, layers)
    if not keep:
        return acts[-1]
    return acts[-1], [*acts[:-1], _softmax(acts[-1])]


def predict_proba(params: Params, x: np.ndarray, layers: list[Layer]) -> np.ndarray:
    """``ŷ``: the softmax of the network's scores, ``(m, 10)``, each row summing to 1.

    Examples
    --------
    >>> x = np.zeros((3, 8, 8, 1))
    >>> p = predict_proba(init_params((8, 8, 1), DIGITS_NETWORK), x, DIGITS_NETWORK)
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
    ((3, 10), True)
    """
    return _softmax(forward(params, x, layers))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n: int = N_CLASSES) -> np.ndarray:
    """``C[i, j]``: how many images of class i were predicted as class j.

    Parameters
    ----------
    y_true, y_pred : integer arrays of shape ``(m,)``, values 0 … n − 1
    n : int, the number of classes

    Returns
    -------
    ndarray of int64, shape ``(n, n)``; the diagonal holds the correct predictions.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], n=2)
    array([[1, 0],
           [1, 1]])
    """
    n = check_int("number of classes", n, 1)
    t, p = (as_array(name, v) for name, v in (("y_true", y_true), ("y_pred", y_pred)))
    if t.ndim != 1 or t.shape != p.shape:
        raise ValueError(
            f"y_true and y_pred must be equally long 1-D arrays, got {t.shape} and {p.shape}"
        )
    for name, v in (("y_true", t), ("y_pred", p)):
        if v.dtype.kind == "f" and not np.array_equal(v, np.round(v)):
            raise ValueError(f"{name} must hold whole numbers")
        if v.size and (v.min() < 0 or v.max() >= n):
            raise ValueError(f"{name} must be 0 … {n - 1}, got {v.min()} … {v.max()}")
    return np.bincount(t.astype(np.int64) * n + p.astype(np.int64), minlength=n * n).reshape(n, n)


def _labels(y: object, m: int, name: str = "y") -> np.ndarray:
    """y as int64 ``(m,)`` in 0 … 9, or raise naming what is wrong."""
    arr = as_array(name, y)
    if arr.shape != (m,):
        raise ValueError(f"{name} must have one label per image, shape ({m},), got {arr.shape}")
    if arr.dtype.kind == "f" and not np.array_equal(arr, np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers 0 … {N_CLASSES - 1}")
    if arr.min() < 0 or arr.max() >= N_CLASSES:
        raise ValueError(f"{name} must be 0 … {N_CLASSES - 1}, got {arr.min()} … {arr.max()}")
    return arr.astype(np.int64)


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


def loss_and_gradients(
    params: Params, x: np.ndarray, y: np.ndarray, layers: list[Layer]
) -> tuple[float, Params]:
    """The mean cross-entropy on a batch and its gradient with respect to every parameter.

    One forward and one backward pass: what ``train`` does before each step.

    Parameters
    ----------
    params : list, as from ``init_params``
    x : ndarray, shape ``(m, n_H, n_W, n_c)`` (or ``(m, n_H, n_W)``)
    y : integer ndarray, shape ``(m,)``, classes 0 … 9
    layers : list of Layer, ending in SOFTMAX 10 units

    Returns
    -------
    loss : float
        ``−(1/m) Σ log ŷ[true class]``.
    grads : list
        The shapes of ``params``: ``(dW, db)`` per CONV, FC and SOFTMAX layer, ``()``
        for POOL and FLATTEN; in x's float type.

    Raises
    ------
    ValueError
        As ``forward``, and if y is not one class 0 … 9 per image.

    Examples
    --------
    >>> params = init_params((8, 8, 1), DIGITS_NETWORK)
    >>> loss, grads = loss_and_gradients(params, np.zeros((2, 8, 8, 1)), [3, 7], DIGITS_NETWORK)
    >>> grads[0][0].shape, grads[3][1].shape
    ((3, 3, 1, 8), (10,))
    """
    x = _network_input(x)
    y = _labels(y, len(x))
    _check_network(x.shape[1:], layers)
    params = _cast(params, x.dtype, layers)
    acts = _forward(params, x, layers)
    return _cross_entropy(acts[-1], y), _backward(params, x, acts, y, layers)


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
    >>> from cnn_core import split_digits
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
