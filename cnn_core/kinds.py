"""What each kind of layer is, in one place: its settings, shape rule, parameter count,
cost, initial weights, forward and backward pass, and its PyTorch modules.

``network.describe`` (shapes and counts), ``budget`` (cost), ``model`` (init, forward,
backward) and ``export`` (PyTorch) each walk the layers and ask the layer's kind, so a new
kind (a 1×1 or a dilated convolution) is one entry in ``KINDS`` plus its tests. A CONV or
FC layer includes its ReLU, as in the lecture; a network's last layer gives the class
scores (logits), its softmax applied in the loss.
"""

from __future__ import annotations

import math
from math import prod
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from cnn_core.backward import conv2d_backward, pool2d_backward
from cnn_core.conv import conv2d
from cnn_core.pool import pool2d, relu
from cnn_core.shapes import (
    check_int,
    check_pool,
    conv_params,
    dense_params,
    output_size,
    resolve_padding,
)

if TYPE_CHECKING:
    from cnn_core.network import Layer

Shape = tuple[int, ...]
Weights = tuple[np.ndarray, ...]
"""One layer's parameters: ``(W, b)``, or ``()`` for a layer with none."""


class Kind:
    """A kind of layer. Subclasses set the class attributes and override what applies."""

    name: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ()
    """The ``Layer`` fields it uses, in the order a network's link text writes them."""
    count: ClassVar[str] = ""
    """What its ``n`` counts (``"filters"``, ``"units"``), if it has an ``n``."""
    relu: ClassVar[bool] = False
    """Whether its output goes through ReLU (a unit can then be dead: always 0)."""

    def label(self, layer: Layer) -> str:
        """How the lecture writes it: ``CONV f=5 s=1 p=0, 8 filters``."""
        return self.name.upper()

    def apply(self, layer: Layer, shape: Shape) -> tuple[Shape, int]:
        """Its output shape and parameter count on ``shape``; ValueError saying why not."""
        raise NotImplementedError

    def cost(self, layer: Layer, shape_in: Shape, shape_out: Shape) -> int:
        """Multiply-adds of its forward pass for one example."""
        return 0

    def init(self, layer: Layer, shape_in: Shape, rng: np.random.Generator) -> Weights:
        """Its starting parameters."""
        return ()

    def forward(self, layer: Layer, a: np.ndarray, p: Weights, last: bool) -> np.ndarray:
        """Its output for a batch ``a``, after its activation (the logits if ``last``)."""
        raise NotImplementedError

    def backward(
        self, layer: Layer, a_prev: np.ndarray, a: np.ndarray, grad: np.ndarray, p: Weights,
        last: bool,
    ) -> tuple[np.ndarray, Weights]:  # fmt: skip
        """``(∂L/∂a_prev, ∂L/∂p)`` from ``grad`` = ∂L/∂a (∂L/∂logits if ``last``)."""
        raise NotImplementedError

    def torch(self, layer: Layer, shape_in: Shape, shape_out: Shape, last: bool) -> list[str]:
        """Its lines in an ``nn.Sequential``, notes included."""
        raise NotImplementedError

    def torch_label(self, layer: Layer) -> str:
        """Its label in the PyTorch code's comment."""
        return self.label(layer)


def _volume(kind: str, shape: Shape) -> Shape:
    if len(shape) != 3:
        raise ValueError(f"{kind} needs an n_H×n_W×n_c volume, got a flat {shape[0]}")
    return shape


def _flat(kind: str, shape: Shape) -> int:
    if len(shape) != 1:
        raise ValueError(
            f"a {kind} layer needs a flat input; add FLATTEN after the "
            f"{'×'.join(map(str, shape))} volume"
        )
    return shape[0]


