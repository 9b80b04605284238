"""Training in worker processes, seen from a browser: a run trains in a child of the server,
never in the server itself, and a closed tab's run is stopped, its worker gone."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.server import app_process, wait_for_run

pytestmark = pytest.mark.e2e

WORKER = "from cnn_core.worker import serve"


def workers_of(pid: int) -> list[int]:
    """The training workers the server process ``pid`` has started and that still run."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE)
        if WORKER in cmdline and parent and int(parent.group(1)) == pid:
            found.append(int(proc.name))
    return found


def wait_for(condition, what: str, deadline: float) -> float:
    """Seconds until ``condition()`` holds, or fail naming ``what``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > deadline:
            raise AssertionError(f"waited {deadline} s for {what}")
        time.sleep(0.1)
    return time.monotonic() - start


def test_a_closed_tabs_run_is_stopped_and_its_worker_ends(browser):
    with app_process() as (url, server):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/train_cnn?epochs=200&seed=21")
        wait_for_run(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text(re.compile(r"^Step [\d,]+ of 9,000, epoch")).wait_for(timeout=60_000)
        assert len(workers_of(server.pid)) == 1  # the run trains in a child, not the server
        context.close()  # the student leaves: nobody watches the run any more
        # A disconnected session stops watching within 2 s; 30 s is generous under load.
        wait_for(lambda: not workers_of(server.pid), "the closed tab's worker to end", 30)
        assert server.poll() is None  # the server itself carries on
