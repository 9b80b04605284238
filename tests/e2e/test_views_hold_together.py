"""Issue 17's views that hold together, in a browser: Play plays to the end without a rerun,
presentation mode stays on from lesson to lesson, numbers read as a student reads them, and
on a phone a tap keeps its arithmetic while a vertical swipe scrolls the page.

Every expected number is computed here with cnn_core.
"""

from __future__ import annotations

import itertools
import re
import time
from urllib.parse import quote

import numpy as np
import pytest

from cnn_core import VERTICAL_EDGE, conv2d, explain_cell
from cnn_core.examples import LECTURE_6X6, lecture_image
from tests.e2e.conftest import PHONE
from tests.e2e.server import wait_for_run
from tests.e2e.test_linked_grid import (
    SCROLL,
    cell,
    centre,
    expect_line,
    expect_lit,
    formulas,
    grid,
    line,
    num,
    open_page,
    products,
    query,
    wait_formula,
    wait_query,
    window,
)

pytestmark = pytest.mark.e2e

ROTATED_CHECKER = (
    f"edge_detection?input={quote('Checker 6×6')}"
    f"&filter={quote('Rotated edge (any angle)')}&theta=45"
)
E_NOTATION = re.compile(r"\d[eE][+\-−]?\d")
COUNT_RUNS = """() => {
  // Every script run (a rerun of the page or of a fragment) passes through "running".
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  new MutationObserver(() => {
    if (app.dataset.testScriptState === "running") window.__runs += 1;
  }).observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
}"""


def count_runs(page) -> list[int]:
    """Start counting script runs and the messages the browser sends to Python."""
    sent = [0]
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.__setitem__(0, sent[0] + 1)))
    page.evaluate(COUNT_RUNS)
    return sent


def runs(page) -> int:
    return page.evaluate("window.__runs")


def font_sizes(page, label: str) -> set[float]:
    return set(
        grid(page, label)
        .locator('[role="gridcell"]')
        .evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    )


def cell_texts(page) -> list[str]:
    return page.locator('[role="gridcell"]').all_inner_texts()


# ----- 1. Play plays -----


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_play_on_learn_a_filter_runs_to_the_end_without_a_rerun(browser, app_url, size):
    options = PHONE if size == "phone" else {"viewport": {"width": 1280, "height": 800}}
    context = browser.new_context(**options)
    page = context.new_page()
    open_page(page, f"{app_url}/learn_filter")
    slider = page.locator("input.lg-range")
    last = int(slider.get_attribute("max"))
    assert slider.input_value() == "0" and last >= 10
    sent = count_runs(page)
    page.get_by_role("button", name="Play", exact=True).click()
    seen = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not seen or seen[-1] < last):
        seen.append(int(slider.input_value()))
        page.wait_for_timeout(40)
    # Forward all the way, never snapping back, and Python was never asked.
    assert seen[-1] == last, f"Play stopped at frame {seen[-1]} of {last}"
    assert len(set(seen)) >= 10 and seen == sorted(seen), seen
    assert runs(page) == 0 and sent[0] == 0
    # At the end it stops by itself and Python explains the last step (one rerun).
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=5_000)
    wait_for_run(page)
    assert runs(page) == 1
    steps = page.locator(".lg-status").inner_text()
    step = re.match(r"Step (\d+) of (\d+)", steps).groups()
    assert step[0] == step[1]
    assert page.get_by_role("heading", name=f"One weight's gradient, at step {step[0]}").count()
    context.close()


def test_play_on_stride_walks_the_window_without_a_rerun(page, app_url):
    open_page(page, f"{app_url}/stride")
    sent = count_runs(page)
    status = page.locator(".lg-status")
    page.get_by_role("button", name="Play", exact=True).click()
    seen = set()
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        seen.add(status.inner_text().split(":")[0])
        page.wait_for_timeout(50)
    assert len(seen) >= 4, seen
    assert page.get_by_role("button", name="Pause", exact=True).count() == 1
    assert runs(page) == 0 and sent[0] == 0


