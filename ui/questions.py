"""Check-yourself questions: drawn from a seed, answered by cnn_core, worked out in words.

Pure (no Streamlit), so tests can draw the same questions a page shows. A question's
answer always comes from ``cnn_core``; ``working`` lays the page's own formula out with
the question's numbers, the way a wrong answer is corrected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cnn_core import (
    HORIZONTAL_EDGE,
    SOBEL_VERTICAL,
    VERTICAL_EDGE,
    conv_params,
    dense_weights,
    explain_cell,
    explain_pool,
    output_size,
    relu,
    same_padding,
)
from ui.formulas import MINUS, number, output_size_formula, products_formula

Answer = int | float | tuple[int, ...]


@dataclass(frozen=True)
class Question:
    key: str
    """Short and unique on its page: part of the answer widget's key."""
    text: str
    """The question, ending with "?": the answer box's label."""
    answer: Answer
    working: str
    """How the answer is worked out, ending with ``= answer``."""
    decimals: bool = False
    """Whether an answer of this kind can have decimals (a number box then takes them)."""

    @property
    def is_shape(self) -> bool:
        return isinstance(self.answer, tuple)


def plain(answer: Answer) -> str:
    """An answer as a student would write it: ``3``, ``−5``, ``3.75``, ``14,450,688``, ``4×4×2``."""
    if isinstance(answer, tuple):
        return "×".join(str(v) for v in answer)
    if float(answer) == int(answer):
        return f"{int(answer):,}".replace("-", MINUS)
    return number(answer)


def parse_shape(text: str) -> tuple[int, ...]:
    """``4x4x2``, ``4×4×2``, ``4 × 4 × 2`` (or ``(4, 4, 2)``) → ``(4, 4, 2)``; else ValueError."""
    cleaned = text.strip().strip("()[]").strip()
    parts = [p.strip() for p in re.split(r"[x×X*,]", cleaned)]
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        raise ValueError("not a shape like 4×4×2")
    return tuple(int(p) for p in parts)


@dataclass(frozen=True)
class Grade:
    right: bool
    message: str


def grade(question: Question, given: object) -> Grade:
    """Right or wrong; a wrong or malformed answer is told the working and the answer."""
    answer = plain(question.answer)
    correction = f"{question.working}. The answer is {answer}."
    if given is None or (isinstance(given, str) and not given.strip()):
        return Grade(False, f"No answer yet. {correction}")
    if question.is_shape:
        try:
            shape = parse_shape(str(given))
        except ValueError as err:
            return Grade(False, f"That is {err}. {correction}")
        if shape == question.answer:
            return Grade(True, f"Right: {answer}.")
        return Grade(False, f"Not {plain(shape)}: {correction}")
    try:
        value = float(given)
    except (TypeError, ValueError):
        return Grade(False, f"That is not a number. {correction}")
    if abs(value - float(question.answer)) < 1e-9:
        return Grade(True, f"Right: {answer}.")
    return Grade(False, f"Not {plain(value)}: {correction}")


# ---- small pieces of text ------------------------------------------------------------


def rows_text(grid: np.ndarray) -> str:
    """A small grid in one line, row by row: ``3 0 1 / 1 5 8 / 2 7 2``."""
    return " / ".join(" ".join(number(v) for v in row) for row in np.asarray(grid))


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


# ---- generators: one kind of question each ------------------------------------------

Generator = Callable[[np.random.Generator], Question]
FILTERS = {
    "vertical edge": VERTICAL_EDGE,
    "horizontal edge": HORIZONTAL_EDGE,
    "Sobel vertical": SOBEL_VERTICAL,
}


def _size(n: int, f: int, p: int, s: int, key: str) -> Question:
    text = (
        f"A {n}×{n} input, a {f}×{f} filter, padding p = {p} and stride s = {s}: "
        "how many rows does the output have?"
    )
    return Question(key, text, output_size(n, f, p, s), output_size_formula(n, f, p, s))


def size_with_floor(rng: np.random.Generator) -> Question:
    """Output size where (n + 2p − f)/s is not whole: the floor matters."""
    while True:
        n, f, p, s = (
            int(rng.integers(5, 13)),
            int(rng.choice([1, 3, 5])),
            int(rng.integers(0, 2)),
            int(rng.integers(2, 4)),
        )
        if f <= n + 2 * p and (n + 2 * p - f) % s:
            return _size(n, f, p, s, "floor")


def size_with_padding(rng: np.random.Generator) -> Question:
    """Output size with padding, stride 1."""
    n, f, p = int(rng.integers(4, 13)), int(rng.choice([3, 5, 7])), int(rng.integers(1, 4))
    return _size(max(n, f), f, p, 1, "padded")