class Conv(Kind):
    """f×f×n_c filters, ``n`` of them, stride ``s``, padding ``p`` (or "same"), then ReLU."""

    name, fields, count, relu = "conv", ("f", "s", "p", "n"), "filters", True

    def label(self, layer: Layer) -> str:
        filters = f"{layer.n} filter{'s' * (layer.n != 1)}"
        return f"CONV f={layer.f} s={layer.s} p={layer.p}, {filters}"

    def apply(self, layer: Layer, shape: Shape) -> tuple[Shape, int]:
        n_H, n_W, n_c = _volume(self.name, shape)
        f = check_int("filter size f", layer.f, 1)
        p = resolve_padding(layer.p, f)
        n = check_int("number of filters", layer.n, 1)
        out = (output_size(n_H, f, p, layer.s), output_size(n_W, f, p, layer.s), n)
        return out, conv_params(f, n_c, n)

    def cost(self, layer: Layer, shape_in: Shape, shape_out: Shape) -> int:
        return prod(shape_out) * layer.f * layer.f * shape_in[2]

    def init(self, layer: Layer, shape_in: Shape, rng: np.random.Generator) -> Weights:
        n_in = layer.f * layer.f * shape_in[2]  # He initialisation, for ReLU
        W = rng.normal(0.0, math.sqrt(2.0 / n_in), (layer.f, layer.f, shape_in[2], layer.n))
        return W, np.zeros(layer.n)

    def forward(self, layer: Layer, a: np.ndarray, p: Weights, last: bool) -> np.ndarray:
        return relu(conv2d(a, p[0], p[1], stride=layer.s, padding=layer.p))

    def backward(self, layer, a_prev, a, grad, p, last):
        dz = grad if last else grad * (a > 0)  # ReLU: the gradient passes where z > 0
        da, dW, db = conv2d_backward(a_prev, p[0], dz, stride=layer.s, padding=layer.p)
        return da, (dW, db)

    def torch(self, layer: Layer, shape_in: Shape, shape_out: Shape, last: bool) -> list[str]:
        p = resolve_padding(layer.p, layer.f)
        return [
            f"nn.Conv2d({shape_in[2]}, {layer.n}, kernel_size={layer.f}, "
            f"stride={layer.s}, padding={p}),",
            "nn.ReLU(),",
        ]

    def torch_label(self, layer: Layer) -> str:
        label = self.label(layer)
        if isinstance(layer.p, str):
            label += f' ("{layer.p}": padding={resolve_padding(layer.p, layer.f)})'
        return label


class Pool(Kind):
    """Max or average over f×f windows with stride ``s``, each channel on its own."""

    name, fields = "pool", ("f", "s", "mode")

    def label(self, layer: Layer) -> str:
        return f"POOL {layer.mode} f={layer.f} s={layer.s}"

    def apply(self, layer: Layer, shape: Shape) -> tuple[Shape, int]:
        n_H, n_W, n_c = _volume(self.name, shape)
        f = check_pool(n_H, n_W, layer.f, layer.mode)  # the checks pool2d makes
        return (output_size(n_H, f, 0, layer.s), output_size(n_W, f, 0, layer.s), n_c), 0

    def cost(self, layer: Layer, shape_in: Shape, shape_out: Shape) -> int:
        return prod(shape_out) * layer.f * layer.f

    def forward(self, layer: Layer, a: np.ndarray, p: Weights, last: bool) -> np.ndarray:
        return pool2d(a, layer.f, stride=layer.s, mode=layer.mode)

    def backward(self, layer, a_prev, a, grad, p, last):
        return pool2d_backward(a_prev, grad, layer.f, stride=layer.s, mode=layer.mode), ()

    def torch(self, layer: Layer, shape_in: Shape, shape_out: Shape, last: bool) -> list[str]:
        pool = "MaxPool2d" if layer.mode == "max" else "AvgPool2d"
        return [f"nn.{pool}(kernel_size={layer.f}, stride={layer.s}),"]


_FLATTEN_NOTE = (
    "# Order: torch flattens each image channel by channel (n_c, n_H, n_W); a",
    "# channels-last flatten (n_H, n_W, n_c) lists the same {n:,} numbers in another",
    "# order, so weights trained in one layout do not fit the other unchanged.",
)


