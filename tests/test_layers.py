"""The house's rules that code review would otherwise have to remember.

Imports flow down only (pages → ui → cnn_core, and inside ui from its plumbing and
folders down); bench/ measures the app without test code; no module grows past ~400
lines; Streamlit is pinned to the minor version whose internals one workaround touches.
"""

import ast
import importlib
import re
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
    "cnn_core": {"streamlit", "plotly", "ui", "pages", "tests", "bench", "torch", "serve"},
    "serve": {"streamlit", "plotly", "ui", "pages", "tests", "bench", "torch"},
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


UI_LEVELS = {
    "links": 0,
    "display": 0,
    "figures": 1,
    "controls": 2,
    "components": 3,
    "learn": 4,
    "course": 5,
    "page": 6,
}
"""ui's parts from the bottom up: a module imports only from its own level or below."""


def ui_part(module: str) -> str:
    """``ui.controls.network_table`` → ``controls``; ``ui.page`` → ``page``."""
    return module.split(".")[1]


def ui_imports(path: Path) -> set[str]:
    """The ui modules a module imports, by full name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("ui.")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ui."):
            names.add(node.module)
    return names


def test_ui_is_its_plumbing_and_folders_and_imports_flow_down_inside_it():
    top = {p.stem for p in (ROOT / "ui").glob("*.py")} - {"__init__"}
    folders = {p.name for p in (ROOT / "ui").iterdir() if (p / "__init__.py").exists()}
    assert top | folders == set(UI_LEVELS)
    assert top == {"page", "links", "display"}  # only the page plumbing at the top
    bad = set()
    for path in sorted((ROOT / "ui").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if module == "ui.__init__":
            continue
        level = UI_LEVELS[ui_part(module)]
        for name in ui_imports(path):
            if UI_LEVELS[ui_part(name)] > level:
                bad.add(f"{module} imports {name}")
    assert not bad, sorted(bad)


@pytest.mark.parametrize("package", ["cnn_core", "ui", "pages"])
def test_no_module_is_over_400_lines(package):
    long = {
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 400
    }
    assert not long, sorted(long)


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
    """Adding a lesson means its page, its record in ui/course/lessons.py, its test and its row
    here; this catches a forgotten row."""
    from ui.course.lessons import LESSONS

    table = (ROOT / "README.md").read_text().split("## Pages", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")]
    assert rows[2:] == [lesson.title for lesson in LESSONS]  # after the header and Home


def test_every_page_is_home_or_a_lesson_with_its_record():
    from ui.course.lessons import LESSONS

    pages = {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")}
    assert pages == {"pages/home.py", *(lesson.path for lesson in LESSONS)}


def readme_layout() -> str:
    return (ROOT / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]


def test_the_readme_layout_names_every_ui_module_and_folder():
    """A newcomer finds any part of ui/ in one hop from README's Layout."""
    layout = readme_layout()
    names = {p.stem for p in (ROOT / "ui").rglob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in (ROOT / "ui").rglob("*") if (p / "__init__.py").exists()}
    names |= {p.stem for p in (ROOT / "ui").rglob("*.js")}
    missing = sorted(n for n in names if not re.search(rf"\b{n}\b", layout))
    assert not missing, missing


DOCS = ["README.md", "docs/decisions.md", "docs/deploy.md"]


@pytest.mark.parametrize("doc", DOCS)
def test_every_module_name_and_path_the_docs_give_exists(doc):
    """A name in backticks (``ui.figures.colors.cell_colors``, ``cnn_core/kinds.py``) is
    one a newcomer can open: code that moves takes its pointers with it."""
    bad = []
    for ref in re.findall(r"`([^`\n]+)`", (ROOT / doc).read_text()):
        for name in re.findall(r"\b((?:ui|cnn_core)(?:\.[A-Za-z_]\w*)+)", ref):
            parts = name.split(".")
            for k in range(len(parts), 0, -1):
                try:
                    obj = importlib.import_module(".".join(parts[:k]))
                    break
                except ImportError:
                    continue
            try:
                for attribute in parts[k:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                bad.append(name)
        folders = "ui|cnn_core|pages|tests|bench|deploy|scripts|assets|docs"
        for path in re.findall(rf"\b((?:{folders})/[\w/.<>-]*[\w>])", ref):
            # A pattern (``tests/pages/test_<name>.py``) names its folder.
            where = ROOT / path if "<" not in path else (ROOT / path.split("<")[0]).parent
            if not where.exists():
                bad.append(path)
    assert not bad, bad


def test_no_page_has_a_bare_string_streamlit_magic_would_show():
    """Streamlit writes a page's bare expressions on the page ("magic"), docstrings aside:
    a string meant as an attribute's docstring shows up as text (it did, on three pages)."""
    shown = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            body = getattr(node, "body", None)
            if not isinstance(body, list):
                continue
            for statement in body[1:]:  # the first may be the docstring
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    shown.append(f"{path.name}:{statement.lineno}")
    assert not shown, shown
