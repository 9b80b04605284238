"""The house's rules that code review would otherwise have to remember.

Imports flow down only (pages → ui → cnn_core); bench/ measures the app without test
code; Streamlit is pinned to the minor version whose internals one workaround touches.
"""

import ast
from pathlib import Path

import pytest
import streamlit

ROOT = Path(__file__).resolve().parents[1]


def imported(path: Path) -> set[str]:
    """Top-level package names a module imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


FORBIDDEN = {
    "cnn_core": {"streamlit", "plotly", "ui", "pages", "tests", "bench", "torch"},
    "ui": {"pages", "tests", "bench"},
    "pages": {"tests", "bench"},
    "bench": {"tests"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_down_only(package):
    bad = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imported(path) & FORBIDDEN[package]
    }
    assert not bad, sorted(bad)


def test_streamlit_is_the_minor_version_the_deep_link_workaround_was_checked_on():
    """ui's deep-link fix writes PagesManager.uses_pages_directory (docs/decisions.md).

    requirements.txt pins streamlit to 1.67.x; when it is raised, check that a shared link
    opened as a fresh server's first visit still gets app.py's navigation
    (tests/e2e: test_a_deep_link_on_a_fresh_server_gets_the_app_navigation), then move
    this pin and the requirement together.
    """
    from streamlit.runtime.pages_manager import PagesManager

    assert streamlit.__version__.startswith("1.67."), streamlit.__version__
    assert "uses_pages_directory" in vars(PagesManager)
    requirement = next(
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("streamlit")
    )
    assert requirement == "streamlit>=1.67,<1.68"


def test_the_readme_lists_every_lesson_in_course_order():
    """Adding a lesson means the page, ui/lessons.py and its test; this catches the README."""
    from ui.lessons import LESSONS

    table = (ROOT / "README.md").read_text().split("## Pages", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")]
    assert rows[2:] == [lesson.title for lesson in LESSONS]  # after the header and Home
