"""Shapes and parameter counts through a small CNN, layer by layer, as in the lecture.

A network is an input shape ``(n_H, n_W, n_c)`` and a list of layers. ``describe``
walks it and returns one row per layer; a layer that cannot apply (a filter larger
than its input, a dense layer on an unflattened volume) gets the reason on its row and
is skipped, so the rows after it still compute from the last shape that worked.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from cnn_core.kinds import KINDS
from cnn_core.shapes import check_int

LAYER_KINDS = tuple(KINDS)
"""The kinds' names (``cnn_core.kinds``): conv, pool, flatten, dense, softmax."""


@dataclass(frozen=True)
class Layer:
    """One layer. ``kind`` is one of ``LAYER_KINDS``; the other fields apply as its kind's
    ``fields`` say (``cnn_core.kinds``): conv: ``f``, ``s``, ``p`` (int or ``"same"``),
    ``n`` filters; pool: ``f``, ``s``, ``mode``; dense and softmax: ``n`` units; flatten:
    nothing.
    """

    kind: str
    f: int = 0
    s: int = 1
    p: int | str = 0
    n: int = 0
    mode: str = "max"

    def label(self) -> str:
        """How the lecture writes it: ``CONV f=5 s=1 p=0, 8 filters``."""
        kind = KINDS.get(self.kind)
        return kind.label(self) if kind else "a layer of unknown kind"


@dataclass(frozen=True)
class Row:
    """A layer's result: output shape, its activation size, parameters, or why it failed."""

    layer: Layer
    shape: tuple[int, ...] | None
    activations: int
    params: int
    error: str = ""


def _apply(layer: Layer, shape: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    """Output shape and parameters of one layer, or ValueError with the reason."""
    if layer.kind not in KINDS:
        raise ValueError(f'unknown layer "{layer.kind}": use one of {", ".join(LAYER_KINDS)}')
    return KINDS[layer.kind].apply(layer, shape)


def describe(input_shape: tuple[int, int, int], layers: list[Layer]) -> list[Row]:
    """One row per layer: output shape, activation size and parameters.

    Examples
    --------
    >>> rows = describe((39, 39, 3), [Layer("conv", f=3, s=1, n=10)])
    >>> rows[0].shape, rows[0].params
    ((37, 37, 10), 280)
    """
    shape = tuple(check_int("input size", v, 1) for v in input_shape)
    rows = []
    for layer in layers:
        try:
            out, params = _apply(layer, shape)
        except ValueError as err:
            rows.append(Row(layer, None, 0, 0, f"skipped: {err}"))
            continue
        rows.append(Row(layer, out, prod(out), params))
        shape = out
    return rows


LECTURE_NETWORK = (
    (39, 39, 3),
    [
        Layer("conv", f=3, s=1, n=10),
        Layer("conv", f=5, s=2, n=20),
        Layer("conv", f=5, s=2, n=40),
        Layer("flatten"),
        Layer("softmax", n=10),
    ],
)
"""The lecture's small network: 37×37×10 → 17×17×20 → 7×7×40 = 1,960 → softmax
(10 classes, a choice: the notes do not say how many)."""

LENET5_LIKE = (
    (32, 32, 3),
    [
        Layer("conv", f=5, s=1, n=8),
        Layer("pool", f=2, s=2),
        Layer("conv", f=5, s=1, n=16),
        Layer("pool", f=2, s=2),
        Layer("flatten"),
        Layer("dense", n=120),
        Layer("dense", n=84),
        Layer("softmax", n=10),
    ],
)
"""The LeNet-5-like network of the lecture, with correct counts."""


def check_applies(input_shape: tuple[int, int, int], layers: list[Layer], doing: str) -> list[Row]:
    """``describe``'s rows, or ``ValueError`` naming every layer that cannot apply.

    ``doing`` completes the message: ``cannot {doing}: layer 2 (POOL max f=9 s=2): …``.

    Examples
    --------
    >>> check_applies((8, 8, 1), [Layer("pool", f=9, s=2)], "train it")
    Traceback (most recent call last):
    ...
    ValueError: cannot train it: layer 1 (POOL max f=9 s=2): pooling window 9×9 does not fit ...
    """
    rows = describe(input_shape, layers)
    bad = [
        f"layer {i} ({row.layer.label()}): {row.error.removeprefix('skipped: ')}"
        for i, row in enumerate(rows, start=1)
        if row.error
    ]
    if bad:
        raise ValueError(f"cannot {doing}: " + "; ".join(bad))
    return rows
