"""What every page starts with: deep-link fix, presentation mode, CSS, the lecture's examples."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence

import streamlit as st

from serve import busy
from ui.components import CODE_KEY, send_code
from ui.course.quiz import show_score
from ui.links import Param, load_link


def _apply_example(key: str, values: dict[str, object]) -> None:
    for name, value in values.items():
        st.session_state[f"{key}_{name}"] = value


RESET_LABEL = "↺ Back to the lecture's example"
OWN_RESET_LABEL = "↺ Back to the first example"


def examples(
    key: str,
    presets: dict[str, dict[str, object]],
    *,
    reset: dict[str, object] | None = None,
    button_keys: Sequence[str] | None = None,
    lecture: bool = True,
) -> None:
    """Worked examples, one click each, and a reset to the first one.

    ``presets`` maps a button's label to the controls it sets (URL names → values);
    ``reset`` (default: the first preset) is what the reset button sets. ``lecture``:
    the examples are the lecture's own; a lesson whose lecture gives no numbers
    (``lecture=False``) offers its own, and says so.
    """
    if lecture:
        st.markdown("**The lecture's examples**, one click away:")
        source, reset_label, first = " from the lecture", RESET_LABEL, "the lecture's first"
    else:
        st.markdown("**Worked examples** (ours: the lecture gives no numbers here), one click:")
        source, reset_label, first = "", OWN_RESET_LABEL, "the first"
    keys = list(button_keys or [f"{key}_example_{n}" for n in range(len(presets))])
    columns = st.columns(len(presets) + 1)
    for column, (label, values), button_key in zip(
        columns[:-1], presets.items(), keys, strict=True
    ):
        column.button(
            label,
            on_click=_apply_example,
            args=(key, values),
            key=button_key,
            width="stretch",
            help=f"Set the controls to this example{source}.",
        )
    columns[-1].button(
        reset_label,
        on_click=_apply_example,
        args=(key, reset or next(iter(presets.values()))),
        key=f"{key}_reset",
        width="stretch",
        help=f"Put the controls back to {first} example on this page.",
    )


def _leave_pages_directory_mode() -> None:
    """Make a deep link on a fresh server run app.py's navigation, not Streamlit's old one.

    Streamlit decides once per server process, at the first session, whether the app
    uses the old ``pages/`` auto-discovery: it does if a ``pages/`` folder exists, until
    some run calls ``st.navigation``. A first visitor arriving at ``/stride`` (a shared
    link) gets the page run on its own, with a sidebar listing file names, and the flag
    never clears. Clearing it and rerunning lands on the same page through ``app.py``.
    See docs/decisions.md.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_PRESENTATION_CSS = """
    html, .stApp {font-size: 21px;}
    .stApp, .stApp p, .stApp li, .stApp label {color: #000000 !important;}
    .stApp h1 {font-size: 3.1rem;} .stApp h2, .stApp h3 {font-size: 2.1rem;}
    [data-testid="stCaptionContainer"] {color: #1a1a1a !important; font-size: 1.05rem;}
    .convlab-formula {font-size: 1.9rem; border-left-width: 6px; background: #FFF3D6;}
    [data-testid="stSidebarNavLink"] span {white-space: normal !important;
        overflow: visible !important; text-overflow: clip !important;}
"""


