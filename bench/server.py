"""Start ConvLab with `streamlit run` on a free port and drive it with Debian's chromium.

Shared by bench/ and tests/e2e (tests import from here; bench never imports from tests).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def app_process(
    script: str = "app.py", options: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `streamlit run <script>` on a free port; yield its base URL and process.

    ``options`` are more command-line options (``["--runner.postScriptGC", "false"]``);
    ``env`` more environment variables.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *options,
    ]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        try:
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode()[-3000:]
                    raise RuntimeError(f"streamlit did not start:\n{tail}")
                time.sleep(0.3)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def streamlit_server() -> Iterator[str]:
    """Yield the base URL of a fresh `streamlit run app.py`; stop it afterwards."""
    with app_process() as (url, _):
        yield url


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.read() == b"ok"
    except OSError:
        return False


def launch_chromium(playwright):
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("Debian's chromium is missing: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)


COMPONENTS_DRAWN = """() =>
    [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
        .every(c => c.hasAttribute('data-convlab-drawn'))"""
"""True once every ConvLab component on the page has drawn (ui/components/stub.js marks it):
their code arrives once per page and a component draws when it has loaded."""


def wait_for_components(page, timeout: float = 30_000) -> None:
    """Wait until every component on the page has drawn its data (a click on a cell of a
    grid not yet drawn, or drawn while another still pushes the page down, misses)."""
    page.wait_for_function(COMPONENTS_DRAWN, timeout=timeout)


def wait_for_run(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current run (twice: a rerun may be starting)."""
    for _ in range(2):
        page.wait_for_timeout(250)
        page.wait_for_selector(DONE, timeout=timeout)
