"""The lessons in lecture order, one record each: what the navigation, the home page, the
path through the course, the questions, the README's table and the tests all read.

A lesson whose page file does not exist yet is left out of ``available_lessons``, so the
app keeps working while it is written; ``LESSONS`` always holds them all.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ui.course.answers import Question
from ui.course.questions.cells import cell_any, cell_vertical, pooled_average, pooled_max, relu_cell
from ui.course.questions.learning import (
    accuracy,
    centred,
    gradient_step,
    overshoot,
    softmax_probability,
    steps_per_epoch,
)
from ui.course.questions.sizes import (
    dense,
    flattened,
    params,
    pooled_shape,
    positions,
    products,
    same,
    size_valid,
    size_with_floor,
    size_with_padding,
    size_with_stride,
    volume_shape,
)
from ui.course.questions.words import Generator

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Lesson:
    key: str
    """The lesson's own name: its widgets' key prefix, and what seeds its questions."""
    path: str
    title: str
    icon: str
    blurb: str
    """The lesson's one-line promise to the student."""
    minutes: int
    """About how long a student spends on it, questions included."""
    asks: tuple[Generator, ...]
    """Its check-yourself questions (``ui.course.questions``), in the order they are asked."""

    @property
    def url_path(self) -> str:
        """The page's address after the host: ``pages/padding.py`` → ``padding``."""
        return Path(self.path).stem

    def exists(self) -> bool:
        return (ROOT / self.path).is_file()

    def questions(self, seed: int) -> list[Question]:
        """The questions it asks for ``seed``: the same seed, the same questions.

        Each question draws from its own stream, named by the seed, the lesson's key and
        its place in the lesson: adding a lesson, or a question at the end of one, changes
        nothing already asked.
        """
        own = zlib.crc32(self.key.encode())
        return [make(np.random.default_rng([seed, own, k])) for k, make in enumerate(self.asks)]


LESSONS = [
    Lesson(
        key="why",
        path="pages/why_convolutions.py",
        title="Why convolutions",
        icon=":material/help:",
        blurb="see why ten 3×3×3 filters need 280 numbers where a dense layer needs 3 billion",
        minutes=8,
        asks=(flattened, dense, params),
    ),
    Lesson(
        key="edge",
        path="pages/edge_detection.py",
        title="Edge detection",
        icon=":material/border_vertical:",
        blurb="slide a 3×3 filter over an image and find its edges, sum by sum",
        minutes=15,
        asks=(cell_vertical, cell_any, size_valid),
    ),
    Lesson(
        key="learn",
        path="pages/learn_filter.py",
        title="Learn a filter",
        icon=":material/model_training:",
        blurb="let gradient descent find the nine weights instead of designing them",
        minutes=12,
        asks=(gradient_step, overshoot, centred),
    ),
    Lesson(
        key="padding",
        path="pages/padding.py",
        title="Padding",
        icon=":material/padding:",
        blurb="pad p zeros on every side so the image keeps its size and its edges count",
        minutes=10,
        asks=(size_with_padding, same, size_valid),
    ),
    Lesson(
        key="stride",
        path="pages/stride.py",
        title="Stride",
        icon=":material/steppers:",
        blurb="jump s cells at a time and work out the output size with the floor",
        minutes=10,
        asks=(size_with_floor, size_with_stride, positions),
    ),
    Lesson(
        key="volumes",
        path="pages/volumes.py",
        title="Convolution over volumes",
        icon=":material/layers:",
        blurb="convolve a colour image with f×f×3 filters and stack their outputs",
        minutes=12,
        asks=(volume_shape, products, cell_any),
    ),
    Lesson(
        key="layer",
        path="pages/one_layer.py",
        title="One layer",
        icon=":material/stacks:",
        blurb="add a bias, apply ReLU, count parameters and build a whole network",
        minutes=15,
        asks=(params, relu_cell, volume_shape),
    ),
    Lesson(
        key="pool",
        path="pages/pooling.py",
        title="Pooling",
        icon=":material/grid_view:",
        blurb="shrink each channel with max or average pooling, with nothing to learn",
        minutes=10,
        asks=(pooled_max, pooled_average, pooled_shape),
    ),
    Lesson(
        key="train",
        path="pages/train_cnn.py",
        title="Train a CNN",
        icon=":material/school:",
        blurb="train a small network on handwritten digits and watch it learn",
        minutes=15,
        asks=(steps_per_epoch, softmax_probability, accuracy),
    ),
]


def available_lessons() -> list[Lesson]:
    """The lessons whose page exists, in lecture order."""
    return [lesson for lesson in LESSONS if lesson.exists()]


def lesson_for(path: str) -> Lesson:
    """The lesson of a page file (``"pages/padding.py"``)."""
    for lesson in LESSONS:
        if lesson.path == path:
            return lesson
    raise KeyError(f"{path} is not a lesson")


def questions(path: str, seed: int) -> list[Question]:
    """The questions the lesson of a page file asks for ``seed`` (``Lesson.questions``)."""
    return lesson_for(path).questions(seed)
