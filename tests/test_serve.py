"""serve/: how busy a server is, and its garbage collector."""

import gc
import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from serve import busy, memory
from tests.pages.helpers import APP


def padding_once() -> AppTest:
    """One run of Padding, its first: no run before it has told the session anything."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/padding.py").run()
    assert not at.exception and at.title[0].value == "Padding"
    return at


def test_runs_under_way_counts_streamlits_script_threads():
    before = busy.runs_under_way()
    release = threading.Event()
    threads = [threading.Thread(target=release.wait, name=busy.RUNNER) for _ in range(3)]
    other = threading.Thread(target=release.wait, name="not a script")
    for t in [*threads, other]:
        t.start()
    try:
        assert busy.runs_under_way() == before + 3
    finally:
        release.set()
        for t in [*threads, other]:
            t.join()
    assert busy.runs_under_way() == before


def test_a_busy_server_says_so_once_a_run_and_a_quiet_one_says_nothing(monkeypatch):
    # Padding's controls are in a fragment: a full run passes the page and the fragment.
    at = padding_once()
    assert [t.value for t in at.toast] == []
    monkeypatch.setattr(busy, "BUSY_AT", -1)
    at = padding_once()
    assert [t.value for t in at.toast] == [
        "The server is busy: 1 students' changes are being worked out at once, so yours may "
        "take a few seconds to show."
    ]


def test_a_pages_first_run_freezes_what_exists_then_once(monkeypatch):
    monkeypatch.setattr(memory, "_frozen", set())
    calls, freeze = [], gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(freeze()))
    gc.unfreeze()
    try:
        memory.freeze_after_first_run("padding")
        assert calls == [None] and gc.get_freeze_count() > 1000  # modules, classes, functions
        memory.freeze_after_first_run("padding")
        assert calls == [None]
        memory.freeze_after_first_run("stride")
        assert calls == [None, None]
    finally:
        gc.unfreeze()


def test_no_freeze_when_the_setting_says_so(monkeypatch):
    monkeypatch.setattr(memory, "_frozen", set())
    monkeypatch.setenv("CONVLAB_GC_FREEZE", "0")
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    memory.freeze_after_first_run("padding")
    assert calls == []


def test_the_server_settings_a_class_needs_are_in_the_config_the_image_copies():
    """Measured in docs/decisions.md ("A class of a hundred"): each alone froze a class."""
    import tomllib

    from tests.pages.helpers import APP

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"