def size_valid(rng: np.random.Generator) -> Question:
    """Output size without padding, stride 1 (n − f + 1)."""
    f = int(rng.choice([2, 3, 5]))
    n = int(rng.integers(f + 1, 40))
    return _size(n, f, 0, 1, "valid")


def size_with_stride(rng: np.random.Generator) -> Question:
    """Output size with padding and stride, floor or not."""
    f = int(rng.choice([3, 5]))
    n, p, s = int(rng.integers(f, 33)), int(rng.integers(0, 3)), int(rng.integers(2, 5))
    return _size(n, f, p, s, "strided")


def positions(rng: np.random.Generator) -> Question:
    """How many window positions a strided convolution takes in all (output cells)."""
    n, f, s = int(rng.integers(5, 13)), 3, int(rng.integers(2, 4))
    side = output_size(n, f, 0, s)
    text = (
        f"A {f}×{f} window with stride s = {s} and no padding walks over a {n}×{n} image: "
        "how many positions does it take in all?"
    )
    working = f"{output_size_formula(n, f, 0, s)} per side, so {side}·{side} = {side * side}"
    return Question("positions", text, side * side, working)


def same(rng: np.random.Generator) -> Question:
    """Same padding for an odd filter."""
    f = int(rng.choice([1, 3, 5, 7, 9, 11]))
    text = (
        f"How many rings of zeros p keep a {f}×{f} filter's output (stride 1) "
        "the size of its input?"
    )
    working = f"p = (f {MINUS} 1)/2 = ({f} {MINUS} 1)/2 = {same_padding(f)}"
    return Question("same", text, same_padding(f), working)


def _cell(rng: np.random.Generator, key: str, filter_name: str | None = None) -> Question:
    name = filter_name or str(rng.choice(list(FILTERS)))
    w = FILTERS[name]
    x = rng.integers(0, 10, (4, 4))
    i, j = int(rng.integers(0, 2)), int(rng.integers(0, 2))
    cell = explain_cell(x, w, i, j)
    text = (
        f"Input rows {rows_text(x)}; {name} filter rows {rows_text(w)}. "
        f"Rows and columns count from 0: what is output cell ({i}, {j})?"
    )
    return Question(key, text, int(cell.total), products_formula(cell))


def cell_vertical(rng: np.random.Generator) -> Question:
    """One output cell of the vertical-edge filter on a 4×4 input."""
    return _cell(rng, "cell", "vertical edge")


def cell_any(rng: np.random.Generator) -> Question:
    """One output cell of an edge filter (vertical, horizontal or Sobel) on a 4×4 input."""
    return _cell(rng, "cell2")


def params(rng: np.random.Generator) -> Question:
    """A conv layer's parameters, biases included."""
    f, n_c, n_f = (
        int(rng.choice([1, 3, 5, 7])),
        int(rng.choice([1, 3, 8, 16, 32])),
        int(rng.integers(2, 65)),
    )
    text = (
        f"A conv layer has {n_f} filters of {f}×{f}×{n_c}. How many parameters does it "
        "learn, biases included?"
    )
    answer = conv_params(f, n_c, n_f)
    working = f"({f}·{f}·{n_c} + 1)·{n_f} = {plain(answer)}"
    return Question("params", text, answer, working)


def flattened(rng: np.random.Generator) -> Question:
    """How many numbers a flattened colour image has."""
    n = int(rng.choice([28, 32, 64, 96, 128, 224]))
    text = f"How many inputs does a {n}×{n}×3 colour image give when it is flattened?"
    answer = n * n * 3
    return Question("flat", text, answer, f"{n}·{n}·3 = {plain(answer)}")


def dense(rng: np.random.Generator) -> Question:
    """Weights (no biases) from a flattened image to a dense layer."""
    n, units = int(rng.choice([28, 32, 64, 100])), int(rng.choice([10, 100, 500, 1000]))
    text = (
        f"How many weights (biases left out) connect a flattened {n}×{n}×3 image to "
        f"{units:,} dense units?"
    )
    answer = dense_weights(n * n * 3, units)
    working = f"{n}·{n}·3 × {units:,} = {n * n * 3:,} × {units:,} = {plain(answer)}"
    return Question("dense", text, answer, working)


def _pooled(rng: np.random.Generator, mode: str) -> Question:
    x = rng.integers(0, 10, (4, 4))
    i, j = int(rng.integers(0, 2)), int(rng.integers(0, 2))
    cell = explain_pool(x, 2, i, j, stride=2, mode=mode)
    values = [number(v) for v in np.asarray(cell.window).ravel()]
    if mode == "max":
        working = f"max({', '.join(values)}) = {number(cell.value)}"
    else:
        working = f"({' + '.join(values)}) / {len(values)} = {number(cell.value)}"
    value = float(cell.value)
    text = (
        f"Input rows {rows_text(x)}. Rows and columns count from 0: what does {mode} pooling "
        f"with f = 2, s = 2 give in output cell ({i}, {j})?"
    )
    answer: int | float = int(value) if value == int(value) else value
    return Question(mode, text, answer, working, decimals=mode == "average")


