"""Every page's state in its URL: a teacher copies the link, every student sees the same.

A page lists its controls as ``Param``s (URL name, default, parser) and calls
``load_link`` before its widgets and ``save_link`` after them. The link is read once per
session and page; a value that cannot be used falls back to the default with a notice: a
warning when it is outside the page's range (``OutOfRangeError``), else an information line.
Widget keys are ``f"{page}_{name}"``, so the URL name is the key's suffix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st


class OutOfRangeError(ValueError):
    """A value of the right kind beyond the page's range (a link warns about it)."""


def to_text(value: object) -> str:
    return str(int(value)) if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Param:
    name: str
    default: object
    parse: Callable[[str], object]
    """Turns the URL text into a value, or raises ValueError saying what is allowed."""
    shown: Callable[[object], str] = to_text
    """How a notice names the default it falls back to, in the lecture's notation."""


def _between(convert: Callable[[str], float], noun: str, lo: float, hi: float):
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise ValueError(f"not {noun} between {lo:g} and {hi:g}") from None
        if not lo <= value <= hi:
            raise OutOfRangeError(f"outside {lo:g} to {hi:g}")
        return value

    return parse


def whole(lo: int, hi: int) -> Callable[[str], int]:
    """A parser for a whole number from lo to hi."""
    return _between(int, "a whole number", lo, hi)


def decimal(lo: float, hi: float) -> Callable[[str], float]:
    """A parser for any number from lo to hi (a learning rate, say)."""
    return _between(float, "a number", lo, hi)


def one_of(options: Sequence[object]) -> Callable[[str], object]:
    by_text = {str(o): o for o in options}

    def parse(text: str) -> object:
        if text not in by_text:
            raise ValueError("not one of the choices on this page")
        return by_text[text]

    return parse


def flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("use 1 for on, 0 for off")
    return text == "1"


MAX_SHOWN = 60
"""Text a visitor chose is cut to this many characters when the page repeats it."""


def verbatim(text: object, limit: int = MAX_SHOWN) -> str:
    """Markdown that shows ``text`` exactly as typed, never as a link, bold or HTML.

    Links are how a class shares ConvLab, so a crafted one must not speak in ConvLab's
    voice: a value, file name or typed cell is shown as inline code (escaping is not
    enough, since Streamlit turns a bare URL into a link), cut to ``limit`` characters.
    """
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


QUESTION_SEED = Param("q", 0, whole(0, 999_999))
"""Every lesson's check-yourself questions are drawn from this seed (``ui.course.quiz``)."""


def load_link(page: str, params: Sequence[Param]) -> None:
    """Apply the page's URL to its widgets, once per session; show what could not be used."""
    params = [*params, QUESTION_SEED]
    done = f"_{page}_link_loaded"
    url = st.query_params.to_dict()
    # Read once per session, and again when the student arrives by a link that carries
    # other values than the page last wrote (the home page's "Upload your own photo").
    if st.session_state.get(done) and (not url or url == st.session_state.get(f"_{page}_url")):
        return
    st.session_state[done] = True
    malformed, beyond = [], []
    for p in params:
        raw = st.query_params.get(p.name)
        if raw is None:
            continue
        try:
            st.session_state[f"{page}_{p.name}"] = p.parse(raw)
        except ValueError as err:
            # The link's text only ever inside verbatim's code span: it never speaks as markup.
            problem = f"{p.name} = {verbatim(raw)} is {err}, so {p.shown(p.default)} is used"
            (beyond if isinstance(err, OutOfRangeError) else malformed).append(problem)
    if beyond:
        st.warning("This link goes beyond this page's limits: " + "; ".join(beyond) + ".")
    if malformed:
        st.info("This link had values ConvLab cannot use: " + "; ".join(malformed) + ".")


def save_link(page: str, params: Sequence[Param], **extra: object) -> None:
    """Write the page's current control values (and ``extra`` ones) into the URL."""
    values = {p.name: st.session_state.get(f"{page}_{p.name}") for p in [*params, QUESTION_SEED]}
    values.update(extra)
    if st.session_state.get("present"):
        values["present"] = True
    url = {k: to_text(v) for k, v in values.items() if v is not None}
    st.session_state[f"_{page}_url"] = url
    st.query_params.from_dict(url)


def kept_in_links() -> dict[str, str] | None:
    """The query parameters every page link carries: presentation mode, while it is on."""
    return {"present": "1"} if st.session_state.get("present") else None
