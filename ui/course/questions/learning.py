"""Questions on learning: a gradient step, a too-large rate, centring, epochs, softmax."""

from __future__ import annotations

import math

import numpy as np

from ui.course.answers import Question
from ui.course.questions.words import TEST_DIGITS, TRAIN_DIGITS, as_grid
from ui.figures.formulas import MINUS, number


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
