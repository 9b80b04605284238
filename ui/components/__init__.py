"""Browser components: each .py beside its .js and .css; Python computes, the browser draws.

``register`` is how every one of them is made: a Streamlit components-v2 component named
``convlab.<name>`` whose own JS is a small stand-in (``stub.js``). Its real code (the
listed files of this folder joined into one ES module, shared number formatting first
where it is used, and ``<name>.css``) travels once per page in ``send_code``'s element,
which is the same on every run: Streamlit sends a cached element again as a reference
of a few bytes, so a move sends a component's data, not its ~40 kB of code (a Padding
move: 55.6 → 10.8 kB, bench/virtual_class.py).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
CODE_KEY = "convlab_code"
_CODE: dict[str, dict[str, str]] = {}
"""Every registered component's code: name → {"js": module source, "css": its CSS}."""


def source(file: str) -> str:
    """The text of one of this folder's .js or .css files."""
    return (HERE / file).read_text(encoding="utf-8")


def register(name: str, *scripts: str):
    """The components-v2 component ``convlab.<name>`` (scripts default to ``<name>.js``)."""
    _CODE[name] = {
        "js": "\n".join(source(file) for file in scripts or (f"{name}.js",)),
        "css": source(f"{name}.css"),
    }
    stub = _bare(source("pending.js") + source("stub.js")).replace("__NAME__", name)
    return st.components.v2.component(f"convlab.{name}", html="", js=stub)


def _bare(js: str) -> str:
    """JS without its comment lines and indentation: the stand-in travels with every move."""
    lines = (line.strip() for line in js.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


_LOADER = st.components.v2.component(
    "convlab.code", html="", js=source("pending.js") + source("code.js")
)


COMPONENTS = ("linked_grid", "maps", "paint", "photo_probe")
"""This folder's components: all of them travel in ``send_code``, so its element is the
same on every page (a page that has not imported one yet would change it)."""


def send_code() -> None:
    """Every component's code, in one element that draws nothing (``ui.page.setup_page``)."""
    for name in COMPONENTS:
        importlib.import_module(f"ui.components.{name}")
    _LOADER(key=CODE_KEY, data=dict(sorted(_CODE.items())))
