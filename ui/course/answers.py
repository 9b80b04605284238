"""A question's answer and its grading: whatever a student types gets one short sentence.

Pure (no Streamlit). ``grade`` takes anything a box can hold (a number, any text of any
length, ``None``) and never lets Python speak: it reads a number or a shape the ways a
student writes them, echoes at most a few characters of what was typed, and ends a
wrong answer with the working and "The answer is X."
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ui.figures.formulas import MINUS, number

Answer = int | float | tuple[int, ...]
Grid = tuple[tuple[float, ...], ...]

ECHO = 12
"""At most this many characters of a student's answer are repeated back."""
LONGEST = 24
"""A number or shape typed with more characters than this is refused unread."""


@dataclass(frozen=True)
class Question:
    key: str
    """Short and unique on its page: part of the answer widget's key."""
    text: str
    """The question, ending with "?": the answer box's label."""
    answer: Answer
    working: str
    """How the answer is worked out, ending with ``= answer`` (or ``≈ answer``)."""
    decimals: bool = False
    """Whether the answer can have decimals (the box then takes text, echoed as typed)."""
    grids: tuple[tuple[str, Grid], ...] = ()
    """Small grids the question refers to by name, drawn above its box (rows from 0)."""
    tolerance: float = 1e-9
    """How far from ``answer`` still counts as right (half a unit when it is rounded)."""

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


@dataclass(frozen=True)
class Grade:
    right: bool
    message: str
    answered: bool = True
    """False for a blank box: not counted, right or wrong."""


_MINUSES = "−–—‒﹣－"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SHAPE_PART = re.compile(r"\d{1,6}")


def _squeeze(text: str) -> str:
    """No spaces of any kind, and any dash a keyboard makes read as a minus."""
    text = "".join(text.split())
    for dash in _MINUSES:
        text = text.replace(dash, "-")
    return text


def read_number(text: str, *, decimals: bool = False) -> float:
    """``−5``, ``1,437``, ``1 437``, ``3.75``, ``3,75`` (a decimal comma), ``96.7%``.

    Raises ValueError for anything else, including more than ``LONGEST`` characters.
    """
    s = _squeeze(text).removesuffix("%")
    if len(s) > LONGEST:
        raise ValueError("too long")
    grouped = re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", s) and not re.match(r"[+-]?0,", s)
    if decimals and s.count(",") == 1 and "." not in s and not grouped:
        s = s.replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", s):
        s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise ValueError("not a number")
    return float(s)


def parse_shape(text: str) -> tuple[int, ...]:
    """``4x4x2``, ``4×4×2``, ``4 × 4 × 2``, ``(4, 4, 2)``, ``[4,4,2]``, ``4 4 2`` → ``(4, 4, 2)``.

    Raises ValueError for anything else (at least two whole numbers, digits 0–9 only).
    """
    if len(text) > 4 * LONGEST:
        raise ValueError("too long")
    inner = text.strip().strip("()[]{}").strip()
    parts = re.split(r"\s*[x×X*,;]\s*|\s+", inner)
    if len(parts) < 2 or not all(_SHAPE_PART.fullmatch(p) for p in parts):
        raise ValueError("not a shape like 4×4×2")
    return tuple(int(p) for p in parts)


def _text(given: object) -> str:
    """Anything as text, without asking Python to write out a number of 5,000 digits."""
    if isinstance(given, int) and abs(given) >= 10**LONGEST:
        return "9" * (LONGEST + 1)
    return str(given)


def _echo(given: object) -> str | None:
    """What the student typed, as typed, if it is short and plainly a number or shape."""
    if isinstance(given, bool):
        return None
    if isinstance(given, int):
        return plain(given) if abs(given) < 10**LONGEST else None
    if isinstance(given, float):
        return repr(given).replace("-", MINUS) if math.isfinite(given) else None
    text = " ".join(_text(given).split())
    if len(text) <= ECHO and re.fullmatch(r"[\d\s.,+%" + _MINUSES + "-]+", text):
        return text
    return None


def _value(given: object, decimals: bool) -> float:
    if isinstance(given, bool):
        raise ValueError("not a number")
    if isinstance(given, int) and abs(given) >= 10**LONGEST:
        raise ValueError("too long")
    if isinstance(given, int | float):
        if not math.isfinite(given) or abs(given) >= 10**LONGEST:
            raise ValueError("too long")
        return float(given)
    return read_number(_text(given), decimals=decimals)


def grade(question: Question, given: object) -> Grade:
    """Right, wrong or not yet answered; a wrong or unreadable answer gets the working."""
    answer = plain(question.answer)
    correction = f"{question.working}. The answer is {answer}."
    if given is None or (isinstance(given, str) and not given.strip()):
        return Grade(False, "No answer yet: type one, then press Check.", answered=False)
    echo = _echo(given)
    if question.is_shape:
        try:
            shape = parse_shape(_text(given))
        except ValueError:
            return Grade(False, f"That is not a shape like 4×4×2. {correction}")
        one_filter = question.answer[-1] == 1 and shape == question.answer[:-1]
        if shape == question.answer or one_filter:
            return Grade(True, f"Right: {answer}.")
        return Grade(False, f"Not {plain(shape)}: {correction}")
    try:
        value = _value(given, question.decimals)
    except ValueError as err:
        why = "That is too long to be the answer." if str(err) == "too long" else None
        return Grade(False, f"{why or 'That is not a number.'} {correction}")
    if abs(value - float(question.answer)) <= question.tolerance:
        return Grade(True, f"Right: {answer}.")
    shown = echo if echo is not None else plain(int(value) if value == int(value) else value)
    return Grade(False, f"Not {shown}: {correction}")
