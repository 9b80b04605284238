"""What a person sees: every page in headless Chromium, at desktop and phone width.

Screenshots land in tests/e2e/screenshots/ (one per page and width) for a person to open.
"""

from pathlib import Path

import pytest

from tests import samples
from tests.e2e.server import streamlit_server, wait_for_run
from ui.course.lessons import available_lessons

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent / "screenshots"
# Home, then every lesson whose page exists, in the navigation's order.
PAGES = ["", *(lesson.url_path for lesson in available_lessons())]
# Each page's heading starts with its title in the navigation ("One layer" → "One layer of a
# CNN"): adding a lesson to ui/lessons.py adds it here too.
TITLES = {"": "ConvLab", **{x.url_path: x.title for x in available_lessons()}}
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def page(browser, request):
    width, height = SIZES[getattr(request, "param", "desktop")]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


def formula_text(page) -> str:
    return page.locator(".convlab-formula").first.inner_text()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_without_an_error_and_fits_the_width(browser, app_url, name, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    # A script error in a component's code (say, a name declared twice when its files are
    # joined) draws nothing and raises no Python error: only the page sees it.
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(f"{app_url}/{name}")
    wait_for_run(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert page.locator("h1").first.inner_text().startswith(TITLES[name])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if name:
        # Every lesson draws something: a Plotly chart or a linked grid (role="grid").
        drawn = page.locator('[data-testid="stPlotlyChart"], [role="grid"]')
        drawn.first.wait_for(timeout=20_000)
        assert drawn.count() >= 1
    SHOTS.mkdir(exist_ok=True)
    # Streamlit scrolls an inner container: grow the window to the content for the shot.
    full = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(full + 100, 6000))})
    page.wait_for_timeout(400)
    page.screenshot(path=SHOTS / f"{name or 'home'}_{size}.png")
    assert script_errors == []
    context.close()


def output_cell(page, label: str, i: int, j: int):
    """Cell (i, j) of a linked grid (drawn in the browser, in an open shadow root)."""
    grid = page.get_by_role("grid", name=label, exact=True)
    return grid.locator(f'[role="gridcell"][data-i="{i}"][data-j="{j}"]')


def pinned_label(page) -> str:
    """The bold label Python writes before the committed cell's formula."""
    strong = page.locator('[data-testid="stMarkdownContainer"] strong', has_text="Output cell")
    return strong.first.inner_text()


def test_arrow_and_enter_on_the_output_grid_move_the_output_cell(page, app_url):
    page.goto(f"{app_url}/edge_detection")
    wait_for_run(page)
    assert formula_text(page).endswith("= −5")
    output_cell(page, "Output 4×4", 0, 0).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.convlab-formula').innerText.endsWith('= −10')")
    wait_for_run(page)
    assert formula_text(page).startswith("1×1 + 2×1 + 0×1")
    assert pinned_label(page) == "Output cell (1, 0) ="


def test_a_click_on_an_output_cell_explains_it(page, app_url):
    page.goto(f"{app_url}/edge_detection")
    wait_for_run(page)
    # Cell (3, 3) of the 4×4 output: the bottom-right one, −16.
    output_cell(page, "Output 4×4", 3, 3).click()
    page.wait_for_function(
        "document.querySelector('.convlab-formula').innerText.endsWith('= −16')",
        timeout=15_000,
    )
    wait_for_run(page)
    assert pinned_label(page) == "Output cell (3, 3) ="
    assert formula_text(page).startswith("1×1 + 6×1 + 2×1 + 7×0")


def choose(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option).click()
    wait_for_run(page)


def test_an_upload_shows_an_edge_map(page, app_url, tmp_path):
    path = tmp_path / "halves.png"
    path.write_bytes(samples.png_bytes((120, 90)))
    page.goto(f"{app_url}/edge_detection")
    wait_for_run(page)
    choose(page, "Input image", "Upload your own image")
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))
    page.get_by_text("Vertical and horizontal edges, side by side").wait_for(timeout=20_000)
    wait_for_run(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("computed at 120×90 pixels").count() == 1
    # The photo and its map are canvases in the photo probe; V and H are Plotly charts.
    assert page.get_by_role("img", name="Grayscale input, 120×90 pixels").count() == 1
    assert page.get_by_role("img", name="Vertical edge, 118×88 pixels").count() == 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 2
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "edge_detection_upload_desktop.png", full_page=True)


