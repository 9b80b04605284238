"""A page's controls, each written once: its link name, label, range, default and help.

A page declares its controls (``Whole``, ``Decimal``, ``Choice``), builds its link from
their ``param``s and shows each with ``show``; the widget's range and the link's are then
the same numbers, so a link can never carry what the widget would not offer (a learning
rate the engine refuses, a size the slider does not reach). The widget's key is
``f"{page}_{name}"``, as ``ui.links`` expects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ui.links import Param, decimal, one_of, whole


@dataclass(frozen=True)
class Whole:
    """A whole number from ``lo`` to ``hi``: a slider, or a box to type in (``typed``)."""

    name: str
    label: str
    lo: int
    hi: int
    default: int
    help: str
    typed: bool = False

    @property
    def param(self) -> Param:
        return Param(self.name, self.default, whole(self.lo, self.hi))

    def show(self, page: str, where: Any = st, **options: Any) -> int:
        make = where.number_input if self.typed else where.slider
        value = make(
            self.label, self.lo, self.hi, self.default, key=f"{page}_{self.name}",
            help=self.help, **options,
        )  # fmt: skip
        return int(value)


@dataclass(frozen=True)
class Decimal:
    """Any number from ``lo`` to ``hi``, typed in a box (a learning rate)."""

    name: str
    label: str
    lo: float
    hi: float
    default: float
    help: str
    step: float = 0.001

    @property
    def param(self) -> Param:
        return Param(self.name, self.default, decimal(self.lo, self.hi))

    def show(self, page: str, where: Any = st) -> float:
        value = where.number_input(
            self.label, self.lo, self.hi, self.default, step=self.step, format="%g",
            key=f"{page}_{self.name}", help=self.help,
        )  # fmt: skip
        return float(value)


@dataclass(frozen=True)
class Choice:
    """One of ``options``: ``widget`` is ``"radio"``, ``"selectbox"`` or ``"select_slider"``.

    ``names`` words an option for the student (the link keeps the option itself); ``parse``
    replaces the link's plain "one of the options" where a page says more (a value between
    a slider's stops, say).
    """

    name: str
    label: str
    options: Sequence[object]
    default: object
    help: str
    widget: str = "selectbox"
    names: dict[object, str] = field(default_factory=dict)
    parse: Callable[[str], object] | None = None

    @property
    def param(self) -> Param:
        return Param(self.name, self.default, self.parse or one_of(self.options))

    def show(self, page: str, where: Any = st, **options: Any) -> Any:
        if self.names:
            options["format_func"] = lambda o: self.names.get(o, o)
        key, choices = f"{page}_{self.name}", list(self.options)
        if self.widget == "select_slider":
            return where.select_slider(
                self.label, choices, value=self.default, key=key, help=self.help, **options
            )
        index = choices.index(self.default)
        make = where.radio if self.widget == "radio" else where.selectbox
        return make(self.label, choices, index=index, key=key, help=self.help, **options)
