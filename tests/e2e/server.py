"""The server and chromium helpers now live in bench/server.py (bench must not import tests)."""

from bench.server import (
    CHROMIUM_FLAGS,
    DONE,
    ROOT,
    app_process,
    free_port,
    launch_chromium,
    streamlit_server,
    wait_for_components,
    wait_for_run,
)

__all__ = [
    "CHROMIUM_FLAGS",
    "DONE",
    "ROOT",
    "app_process",
    "free_port",
    "launch_chromium",
    "streamlit_server",
    "wait_for_components",
    "wait_for_run",
]
