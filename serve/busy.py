"""How busy this server is: the sessions whose page is being run, or waits to run, now.

Streamlit runs each session's script in its own thread, named "ScriptRunner.scriptThread",
which lives while the session has a run under way or asked for: counting them costs a few
µs for hundreds of threads. A server holds one core's worth of Python (the GIL), so when
more runs than ``BUSY_AT`` are under way at once each is slowed by all the others: that is
when a page says so (bench/virtual_class.py, docs/decisions.md "A class of a hundred").
"""

from __future__ import annotations

import threading

RUNNER = "ScriptRunner.scriptThread"
BUSY_AT = 24
"""Runs under way at once beyond which a student is told the server is busy. With
bench/virtual_class.py on 2 cores, a class of 400 moving every 3 s (p95 205 ms) never
reached it; a class of 800 (p95 39 s) did, and 63 of its students were told."""


def runs_under_way() -> int:
    """Sessions of this server whose script is running or waiting to run."""
    return sum(t.name == RUNNER for t in threading.enumerate())
