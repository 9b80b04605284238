"""The lessons in lecture order: one list for the navigation, the home page and the path.

A lesson whose page file does not exist yet (it lands in another issue) is left out of
``available_lessons``, so the app keeps working; ``LESSONS`` always holds all nine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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

    @property
    def url_path(self) -> str:
        """The page's address after the host: ``pages/padding.py`` → ``padding``."""
        return Path(self.path).stem

    def exists(self) -> bool:
        return (ROOT / self.path).is_file()


LESSONS = [
    Lesson(
        "why",
        "pages/why_convolutions.py",
        "Why convolutions",
        ":material/help:",
        "see why ten 3×3×3 filters need 280 numbers where a dense layer needs 3 billion",
        8,
    ),
    Lesson(
        "edge",
        "pages/edge_detection.py",
        "Edge detection",
        ":material/border_vertical:",
        "slide a 3×3 filter over an image and find its edges, sum by sum",
        15,
    ),
    Lesson(
        "learn",
        "pages/learn_filter.py",
        "Learn a filter",
        ":material/model_training:",
        "let gradient descent find the nine weights instead of designing them",
        12,
    ),
    Lesson(
        "padding",
        "pages/padding.py",
        "Padding",
        ":material/padding:",
        "pad p zeros on every side so the image keeps its size and its edges count",
        10,
    ),
    Lesson(
        "stride",
        "pages/stride.py",
        "Stride",
        ":material/steppers:",
        "jump s cells at a time and work out the output size with the floor",
        10,
    ),
    Lesson(
        "volumes",
        "pages/volumes.py",
        "Convolution over volumes",
        ":material/layers:",
        "convolve a colour image with f×f×3 filters and stack their outputs",
        12,
    ),
    Lesson(
        "layer",
        "pages/one_layer.py",
        "One layer",
        ":material/stacks:",
        "add a bias, apply ReLU, count parameters and build a whole network",
        15,
    ),
    Lesson(
        "pool",
        "pages/pooling.py",
        "Pooling",
        ":material/grid_view:",
        "shrink each channel with max or average pooling, with nothing to learn",
        10,
    ),
    Lesson(
        "train",
        "pages/train_cnn.py",
        "Train a CNN",
        ":material/school:",
        "train a small network on handwritten digits and watch it learn",
        15,
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