_CONTRAST_CSS = """
    [data-testid="stCaptionContainer"] {opacity: 1 !important;}
    [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
    [data-testid="stWidgetLabel"] small {color: #595959 !important;}
    .stApp h2 {font-size: 1.5rem; padding-top: 1rem;}
    [data-testid="stPageLink"] p, .stButton button p {white-space: normal !important;
        overflow: visible !important; text-overflow: clip !important;}
    [data-testid="stCode"] pre, [data-testid="stCode"] code {white-space: pre-wrap !important;
        overflow-wrap: anywhere;}
    [data-testid="stTable"] table {width: 100%; table-layout: fixed;}
    [data-testid="stTable"] th, [data-testid="stTable"] td,
    [data-testid="stTable"] th *, [data-testid="stTable"] td * {white-space: normal !important;
        overflow-wrap: anywhere !important;}
    @media (max-width: 640px) {[data-testid="stTable"] table {table-layout: auto;}
        [data-testid="stTable"] th, [data-testid="stTable"] td {padding: .4rem .3rem !important;}
        [data-testid="stTable"] th, [data-testid="stTable"] td, [data-testid="stTable"] th *,
        [data-testid="stTable"] td * {font-size: .85rem !important;
        overflow-wrap: break-word !important;}}
    [data-testid="stTable"], [data-testid="stTable"] > div {overflow: visible !important;}
    .convlab-figure {margin: 0 0 .5rem 0; padding: 0;}
    .convlab-figure img {display: block; width: 100% !important; max-width: 100%;
        height: auto; margin: 0; border-radius: .4rem; object-fit: contain !important;}
    .convlab-figure figcaption {color: #595959; font-size: .875rem; padding-top: .25rem;}
"""
"""WCAG AA needs 4.5:1: Streamlit's caption grey #828180 on white is 3.88:1 (axe-core),
and Streamlit 1.67 also fades the caption's container to opacity 0.6; #595959 at full
opacity is 7.0:1, 6.6:1 on the sidebar's #F8F8F7. The slider's value and primary buttons
take the theme's colour, darkened in .streamlit/config.toml. h2 looks like Streamlit's h3,
so sections can be h2 under the page's h1 (axe: heading-order). Code wraps: a block that
scrolls sideways on a phone cannot be scrolled from the keyboard (scrollable-region-focusable)."""


_PRESENT = "_present"
"""Presentation mode for the session (the toggle's own key ``present`` lasts one page)."""


def _remember_present() -> None:
    st.session_state[_PRESENT] = st.session_state["present"]


def busy_notice() -> None:
    """A toast when the class outruns the server: a change then takes seconds, and the
    student is told why rather than left with a page that seems frozen. One toast at a time
    (a full run passes through its page and its fragments)."""
    under_way = busy.runs_under_way()
    if under_way <= busy.BUSY_AT or time.monotonic() - st.session_state.get(_TOLD, 0.0) < 3:
        return
    st.session_state[_TOLD] = time.monotonic()
    st.toast(
        f"The server is busy: {under_way} students' changes are being worked out at once, "
        "so yours may take a few seconds to show.",
        icon=":material/hourglass_top:",
    )


_TOLD = "_busy_told"
"""When this session was last told the server is busy (``time.monotonic()``)."""


def fragment(func: Callable | None = None, *, run_every: float | None = None):
    """``st.fragment`` for ConvLab's pages: a change reruns only this part, and a busy
    server says so first (``busy_notice``)."""

    def wrap(f: Callable) -> Callable:
        @functools.wraps(f)  # Streamlit names a fragment by its module and qualified name
        def part(*args, **kwargs):
            busy_notice()
            return f(*args, **kwargs)

        return st.fragment(part, run_every=run_every)

    return wrap(func) if func is not None else wrap


def setup_page(page: str, link: Sequence[Param] = ()) -> None:
    """Every page's first call: the deep-link fix, presentation mode, CSS, and the link.

    ``page`` is the page's key prefix and ``link`` its controls as ``ui.links.Param``s:
    a link opened on the page sets them (``ui.links.load_link``), and may ask for
    presentation mode (``present=1``), applied before the toggle exists.
    """
    _leave_pages_directory_mode()
    busy_notice()
    if not st.session_state.get(f"_{page}_link_loaded") and st.query_params.get("present") == "1":
        st.session_state[_PRESENT] = True
    # Kept for the whole session: a teacher turns it on once, not on every page. Streamlit
    # drops a widget's value on a page switch (its id includes the page), so the toggle
    # reads and writes a plain session key; every link the page writes then carries it
    # (ui.links.save_link, and page links through ui.links.kept_in_links).
    if _PRESENT in st.session_state:
        st.session_state["present"] = st.session_state[_PRESENT]
    present = st.sidebar.toggle(
        "Presentation mode",
        key="present",
        help="Larger type and stronger contrast for a projector. Kept in the page's link.",
        on_change=_remember_present,
    )
    show_score()
    with st.sidebar:
        send_code()
    st.markdown(
        f"""<style>
        .convlab-formula {{font-size: 1.35rem; line-height: 1.7; overflow-wrap: anywhere;
            padding: .35rem .75rem; border-left: 4px solid #FFB000;
            background: rgba(255, 176, 0, .08); margin-bottom: .75rem;}}
        .st-key-{CODE_KEY} {{display: none;}}
        {_CONTRAST_CSS}
        {_PRESENTATION_CSS if present else ""}
        </style>""",
        unsafe_allow_html=True,
    )
    load_link(page, link)
