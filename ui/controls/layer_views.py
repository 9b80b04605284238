"""How each kind of layer shows on a page, one entry per kind (the engine's side of a kind,
its shapes, counts and passes, is ``cnn_core.kinds``).

A view gives a row's size formula in the network builder, the words for a layer's flat
activation under a digit, and whether its weights are filters a page can draw as grids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cnn_core import Layer, output_size, resolve_padding
from ui.figures.formulas import MINUS

Shape = tuple[int, ...]


@dataclass(frozen=True)
class LayerView:
    size_formula: Callable[[Layer, Shape, int], str]
    """Layer ``index``'s output size written with its numbers, from the shape before it."""
    flat_words: Callable[[np.ndarray], str]
    """What one image's flat activation ``a`` holds, for a layer not last in its network."""
    filters: bool = False
    """Its weights are ``(f, f, n_c, n_f)`` filters, drawn as grids after training."""


def _conv_size(layer: Layer, before: Shape, index: int) -> str:
    if len(before) != 3:
        return ""
    n, f, s, p = before[0], layer.f, layer.s, resolve_padding(layer.p, layer.f)
    return f"n_H[{index}] = ⌊({n} + 2·{p} {MINUS} {f})/{s}⌋ + 1 = {output_size(n, f, p, s)}"


def _pool_size(layer: Layer, before: Shape, index: int) -> str:
    if len(before) != 3:
        return ""
    n, f, s = before[0], layer.f, layer.s
    return f"n_H[{index}] = ⌊({n} {MINUS} {f})/{s}⌋ + 1 = {output_size(n, f, 0, s)}"


def _flatten_size(layer: Layer, before: Shape, index: int) -> str:
    return f"{'·'.join(map(str, before))} = {int(np.prod(before)):,}"


def _no_formula(layer: Layer, before: Shape, index: int) -> str:
    return ""


def _active_units(a: np.ndarray) -> str:
    return f"{int((a > 0).sum())} of {a.size} units active (ReLU > 0)"


def _laid_end_to_end(a: np.ndarray) -> str:
    return f"{a.size} numbers, the maps above laid end to end"


def _probabilities(a: np.ndarray) -> str:
    return f"{a.size} probabilities adding up to 1 (a softmax inside the network)"


VIEWS: dict[str, LayerView] = {
    "conv": LayerView(_conv_size, _active_units, filters=True),
    "pool": LayerView(_pool_size, _active_units),
    "flatten": LayerView(_flatten_size, _laid_end_to_end),
    "dense": LayerView(_no_formula, _active_units),
    "softmax": LayerView(_no_formula, _probabilities),
}
"""Every kind in ``cnn_core.kinds.KINDS`` has its view (a test keeps them the same keys)."""


def view(layer: Layer) -> LayerView:
    """The view of a layer's kind."""
    return VIEWS[layer.kind]
