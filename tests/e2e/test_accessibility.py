"""Every student can use it: axe-core in chromium on every page, at desktop and phone width.

axe-core comes from the npm registry (``npm install --prefix tests/e2e/node axe-core``,
run by scripts/test); the test injects its ``axe.min.js`` into each page after the run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.server import wait_for_run
from ui.course.lessons import available_lessons

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
PAGES = ["", *(lesson.url_path for lesson in available_lessons())]
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; every violation with its nodes."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install --prefix tests/e2e/node axe-core`")
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }"""
    )


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_accessibility_violation(browser, app_url, name, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{app_url}/{name}")
    wait_for_run(page)
    page.wait_for_timeout(800)  # grids and charts draw after the run ends
    wait_for_run(page)
    found = axe_violations(page)
    context.close()
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, json.dumps(blocking, indent=1, ensure_ascii=False)[:6000]
