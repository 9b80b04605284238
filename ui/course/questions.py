"""Check-yourself questions: each lesson's own idea, drawn from a seed, worked out in words.

Pure (no Streamlit), so tests can draw the same questions a page shows. An answer comes
from ``cnn_core`` where the engine owns the formula; ``working`` lays it out with the
question's numbers, the way a wrong answer is corrected (``ui.course.answers`` grades).

Draws are balanced so that guessing does not pay: the ReLU answer is 0 about a third of
the time, a max-pooled cell is any of 1–9 alike, a stride walk takes 4, 9, 16, 25 or 36
positions alike. Questions are seeded by the link's ``q`` and the lesson's own key, so
adding or reordering lessons never changes another lesson's questions.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

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
from ui.course.answers import Grade, Grid, Question, grade, parse_shape, plain
from ui.course.lessons import lesson_for
from ui.figures.formulas import MINUS, number, output_size_formula, pool_formula, products_formula

__all__ = ["TOPICS", "Grade", "Question", "grade", "parse_shape", "plain", "questions"]

TRAIN_DIGITS, TEST_DIGITS = 1_437, 360
"""The digits split Train a CNN uses (``cnn_core.split_digits``; a test keeps them equal)."""
SLIDES = "without flipping, as in the lecture"


# ---- small pieces of text ------------------------------------------------------------


def article(n: int, capital: bool = False) -> str:
    """``a`` or ``an`` before a number said aloud: an 8×8, an 11×11, an 18×18, a 7×7."""
    lead = abs(int(n))
    while lead >= 1000:
        lead //= 1000
    an = str(lead).startswith("8") or lead in (11, 18)
    word = "an" if an else "a"
    return word.capitalize() if capital else word


def square(n: int, capital: bool = False) -> str:
    """``an 8×8``."""
    return f"{article(n, capital)} {n}×{n}"


def as_grid(values: np.ndarray) -> Grid:
    """A small grid as plain numbers (hashable, so questions compare equal)."""
    return tuple(
        tuple(int(v) if float(v) == int(v) else float(v) for v in row) for row in np.asarray(values)
    )


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


# ---- generators: one kind of question each ------------------------------------------

Generator = Callable[[np.random.Generator], Question]
FILTERS = {
    "vertical edge": VERTICAL_EDGE,
    "horizontal edge": HORIZONTAL_EDGE,
    "Sobel vertical": SOBEL_VERTICAL,
}


def _pad_for(rng: np.random.Generator, f: int, least: int = 0) -> int:
    """A padding a network would use with an f×f filter: at most "same", (f − 1)/2."""
    return int(rng.integers(least, (f - 1) // 2 + 1))


def _size(n: int, f: int, p: int, s: int, key: str) -> Question:
    text = (
        f"A {f}×{f} filter slides ({SLIDES}) over {square(n)} input with pad p = {p} and "
        f"stride s = {s}: how many rows does the output have?"
    )
    return Question(key, text, output_size(n, f, p, s), output_size_formula(n, f, p, s))


def size_with_floor(rng: np.random.Generator) -> Question:
    """Output size where (n + 2p − f)/s is not whole: the floor matters."""
    while True:
        f = int(rng.choice([1, 3, 5]))
        n, p, s = int(rng.integers(5, 13)), _pad_for(rng, f), int(rng.integers(2, 4))
        if f <= n + 2 * p and (n + 2 * p - f) % s:
            return _size(n, f, p, s, "floor")


def size_with_padding(rng: np.random.Generator) -> Question:
    """Output size with padding, stride 1."""
    f = int(rng.choice([3, 5, 7]))
    n, p = int(rng.integers(4, 13)), _pad_for(rng, f, least=1)
    return _size(max(n, f), f, p, 1, "padded")


def size_valid(rng: np.random.Generator) -> Question:
    """Output size without padding, stride 1 (n − f + 1)."""
    f = int(rng.choice([2, 3, 5]))
    n = int(rng.integers(f + 1, 40))
    return _size(n, f, 0, 1, "valid")


def size_with_stride(rng: np.random.Generator) -> Question:
    """Output size with padding and stride, floor or not."""
    f = int(rng.choice([3, 5]))
    n, p, s = int(rng.integers(f, 33)), _pad_for(rng, f), int(rng.integers(2, 5))
    return _size(n, f, p, s, "strided")


def positions(rng: np.random.Generator) -> Question:
    """How many window positions a strided convolution takes in all (output cells)."""
    f, s, side = 3, int(rng.integers(2, 4)), int(rng.integers(2, 7))
    n = f + s * (side - 1) + int(rng.integers(0, s))
    assert output_size(n, f, 0, s) == side
    text = (
        f"A {f}×{f} filter slides ({SLIDES}) with stride s = {s} and no padding over "
        f"{square(n)} image: how many positions does it take in all?"
    )
    working = f"{output_size_formula(n, f, 0, s)} per side, so {side}·{side} = {side * side}"
    return Question("positions", text, side * side, working)


def same(rng: np.random.Generator) -> Question:
    """Same padding for an odd filter."""
    f = int(rng.choice([1, 3, 5, 7, 9, 11]))
    text = (
        f"With stride 1, what pad p (zeros on every side) keeps {square(f)} filter's "
        "output the size of its input?"
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
    text = f"How many inputs does {square(n)}×3 colour image give when it is flattened?"
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


def pooled_shape(rng: np.random.Generator) -> Question:
    """The shape after pooling: each channel on its own, ⌊(n − f)/s⌋ + 1 (mostly f = 2, s = 2)."""
    n, n_c = int(rng.choice([8, 14, 15, 16, 28, 32, 37, 56])), int(rng.choice([3, 8, 16, 20]))
    f, s = (2, 2) if rng.random() < 0.75 else (3, 2)
    side = output_size(n, f, 0, s)
    text = (
        f"{square(n, capital=True)}×{n_c} volume goes through max pooling with f = {f}, "
        f"s = {s}: what is the output's shape?"
    )
    working = (
        f"⌊({n} {MINUS} {f})/{s}⌋ + 1 = {side}, and the {n_c} channels stay: {side}×{side}×{n_c}"
    )
    return Question("pool_shape", text, (side, side, n_c), working)


def volume_shape(rng: np.random.Generator) -> Question:
    """An n×n×n_c input with n_f filters f×f×n_c, padding and stride → its output's shape."""
    n, n_c, n_f = int(rng.integers(5, 40)), int(rng.choice([1, 3, 8])), int(rng.integers(1, 17))
    f = int(rng.choice([1, 3, 5]))
    p, s = _pad_for(rng, f), int(rng.integers(1, 3))
    n = max(n, f)
    side = output_size(n, f, p, s)
    filters = f"{n_f} filter{'s' * (n_f > 1)} {f}×{f}×{n_c}"
    text = (
        f"{square(n, capital=True)}×{n_c} input and {filters} sliding {SLIDES}, with "
        f"pad p = {p} and stride s = {s}: what is the output volume's shape?"
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


def gradient_step(rng: np.random.Generator) -> Question:
    """One step of gradient descent on one weight: w − η·∂L/∂w."""
    w = int(rng.integers(-20, 21)) / 10
    g = int(rng.choice([-1, 1])) * int(rng.integers(1, 31)) / 10
    eta = float(rng.choice([0.5, 0.2, 0.1, 0.05, 0.01]))
    step = round(eta * g, 6)
    new = round(w - step, 6)
    text = (
        f"A filter weight is w = {number(w)} and the loss's gradient is ∂L/∂w = {number(g)}. "
        f"With learning rate η = {number(eta)}, what is w after one step of gradient descent?"
    )
    working = (
        f"w {MINUS} η·∂L/∂w = {number(w)} {MINUS} {number(eta)}·({number(g)}) = "
        f"{number(w)} {MINUS} ({number(step)}) = {number(new)}"
    )
    return Question("step", text, new, working, decimals=True)


def overshoot(rng: np.random.Generator) -> Question:
    """What a learning rate does on L(w) = w²: creep, overshoot and shrink, or blow up."""
    w = int(rng.choice([-3, -2, -1, 1, 2, 3]))
    eta = float(rng.choice([0.25, 0.75, 1.25, 1.5, 2.0]))
    new = w - eta * 2 * w
    text = (
        f"The loss L(w) = w² is smallest at w = 0, and its gradient is 2w. From w = {number(w)}, "
        f"one step with learning rate η = {number(eta)}: what is w after the step?"
    )
    if eta < 0.5:
        what = "it moves towards 0 without passing it"
    elif eta < 1:
        what = "it jumps past 0 but lands closer than before, so the steps still shrink"
    else:
        what = (
            f"it jumps past 0 and lands further away (|{number(new)}| > |{number(w)}|): η is "
            "too large, every step overshoots more and the loss blows up"
        )
    working = (
        f"{what}. w {MINUS} η·2w = {number(w)} {MINUS} {number(eta)}·2·({number(w)}) = "
        f"{number(new)}"
    )
    answer: int | float = int(new) if new == int(new) else new
    return Question("overshoot", text, answer, working, decimals=True)


def centred(rng: np.random.Generator) -> Question:
    """Centring an input: subtract its mean, so pixels are spread around 0."""
    while True:
        x = rng.integers(0, 10, (2, 3))
        if int(x.sum()) % x.size == 0:
            break
    mean = int(x.sum()) // x.size
    i, j = int(rng.integers(0, 2)), int(rng.integers(0, 3))
    text = (
        f"Centring subtracts the input's mean from every pixel. What does pixel ({i}, {j}) of "
        "the 2×3 input X above become?"
    )
    values = " + ".join(number(v) for v in x.ravel())
    working = (
        f"mean = ({values})/{x.size} = {mean}; {number(x[i, j])} {MINUS} {mean} = "
        f"{number(x[i, j] - mean)}"
    )
    return Question("centre", text, int(x[i, j] - mean), working, grids=(("Input X", as_grid(x)),))


def steps_per_epoch(rng: np.random.Generator) -> Question:
    """Mini-batch steps in one epoch: ⌈training digits / batch size⌉."""
    batch = int(rng.choice([16, 20, 25, 32, 50, 64, 100, 128, 200, 256]))
    answer = math.ceil(TRAIN_DIGITS / batch)
    text = (
        f"One epoch is one pass over the {TRAIN_DIGITS:,} training digits, in mini-batches "
        f"of {batch} (the last may be smaller), with one step per mini-batch. How many steps "
        "make one epoch?"
    )
    working = (
        f"⌈{TRAIN_DIGITS:,}/{batch}⌉ = ⌈{number(TRAIN_DIGITS / batch)}⌉ = {answer}"
        if TRAIN_DIGITS % batch
        else f"{TRAIN_DIGITS:,}/{batch} = {answer}"
    )
    return Question("epoch", text, answer, working)


def softmax_probability(rng: np.random.Generator) -> Question:
    """Softmax of three small logits: e^z_k / Σ e^z, to two decimals."""
    z = [int(v) for v in rng.choice(np.arange(-1, 4), 3, replace=False)]
    k = int(rng.integers(0, 3))
    e = [math.exp(v) for v in z]
    p = e[k] / sum(e)
    answer = round(p, 2)
    logits = ", ".join(number(v) for v in z)
    text = (
        f"The last layer gives three classes, counted from 0, the logits z = ({logits}). "
        "Softmax turns them into probabilities, e^z of a class over the sum of e^z of all "
        f"three: what probability does class {k} get, to two decimals?"
    )
    powers = " + ".join(f"e^{number(v)}" for v in z)
    values = " + ".join(f"{v:.3f}" for v in e)
    working = f"e^{number(z[k])}/({powers}) = {e[k]:.3f}/({values}) = {p:.4f} ≈ {answer:.2f}"
    return Question("softmax", text, answer, working, decimals=True, tolerance=0.005 + 1e-9)


def accuracy(rng: np.random.Generator) -> Question:
    """Accuracy on test digits the network never saw, from a count, in percent."""
    wrong = int(rng.integers(0, 61))
    right = TEST_DIGITS - wrong
    answer = round(100 * right / TEST_DIGITS, 1)
    text = (
        f"After training, the network gets {right} of the {TEST_DIGITS} test digits right: "
        "digits it never saw while it learned. What is its accuracy in percent, to one "
        "decimal?"
    )
    working = f"100·{right}/{TEST_DIGITS} = {100 * right / TEST_DIGITS:.2f} ≈ {answer:.1f}"
    return Question("accuracy", text, answer, working, decimals=True, tolerance=0.05 + 1e-9)


TOPICS: dict[str, list[Generator]] = {
    "pages/why_convolutions.py": [flattened, dense, params],
    "pages/edge_detection.py": [cell_vertical, cell_any, size_valid],
    "pages/learn_filter.py": [gradient_step, overshoot, centred],
    "pages/padding.py": [size_with_padding, same, size_valid],
    "pages/stride.py": [size_with_floor, size_with_stride, positions],
    "pages/volumes.py": [volume_shape, products, cell_any],
    "pages/one_layer.py": [params, relu_cell, volume_shape],
    "pages/pooling.py": [pooled_max, pooled_average, pooled_shape],
    "pages/train_cnn.py": [steps_per_epoch, softmax_probability, accuracy],
}
"""Each lesson's questions, in the order they are asked."""


def questions(path: str, seed: int) -> list[Question]:
    """The questions a lesson asks for ``seed``: the same seed, the same questions.

    Each question draws from its own stream, named by the seed, the lesson's key and
    its place in the lesson: adding a lesson, or a question at the end of one, changes
    nothing already asked.
    """
    lesson = zlib.crc32(lesson_for(path).key.encode())
    return [make(np.random.default_rng([seed, lesson, k])) for k, make in enumerate(TOPICS[path])]