def pooled_max(rng: np.random.Generator) -> Question:
    return _pooled(rng, "max")


def pooled_average(rng: np.random.Generator) -> Question:
    return _pooled(rng, "average")


def pooled_shape(rng: np.random.Generator) -> Question:
    """The shape after pooling: each channel on its own, ⌊(n − f)/s⌋ + 1."""
    n, n_c = int(rng.choice([8, 14, 15, 28, 32, 37])), int(rng.choice([3, 8, 16, 20]))
    f, s = [(2, 2), (3, 2), (2, 1)][int(rng.integers(0, 3))]
    side = output_size(n, f, 0, s)
    text = (
        f"A {n}×{n}×{n_c} volume goes through max pooling with f = {f}, s = {s}: what is "
        "the output's shape?"
    )
    working = (
        f"⌊({n} {MINUS} {f})/{s}⌋ + 1 = {side}, and the {n_c} channels stay: {side}×{side}×{n_c}"
    )
    return Question("pool_shape", text, (side, side, n_c), working)


def volume_shape(rng: np.random.Generator) -> Question:
    """An n×n×n_c input with n_f filters f×f×n_c, padding and stride → its output's shape."""
    n, n_c, n_f = int(rng.integers(5, 40)), int(rng.choice([1, 3, 8])), int(rng.integers(1, 17))
    f, p, s = int(rng.choice([1, 3, 5])), int(rng.integers(0, 3)), int(rng.integers(1, 3))
    n = max(n, f)
    side = output_size(n, f, p, s)
    filters = f"{n_f} filter{'s' * (n_f > 1)} {f}×{f}×{n_c}"
    text = (
        f"A {n}×{n}×{n_c} input, {filters}, padding p = {p}, stride s = {s}: what is the "
        "output volume's shape?"
    )
    working = f"{output_size_formula(n, f, p, s)}, and one channel per filter: {side}×{side}×{n_f}"
    return Question("volume", text, (side, side, n_f), working)


def products(rng: np.random.Generator) -> Question:
    """How many products one output number of a volume filter adds up."""
    f, n_c = int(rng.choice([1, 3, 5])), int(rng.choice([3, 4, 8, 16]))
    text = f"How many products does one output number of a {f}×{f}×{n_c} filter add up?"
    answer = f * f * n_c
    return Question("products", text, answer, f"{f}·{f}·{n_c} = {answer}")


def relu_cell(rng: np.random.Generator) -> Question:
    """One cell of a layer: z = Σ products + b, then a = ReLU(z)."""
    x = rng.integers(0, 10, (3, 3))
    w = FILTERS[str(rng.choice(list(FILTERS)))]
    b = int(rng.integers(-10, 11))
    cell = explain_cell(x, w, 0, 0)
    z = int(cell.total) + b
    a = int(relu(np.array(z)))
    text = (
        f"A 3×3 window with rows {rows_text(x)}, a filter with rows {rows_text(w)} and bias "
        f"b = {number(b)}: what is the cell's activation a = ReLU(z)?"
    )
    working = (
        f"z = {products_formula(cell)}, plus b: {number(cell.total)} + ({number(b)}) = "
        f"{number(z)}; a = max(0, {number(z)}) = {a}"
    )
    return Question("relu", text, a, working)


TOPICS: dict[str, list[Generator]] = {
    "pages/why_convolutions.py": [flattened, dense, params],
    "pages/edge_detection.py": [cell_vertical, cell_any, size_valid],
    "pages/learn_filter.py": [cell_vertical, size_valid, params],
    "pages/padding.py": [size_with_padding, same, size_valid],
    "pages/stride.py": [size_with_floor, size_with_stride, positions],
    "pages/volumes.py": [volume_shape, products, cell_any],
    "pages/one_layer.py": [params, relu_cell, volume_shape],
    "pages/pooling.py": [pooled_max, pooled_average, pooled_shape],
    "pages/train_cnn.py": [params, volume_shape, pooled_shape],
}
"""Each lesson's questions, in the order they are asked."""


def questions(path: str, seed: int) -> list[Question]:
    """The questions a lesson asks for ``seed``: the same seed, the same questions."""
    rng = np.random.default_rng([seed, sorted(TOPICS).index(path)])
    return [make(rng) for make in TOPICS[path]]
