"""A filter learning, laid out: the run as frames for the browser, one gradient written out.

``cnn_core.fit_filter`` computes the run; this module picks the frames to show, asks
cnn_core for each frame's output and for a gradient, and writes them the lecture's way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnn_core import FilterHistory, conv2d, conv2d_backward, fit_filter, safe_learning_rate
from ui.components.linked_grid import Grid
from ui.figures.formulas import MINUS, factor, number

MAX_FRAMES = 61
"""Frames sent to the browser: enough to watch the weights drift, light on the wire."""


def frame_steps(steps: int, count: int = MAX_FRAMES) -> np.ndarray:
    """The steps shown as frames: evenly spread from 0 to ``steps``, both ends included."""
    return np.unique(np.round(np.linspace(0, steps, min(steps + 1, count))).astype(int))


@dataclass(frozen=True)
class Gradient:
    """∂L/∂w(r, c) at one step: each output position's error times the input under w(r, c)."""

    row: int
    col: int
    errors: np.ndarray
    """``(N,)``: z − target at each output position, row by row."""
    inputs: np.ndarray
    """``(N,)``: the input pixel that w(r, c) multiplies at each position."""
    value: float
    """The gradient, from ``cnn_core.conv2d_backward``."""


def outputs(x: np.ndarray, history: FilterHistory, steps: np.ndarray) -> list[np.ndarray]:
    """``conv2d(x, w_t) + b_t`` at each of ``steps``."""
    return [conv2d(x, history.weights[t]) + history.bias[t] for t in steps]


def gradient(
    x: np.ndarray, target: np.ndarray, history: FilterHistory, t: int, row: int = 0, col: int = 0
) -> Gradient:
    """The gradient of the mean squared error with respect to weight (row, col) at step t."""
    w = history.weights[t]
    f = w.shape[0]
    error = conv2d(x, w) + history.bias[t] - target
    _, grad_w, _ = conv2d_backward(x, w, 2 * error / error.size)
    under = x[row : row + x.shape[0] - f + 1, col : col + x.shape[1] - f + 1]
    return Gradient(row, col, error.ravel(), under.ravel(), float(grad_w[row, col]))


def gradient_formula(g: Gradient, shown: int = 16) -> str:
    """``(2/16)·[(−1.2)×3 + 0.4×1 + …] = −0.91``: the first ``shown`` terms, then a count.

    The terms get as few decimals as let them add up to the total as written (two at
    least; late in a run the errors are thousandths, and two decimals made the written
    terms sum to −0.089 beside a total of −0.1016). If none do, the line says so.
    """
    n = g.errors.size
    digits = _digits_that_add_up(g)
    pairs = zip(g.errors, g.inputs, strict=True)
    terms = [f"{factor(_round(e, digits))}×{factor(_round(v, digits))}" for e, v in pairs]
    more = f" + … ({n - shown} more)" if n > shown else ""
    note = "" if digits else " (terms rounded)"
    return f"(2/{n})·[{' + '.join(terms[:shown])}{more}]{note} = {number(g.value)}"


def _digits_that_add_up(g: Gradient, most: int = 8) -> int | None:
    """The fewest decimals (2 … ``most``) whose terms, as written, give the total as written."""
    for digits in range(2, most + 1):
        errors = [_as_written(e, digits) for e in g.errors]
        inputs = [_as_written(v, digits) for v in g.inputs]
        if None in errors or None in inputs:
            return None
        total = 2 / g.errors.size * sum(e * v for e, v in zip(errors, inputs, strict=True))
        if number(total) == number(g.value):
            return digits
    return None


def _as_written(v: float, digits: int) -> float | None:
    """The value a reader sees for ``v`` rounded to ``digits`` (None: 109.8k, 2×10⁻⁵)."""
    try:
        return float(number(_round(v, digits)).replace(MINUS, "-"))
    except ValueError:
        return None


def _round(v: float, digits: int | None) -> float:
    """A number in a written-out sum, to ``digits`` decimals (4 if None)."""
    return float(np.round(v, 4 if digits is None else digits)) + 0.0


@st.cache_data(max_entries=32, show_spinner=False)
def learn(_raw: np.ndarray, digest: str, centre: bool, hidden: np.ndarray, steps: int, rate: float):
    """Run fit_filter once for these settings (the image hashed by digest).

    The target is the hidden filter on the image as given; a centred input must learn
    the same weights, and only the bias makes up for the mean. Returns (x, target, run).
    """
    raw = _raw.astype(np.float64)
    x = raw - raw.mean() if centre else raw
    target = conv2d(raw, hidden)
    lr = rate * safe_learning_rate(x[:, :, None], hidden.shape[0])
    return x, target, fit_filter(x, target, f=hidden.shape[0], steps=steps, lr=lr, seed=0)


def run_grids(
    x: np.ndarray, hidden: np.ndarray, target: np.ndarray, run: FilterHistory,
    out: np.ndarray, centre: bool,
) -> list[Grid]:  # fmt: skip
    """Learn a filter's five grids: the input beside the target it should reach, then what
    is learned (the output ``out`` now, the learned filter beside the hidden one), a line
    above the player and the loss curve, so weights, steps and loss are in view together.
    The output now (grid 2) and the learned filter (grid 3) change frame by frame."""
    peak = float(np.abs(hidden).max()) or 1.0
    reach = float(np.abs(target).max()) or 1.0
    # Photos carry fractions: whole numbers read best there. The lecture's grids are whole.
    photo = max(x.shape) > 8
    fractions = None if np.array_equal(x, np.round(x)) else (0 if photo else 2)
    return [
        Grid(
            x,
            f"Input {x.shape[0]}×{x.shape[1]}",
            scale="signed" if centre else "gray",
            decimals=fractions,
        ),
        Grid(
            target,
            "Target output",
            role="output",
            group=1,
            zrange=(-reach, reach),
            decimals=None if np.array_equal(target, np.round(target)) else (0 if photo else 2),
        ),
        Grid(
            out,
            "Output now",
            role="output",
            zrange=(-reach, reach),
            row=1,
            decimals=0 if photo else 1,
        ),
        Grid(
            run.weights[-1],
            "Learned filter",
            role="filter",
            zrange=(-peak, peak),
            decimals=2,
            row=1,
        ),
        Grid(hidden, "Hidden filter", role="filter", group=1, zrange=(-peak, peak), row=1),
    ]