# ----- 2. Presentation mode stays on -----


def presenting(page) -> bool:
    return page.locator('[data-testid="stSidebar"] input[type="checkbox"]').first.is_checked()


def test_presentation_mode_stays_on_through_three_lessons_until_turned_off(page, app_url):
    page.goto(f"{app_url}/edge_detection?present=1")
    wait_for_run(page)
    visited = []
    for _ in range(3):
        link = page.get_by_role("link", name=re.compile("^next →"))
        assert "present=1" in link.get_attribute("href")
        link.click()
        page.wait_for_url(re.compile(r"present=1"), timeout=15_000)
        wait_for_run(page)
        visited.append(page.locator("h1").first.inner_text())
        assert query(page).get("present") == "1", page.url
        assert presenting(page)
        # Presentation type: the page's base font is the projector's.
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 20
    assert len(set(visited)) == 3
    # The sidebar's own links too: the next page keeps it, and writes it in its address.
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Pooling").click()
    page.wait_for_url(re.compile(r"/pooling\?.*present=1"), timeout=15_000)
    wait_for_run(page)
    assert presenting(page)
    # Until turned off: then it leaves the address and the links.
    page.locator('[data-testid="stSidebar"] label', has_text="Presentation mode").click()
    wait_for_run(page)
    assert not presenting(page) and "present" not in query(page)
    assert "present" not in page.get_by_role("link", name=re.compile("^next →")).get_attribute(
        "href"
    )
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Stride").click()
    page.wait_for_url(re.compile(r"/stride"), timeout=15_000)
    wait_for_run(page)
    assert not presenting(page) and "present" not in query(page)


# ----- 3. Numbers a student can read -----


def test_rotated_checker_has_no_e_notation_and_readable_text(page, app_url):
    open_page(page, f"{app_url}/{ROTATED_CHECKER}")
    labels = ["Input 6×6", "Filter 3×3", "Output 4×4"]
    texts = cell_texts(page)
    assert texts and not [t for t in texts if E_NOTATION.search(t)]
    assert cell(page, "Output 4×4", 0, 0).inner_text() == "0"  # was 1.776e−15
    for label in labels:
        assert min(font_sizes(page, label)) >= 11, f"{label}: {font_sizes(page, label)} px"
    # Each grid sizes its own text: the filter's −0.7071 does not shrink the input's 10s.
    assert min(font_sizes(page, "Input 6×6")) > max(font_sizes(page, "Filter 3×3"))
    cell(page, "Output 4×4", 3, 3).hover()
    expect_lit(page, {"Output 4×4": {(3, 3)}})
    assert not E_NOTATION.search(line(page)) and line(page).endswith("= 0")
    assert not any(E_NOTATION.search(f) for f in formulas(page))
    assert formulas(page)[0].endswith("= 0")


def test_a_diverging_run_shows_compact_numbers_at_its_last_step(page, app_url):
    open_page(page, f"{app_url}/learn_filter?lr=2.5")
    slider = page.locator("input.lg-range")
    slider.focus()
    page.keyboard.press("End")  # the last step: the loss has blown up
    wait_for_run(page)
    assert slider.input_value() == slider.get_attribute("max")
    texts = cell_texts(page)
    assert not [t for t in texts if E_NOTATION.search(t)]
    assert any(re.fullmatch(r"−?\d+(\.\d+)?[kMBT]", t) for t in texts), texts
    for label in ["Input 6×6", "Learned filter", "Output now", "Target output"]:
        assert min(font_sizes(page, label)) >= 11, f"{label}: {font_sizes(page, label)} px"
    assert not any(E_NOTATION.search(f) for f in formulas(page))
    # The lecture's whole numbers keep the size a long number elsewhere would take from them.
    assert min(font_sizes(page, "Hidden filter")) > max(font_sizes(page, "Output now"))


# ----- 5. A phone -----

CONV_IN, CONV_OUT = "Input 8×8", "Output 6×6"


