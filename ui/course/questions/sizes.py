"""Questions on sizes and counts: output sizes, padding, positions, parameters, shapes."""

from __future__ import annotations

import numpy as np

from cnn_core import conv_params, dense_weights, output_size, same_padding
from ui.course.answers import Question, plain
from ui.course.questions.words import SLIDES, pad_for, square
from ui.figures.formulas import MINUS, output_size_formula


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
        n, p, s = int(rng.integers(5, 13)), pad_for(rng, f), int(rng.integers(2, 4))
        if f <= n + 2 * p and (n + 2 * p - f) % s:
            return _size(n, f, p, s, "floor")


def size_with_padding(rng: np.random.Generator) -> Question:
    """Output size with padding, stride 1."""
    f = int(rng.choice([3, 5, 7]))
    n, p = int(rng.integers(4, 13)), pad_for(rng, f, least=1)
    return _size(max(n, f), f, p, 1, "padded")


def size_valid(rng: np.random.Generator) -> Question:
    """Output size without padding, stride 1 (n − f + 1)."""
    f = int(rng.choice([2, 3, 5]))
    n = int(rng.integers(f + 1, 40))
    return _size(n, f, 0, 1, "valid")


def size_with_stride(rng: np.random.Generator) -> Question:
    """Output size with padding and stride, floor or not."""
    f = int(rng.choice([3, 5]))
    n, p, s = int(rng.integers(f, 33)), pad_for(rng, f), int(rng.integers(2, 5))
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
    p, s = pad_for(rng, f), int(rng.integers(1, 3))
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