class Flatten(Kind):
    """A volume as one long vector; it moves numbers and computes nothing."""

    name = "flatten"

    def apply(self, layer: Layer, shape: Shape) -> tuple[Shape, int]:
        return (prod(shape),), 0

    def forward(self, layer: Layer, a: np.ndarray, p: Weights, last: bool) -> np.ndarray:
        return a.reshape(len(a), -1)

    def backward(self, layer, a_prev, a, grad, p, last):
        return grad.reshape(a_prev.shape), ()

    def torch(self, layer: Layer, shape_in: Shape, shape_out: Shape, last: bool) -> list[str]:
        return [*(line.format(n=shape_out[0]) for line in _FLATTEN_NOTE), "nn.Flatten(),"]


class Dense(Kind):
    """Fully connected (FC): every input to each of ``n`` units, then ReLU."""

    name, fields, count, relu = "dense", ("n",), "units", True

    def label(self, layer: Layer) -> str:
        return f"FC {layer.n} unit{'s' * (layer.n != 1)}"

    def apply(self, layer: Layer, shape: Shape) -> tuple[Shape, int]:
        n_in = _flat(self.name, shape)
        n = check_int("units", layer.n, 1)
        return (n,), dense_params(n_in, n)

    def cost(self, layer: Layer, shape_in: Shape, shape_out: Shape) -> int:
        return shape_in[0] * shape_out[0]

    def _variance(self, n_in: int, n_out: int) -> float:
        return 2.0 / n_in  # He, for ReLU

    def init(self, layer: Layer, shape_in: Shape, rng: np.random.Generator) -> Weights:
        n_in, n_out = shape_in[0], layer.n
        W = rng.normal(0.0, math.sqrt(self._variance(n_in, n_out)), (n_in, n_out))
        return W, np.zeros(n_out)

    def _activation(self, z: np.ndarray) -> np.ndarray:
        return relu(z)

    def forward(self, layer: Layer, a: np.ndarray, p: Weights, last: bool) -> np.ndarray:
        z = a @ p[0] + p[1]
        return z if last else self._activation(z)

    def _through_activation(self, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad * (a > 0)  # ReLU: the gradient passes where z > 0, and a > 0 there

    def backward(self, layer, a_prev, a, grad, p, last):
        dz = grad if last else self._through_activation(a, grad)
        return dz @ p[0].T, (a_prev.T @ dz, dz.sum(axis=0))

    def _torch_linear(self, layer: Layer, shape_in: Shape) -> str:
        return f"nn.Linear({shape_in[0]}, {layer.n}),"

    def torch(self, layer: Layer, shape_in: Shape, shape_out: Shape, last: bool) -> list[str]:
        return [self._torch_linear(layer, shape_in), "nn.ReLU(),"]


_SOFTMAX_NOTE = (
    "# No nn.Softmax here: the model outputs {n} scores (logits), and",
    "# nn.CrossEntropyLoss applies the softmax itself (as log-softmax, which stays",
    "# accurate for very confident scores). For probabilities: model(x).softmax(dim=1).",
)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by each row's maximum so no exponential overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Softmax(Dense):
    """FC to ``n`` class scores; last in a network, its softmax is applied in the loss."""

    name, relu = "softmax", False

    def label(self, layer: Layer) -> str:
        return f"SOFTMAX {layer.n} unit{'s' * (layer.n != 1)}"

    def _variance(self, n_in: int, n_out: int) -> float:
        return 2.0 / (n_in + n_out)  # Glorot, for a softmax

    def _activation(self, z: np.ndarray) -> np.ndarray:
        return softmax(z)

    def _through_activation(self, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return a * (grad - (grad * a).sum(axis=1, keepdims=True))  # a softmax inside

    def torch(self, layer: Layer, shape_in: Shape, shape_out: Shape, last: bool) -> list[str]:
        # Last, a plain Linear: nn.CrossEntropyLoss applies the softmax (twice would slow
        # learning). A softmax in the middle of a network is an activation like any other.
        linear = self._torch_linear(layer, shape_in)
        if not last:
            return [linear, "nn.Softmax(dim=1),"]
        return [linear, *(line.format(n=layer.n) for line in _SOFTMAX_NOTE)]


KINDS: dict[str, Kind] = {k.name: k for k in (Conv(), Pool(), Flatten(), Dense(), Softmax())}
"""Every kind of layer by name, in the order the network table offers them."""