def touch(page, points, *, hold_ms: int = 0, on_moved=None) -> None:
    """One finger down at the first point, held ``hold_ms``, through the others, then up."""
    cdp = page.context.new_cdp_session(page)

    def send(kind: str, points: list[dict]) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    x, y = points[0]
    send("touchStart", [{"x": x, "y": y}])
    if hold_ms:
        page.wait_for_timeout(hold_ms)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for t in np.linspace(0, 1, 11)[1:]:
            send("touchMove", [{"x": x0 + (x1 - x0) * t, "y": y0 + (y1 - y0) * t}])
            page.wait_for_timeout(16)
    if on_moved:
        on_moved()
    send("touchEnd", [])
    cdp.detach()


def test_phone_a_tap_pins_the_cell_and_its_arithmetic_stays(phone, app_url):
    open_page(phone, f"{app_url}/why_convolutions")
    x = lecture_image(8)
    out = conv2d(x, VERTICAL_EDGE)
    explained = explain_cell(x, VERTICAL_EDGE, 3, 4)
    want = f"Output cell (3, 4) = {products(explained)} = {num(out[3, 4])}"
    cell(phone, CONV_OUT, 3, 4).scroll_into_view_if_needed()
    cell(phone, CONV_OUT, 3, 4).tap()
    wait_query(phone, i=3, j=4)
    wait_for_run(phone)
    phone.wait_for_timeout(1_000)
    assert line(phone) == want  # after the rerun, still there
    expect_lit(phone, {CONV_IN: window(3, 4, 3), CONV_OUT: {(3, 4)}})
    # The page says how a finger works here.
    assert "swipe up or down to scroll" in phone.locator(".lg-hint").first.inner_text()


def test_phone_a_vertical_swipe_on_a_grid_scrolls_the_page(phone, app_url):
    open_page(phone, f"{app_url}/edge_detection")
    target = grid(phone, "Output 4×4")
    target.scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    before = phone.evaluate(SCROLL)
    x, y = centre(cell(phone, "Output 4×4", 3, 1))
    touch(phone, [(x, y), (x, y - 250)])
    phone.wait_for_timeout(600)
    assert phone.evaluate(SCROLL) > before + 100
    # Scrolling is not choosing: nothing was committed.
    wait_for_run(phone)
    assert query(phone)["i"] == "0" and query(phone)["j"] == "0"
    assert formulas(phone)[0].endswith("= −5")


def test_phone_a_sideways_drag_scrubs_and_the_page_stays(phone, app_url):
    open_page(phone, f"{app_url}/edge_detection")
    grid(phone, "Output 4×4").scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    before = phone.evaluate(SCROLL)
    path = [centre(cell(phone, "Output 4×4", 1, j)) for j in (0, 3)]

    def during() -> None:
        expect_lit(phone, {"Input 6×6": window(1, 3, 3), "Output 4×4": {(1, 3)}})
        assert phone.evaluate(SCROLL) == before

    touch(phone, path, on_moved=during)
    wait_query(phone, i=1, j=3)
    assert phone.evaluate(SCROLL) == before


def test_phone_press_and_hold_then_drag_scrubs_in_any_direction(phone, app_url):
    open_page(phone, f"{app_url}/edge_detection")
    grid(phone, "Output 4×4").scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    before = phone.evaluate(SCROLL)
    path = [centre(cell(phone, "Output 4×4", i, 2)) for i in (3, 0)]  # straight up

    def during() -> None:
        expect_lit(phone, {"Input 6×6": window(0, 2, 3), "Output 4×4": {(0, 2)}})
        assert phone.evaluate(SCROLL) == before

    touch(phone, path, hold_ms=600, on_moved=during)
    explained = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 0, 2)
    wait_query(phone, i=0, j=2)
    wait_formula(phone, f"= {num(explained.total)}")
    assert phone.evaluate(SCROLL) == before
    expect_line(phone, f"Output cell (0, 2) = {products(explained)} = {num(explained.total)}")
