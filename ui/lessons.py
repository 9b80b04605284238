"""The lessons in lecture order: one list for the navigation and the home page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    path: str
    title: str
    icon: str
    blurb: str


LESSONS = [
    Lesson(
        "pages/why_convolutions.py",
        "Why convolutions",
        ":material/help:",
        "why a filter needs so few weights",
    ),
    Lesson(
        "pages/edge_detection.py",
        "Edge detection",
        ":material/border_vertical:",
        "a filter finds edges",
    ),
    Lesson("pages/padding.py", "Padding", ":material/padding:", "keep the size, count the edges"),
    Lesson("pages/stride.py", "Stride", ":material/steppers:", "jump s cells at a time"),
    Lesson(
        "pages/volumes.py",
        "Convolution over volumes",
        ":material/layers:",
        "colour images, many filters",
    ),
    Lesson(
        "pages/one_layer.py",
        "One layer",
        ":material/stacks:",
        "bias, ReLU, and counting parameters",
    ),
    Lesson(
        "pages/pooling.py", "Pooling", ":material/grid_view:", "max and average, nothing to learn"
    ),
]
