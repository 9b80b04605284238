"""A small CNN, described by ``Layer``s: its parameters, forward pass, loss and gradients.

A CONV or FC layer includes its ReLU, as in the lecture; the last layer is SOFTMAX with
one unit per digit, whose softmax is applied in the loss and in ``predict_proba``, so
``forward`` returns the class scores (logits). Backward is the chain rule through every
layer, each kind's own step (``cnn_core.kinds``: ``conv2d_backward``, ``pool2d_backward``,
ReLU and the dense layers).
``cnn_core.training`` trains it; ``cnn_core.digits`` gives its inputs.
"""

from __future__ import annotations

import numpy as np

from cnn_core.arrays import as_array
from cnn_core.kinds import KINDS, softmax
from cnn_core.network import Layer, check_applies, describe
from cnn_core.shapes import check_int

N_CLASSES = 10
"""One class per digit, 0 to 9."""

DIGITS_NETWORK = [
    Layer("conv", f=3, s=1, p="same", n=8),
    Layer("pool", f=2, s=2),
    Layer("flatten"),
    Layer("softmax", n=N_CLASSES),
]
"""The page's default network for 8×8×1 digits: 8×8×8 → 4×4×8 → 128 → 10; 1,370 parameters."""

Params = list[tuple[np.ndarray, ...]]


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
        params.append(KINDS[layer.kind].init(layer, shape, rng))
        shape = row.shape
    return params


def _logsoftmax(z: np.ndarray) -> np.ndarray:
    """``z − log Σ exp z``, computed as ``(z − max) − log Σ exp(z − max)``: never overflows."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _forward(params: Params, x: np.ndarray, layers: list[Layer]) -> list[np.ndarray]:
    """Every layer's output, after its activation; the last is the logits ``Z^[L]``."""
    acts = []
    a = x
    last = len(layers) - 1
    for i, (layer, p) in enumerate(zip(layers, params, strict=True)):
        a = KINDS[layer.kind].forward(layer, a, p, i == last)
        acts.append(a)
    return acts


def _backward(
    params: Params, x: np.ndarray, acts: list[np.ndarray], y: np.ndarray, layers: list[Layer]
) -> Params:
    """Gradients of the mean cross-entropy with respect to every parameter, layer by layer."""
    m = len(x)
    grad = softmax(acts[-1])
    grad[np.arange(m), y] -= 1.0
    grad /= m  # ∂L/∂Z^[L] = (ŷ − y) / m
    grads: Params = [()] * len(layers)
    last = len(layers) - 1
    for i in range(last, -1, -1):
        a_prev = acts[i - 1] if i else x
        layer = layers[i]
        grad, grads[i] = KINDS[layer.kind].backward(
            layer, a_prev, acts[i], grad, params[i], i == last
        )
    return grads


def _cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean of ``−log ŷ[true class]``, from a numerically stable log-softmax."""
    return float(-_logsoftmax(logits)[np.arange(len(y)), y].mean())


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
    return acts[-1], [*acts[:-1], softmax(acts[-1])]


def predict_proba(params: Params, x: np.ndarray, layers: list[Layer]) -> np.ndarray:
    """``ŷ``: the softmax of the network's scores, ``(m, 10)``, each row summing to 1.

    Examples
    --------
    >>> x = np.zeros((3, 8, 8, 1))
    >>> p = predict_proba(init_params((8, 8, 1), DIGITS_NETWORK), x, DIGITS_NETWORK)
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
    ((3, 10), True)
    """
    return softmax(forward(params, x, layers))


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
