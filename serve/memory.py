"""Python's garbage collector on a server that holds a whole class.

Streamlit's ``runner.postScriptGC`` (on by default) runs a full ``gc.collect(2)`` after
every run: 50–65 ms over the 70–120 k objects a ConvLab process holds, with every other
session waiting for the GIL. ``.streamlit/config.toml`` turns it off. Python's own
collections still run, and a full one walks every object the process has ever kept: the
imports (NumPy, Plotly, Streamlit, ConvLab) are most of them and never become garbage.
``gc.freeze()`` after a page's first run moves what exists then out of the collector's
sight, so a full collection walks only what classes made since. Measured in
docs/decisions.md ("A class of a hundred").
"""

from __future__ import annotations

import gc
import os
import threading

_frozen: set[str] = set()
_lock = threading.Lock()


def enabled() -> bool:
    """``CONVLAB_GC_FREEZE`` (default 1): 0 leaves Python's collector as it is."""
    return os.environ.get("CONVLAB_GC_FREEZE", "1") != "0"


def freeze_after_first_run(page: str) -> None:
    """Once per page and process, after the page's first run: its imports are loaded."""
    if page in _frozen or not enabled():
        return
    with _lock:
        if page not in _frozen:
            _frozen.add(page)
            gc.freeze()
