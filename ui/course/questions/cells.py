"""Questions on one cell: a filter's sum, a pooled window, a cell's ReLU."""

from __future__ import annotations

import numpy as np

from cnn_core import explain_cell, explain_pool, relu
from ui.course.answers import Question
from ui.course.questions.words import FILTERS, SLIDES, as_grid
from ui.figures.formulas import number, pool_formula, products_formula


def _cell(rng: np.random.Generator, key: str, filter_name: str | None = None) -> Question:
    name = filter_name or str(rng.choice(list(FILTERS)))
    w = FILTERS[name]
    x = rng.integers(0, 10, (4, 4))
    i, j = int(rng.integers(0, 2)), int(rng.integers(0, 2))
    cell = explain_cell(x, w, i, j)
    text = (
        f"The {name} filter W slides over the 4×4 input X above, {SLIDES}. What is "
        f"output cell ({i}, {j})?"
    )
    grids = (("Input X", as_grid(x)), (f"Filter W ({name})", as_grid(w)))
    return Question(key, text, int(cell.total), products_formula(cell), grids=grids)


def cell_vertical(rng: np.random.Generator) -> Question:
    """One output cell of the vertical-edge filter on a 4×4 input."""
    return _cell(rng, "cell", "vertical edge")


def cell_any(rng: np.random.Generator) -> Question:
    """One output cell of an edge filter (vertical, horizontal or Sobel) on a 4×4 input."""
    return _cell(rng, "cell2")


def _pooled(rng: np.random.Generator, mode: str) -> Question:
    x = rng.integers(0, 10, (4, 4))
    i, j = int(rng.integers(0, 2)), int(rng.integers(0, 2))
    if mode == "max":
        # The asked window's largest number is drawn first, 1 to 9 alike, so the answer
        # is not "8 or 9" most of the time (uniform cells make it so 60 % of the time).
        top = int(rng.integers(1, 10))
        window = rng.integers(0, top + 1, 4)
        window[int(rng.integers(0, 4))] = top
        x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = window.reshape(2, 2)
    cell = explain_pool(x, 2, i, j, stride=2, mode=mode)
    value = float(cell.value)
    text = (
        f"What does {mode} pooling with f = 2, s = 2 give in output cell ({i}, {j}) of the "
        "4×4 input X above?"
    )
    answer: int | float = int(value) if value == int(value) else value
    return Question(
        mode,
        text,
        answer,
        pool_formula(cell),
        decimals=mode == "average",
        grids=(("Input X", as_grid(x)),),
    )


def pooled_max(rng: np.random.Generator) -> Question:
    return _pooled(rng, "max")


def pooled_average(rng: np.random.Generator) -> Question:
    return _pooled(rng, "average")


def relu_cell(rng: np.random.Generator) -> Question:
    """One cell of a layer: z = Σ products + b, then a = ReLU(z); z ≤ 0 a third of the time."""
    negative = rng.random() < 1 / 3
    while True:
        x = rng.integers(0, 10, (3, 3))
        name = str(rng.choice(list(FILTERS)))
        w = FILTERS[name]
        b = int(rng.integers(-10, 11))
        cell = explain_cell(x, w, 0, 0)
        z = int(cell.total) + b
        if (z <= 0) == negative:
            break
    a = int(relu(np.array(z)))
    text = (
        f"The {name} filter W, {SLIDES}, covers the 3×3 window X above and the bias is "
        f"b = {number(b)}: what is the cell's activation a = ReLU(z)?"
    )
    working = (
        f"z = {products_formula(cell)}, plus b: {number(cell.total)} + ({number(b)}) = "
        f"{number(z)}; a = max(0, {number(z)}) = {a}"
    )
    grids = (("Window X", as_grid(x)), (f"Filter W ({name})", as_grid(w)))
    return Question("relu", text, a, working, grids=grids)
