"""Browser components: each .py beside its .js and .css; Python computes, the browser draws.

``register`` is how every one of them is made: a Streamlit components-v2 component named
``convlab.<name>``, its CSS from ``<name>.css`` and its JS the listed files of this folder
joined into one ES module (shared number formatting first, where it is used).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent


def source(file: str) -> str:
    """The text of one of this folder's .js or .css files."""
    return (HERE / file).read_text(encoding="utf-8")


def register(name: str, *scripts: str):
    """The components-v2 component ``convlab.<name>`` (scripts default to ``<name>.js``)."""
    return st.components.v2.component(
        f"convlab.{name}",
        html="",
        css=source(f"{name}.css"),
        js="\n".join(source(file) for file in scripts or (f"{name}.js",)),
    )