def test_a_bad_upload_shows_a_message_and_the_app_keeps_running(page, app_url, tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(samples.not_an_image())
    page.goto(f"{app_url}/edge_detection")
    wait_for_run(page)
    choose(page, "Input image", "Upload your own image")
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))
    page.get_by_text("this file is not an image ConvLab can read").wait_for(timeout=20_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    choose(page, "Input image", "Lecture 6×6")
    assert formula_text(page).endswith("= −5")


def test_play_steps_the_stride_window(page, app_url):
    page.goto(f"{app_url}/stride")
    wait_for_run(page)
    # The player's own line names the pinned position, once the grid has mounted.
    page.locator(".lg-status", has_text="Position 1 of 9 (pinned)").wait_for(timeout=10_000)
    assert page.get_by_text("Position 1 of 9 (pinned)").count() == 1
    page.get_by_role("button", name="Play", exact=True).click()
    page.locator(".lg-status", has_text="Position 3 of 9:").wait_for(timeout=10_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=2_000)


def test_play_stops_at_the_stride_windows_last_position(page, app_url):
    page.goto(f"{app_url}/stride")
    wait_for_run(page)
    page.locator(".lg-status", has_text="Position 1 of 9 (pinned)").wait_for(timeout=10_000)
    page.get_by_role("button", name="Play", exact=True).click()
    page.locator(".lg-status", has_text="Position 9 of 9:").wait_for(timeout=15_000)
    # It stops there (it used to start over for ever): Play is back, and stays on 9.
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=3_000)
    page.wait_for_timeout(1_500)
    assert page.locator(".lg-status").first.inner_text().startswith("Position 9 of 9:")
    page.get_by_role("button", name="Play", exact=True).click()  # from the end: over again
    page.locator(".lg-status", has_text="Position 1 of 9:").wait_for(timeout=3_000)


def test_a_deep_link_on_a_fresh_server_gets_the_app_navigation(browser):
    """The first visitor of a new server opens a shared /stride link (see docs/decisions.md)."""
    with streamlit_server() as url:
        page = browser.new_page()
        page.goto(f"{url}/stride?n=9&s=3")
        wait_for_run(page)
        page.locator(".convlab-formula").first.wait_for()
        assert formula_text(page) == "⌊(9 + 2·0 − 3)/3⌋ + 1 = ⌊6/3⌋ + 1 = 3"
        links = [
            t.split("\n")[-1]
            for t in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
        ]
        # The app's titles in lecture order (ui/lessons.py), not the page file names.
        assert links == ["Home", *(lesson.title for lesson in available_lessons())]
        assert "Edge detection" in links and "edge detection" not in links
        assert page.locator("h1").first.inner_text() == "Stride"
        page.close()


def test_a_click_on_a_pooled_cell_explains_it(page, app_url):
    page.goto(f"{app_url}/pooling")
    wait_for_run(page)
    assert formula_text(page) == "max(1, 3, 2, 9) = 9"
    output_cell(page, "Max pooling → 2×2", 1, 1).click()
    page.wait_for_function(
        "document.querySelector('.convlab-formula').innerText === 'max(2, 3, 1, 2) = 3'",
        timeout=15_000,
    )


def test_a_shared_link_reproduces_the_page_in_a_fresh_browser(browser, app_url):
    teacher = browser.new_context(viewport={"width": 1280, "height": 800})
    page = teacher.new_page()
    page.goto(f"{app_url}/edge_detection")
    wait_for_run(page)
    choose(page, "Input image", "Checker 6×6")
    choose(page, "Filter", "Horizontal edge")
    output_cell(page, "Output 4×4", 0, 0).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.convlab-formula').innerText.endsWith('= 30')")
    wait_for_run(page)
    link, shown = page.url, formula_text(page)
    grids = page.get_by_role("grid").evaluate_all("els => els.map(e => e.ariaLabel)")
    lit = page.locator('[aria-selected="true"]').evaluate_all(
        "els => els.map(e => e.closest('[role=grid]').ariaLabel + e.dataset.i + e.dataset.j)"
    )
    teacher.close()
    assert "filter=Horizontal" in link and "i=1" in link
    assert grids == ["Input 6×6", "Filter 3×3", "Output 4×4"]

    student = browser.new_context(viewport={"width": 1280, "height": 800})
    page = student.new_page()
    page.goto(link)
    wait_for_run(page)
    page.locator(".convlab-formula").first.wait_for()
    assert formula_text(page) == shown
    assert page.url == link  # the student's page writes back the very same link
    page.get_by_role("grid", name="Output 4×4", exact=True).wait_for()
    assert page.get_by_role("grid").evaluate_all("els => els.map(e => e.ariaLabel)") == grids
    # The student sees the teacher's cell lit: window (1..3, 0..2), all 9 weights, (1, 0).
    assert (
        page.locator('[aria-selected="true"]').evaluate_all(
            "els => els.map(e => e.closest('[role=grid]').ariaLabel + e.dataset.i + e.dataset.j)"
        )
        == lit
    )
    assert "Output 4×410" in lit and "Input 6×630" in lit and len(lit) == 9 + 9 + 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "edge_detection_from_link_desktop.png")
    student.close()


def test_keyboard_alone_reaches_and_moves_a_slider(page, app_url):
    page.goto(f"{app_url}/padding")
    wait_for_run(page)
    before = formula_text(page)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Image size n":
            break
    else:
        pytest.fail("Tab never reached a slider")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('.convlab-formula').innerText !== {before!r}")
    assert formula_text(page) != before


def test_presentation_mode_enlarges_the_page(page, app_url):
    page.goto(f"{app_url}/edge_detection?present=1")
    wait_for_run(page)
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.convlab-formula')).fontSize)"
    )
    assert size >= 36  # 1.9rem at 21 px, against 1.35rem at 16 px without it
    # At 21 px the sidebar's longest lesson name wraps instead of ending in "…".
    link = page.locator('[data-testid="stSidebarNavLink"]', has_text="Convolution over")
    assert link.locator("span").evaluate_all(
        "els => els.every(e => e.scrollWidth <= e.clientWidth)"
    )
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "edge_detection_presentation_desktop.png", full_page=True)
