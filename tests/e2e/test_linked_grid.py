"""The linked grid in a browser: hover, drag, keys, Play and touch light the right cells.

Every expected number is computed here with cnn_core (only the lecture's own numbers, such
as −5 and −16, are written out). A cell is named by its grid's aria-label and (i, j).
"""

from __future__ import annotations

import itertools
import re
import time
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from cnn_core import (
    HORIZONTAL_EDGE,
    VERTICAL_EDGE,
    box_filter,
    conv2d,
    explain_cell,
    explain_pool,
    output_size,
    pad,
    usage_count,
)
from cnn_core.examples import LECTURE_6X6, LECTURE_RGB, POOL_MAX_4X4, lecture_image
from tests.e2e.server import wait_for_components, wait_for_run

pytestmark = pytest.mark.e2e

MINUS = "\u2212"
SCROLL = "window.scrollY + (document.querySelector('[data-testid=\"stMain\"]')?.scrollTop || 0)"


# ----- expected values, from cnn_core -----


def num(v) -> str:
    """A number as the notes write it (whole numbers here): a real minus sign."""
    v = float(v)
    text = str(int(v)) if v == int(v) else f"{v:.4g}"
    return text.replace("-", MINUS)


def fac(v) -> str:
    return f"({num(v)})" if v < 0 else num(v)


def products(cell) -> str:
    """``x×w + …`` channel by channel, then column, then row, as the notes write them."""
    window, weights = np.asarray(cell.window), np.asarray(cell.weights)
    if window.ndim == 2:
        window, weights = window[..., None], weights[..., None]
    f_h, f_w, n_c = window.shape
    return " + ".join(
        f"{fac(window[r, c, k])}×{fac(weights[r, c, k])}"
        for k in range(n_c)
        for c in range(f_w)
        for r in range(f_h)
    )


def window_sum(cell) -> str:
    """A window's sum, column by column."""
    return " + ".join(fac(v) for v in np.asarray(cell.window).T.ravel())


def window(i: int, j: int, f: int, s: int = 1) -> set[tuple[int, int]]:
    return {(i * s + r, j * s + c) for r in range(f) for c in range(f)}


def covering(a: int, b: int, f: int, s: int, n_out: int) -> set[tuple[int, int]]:
    """Output cells whose window covers input cell (a, b) (of the input as drawn)."""
    return {
        (r, c)
        for r in range(n_out)
        for c in range(n_out)
        if r * s <= a < r * s + f and c * s <= b < c * s + f
    }


def every(rows: int, cols: int) -> set[tuple[int, int]]:
    return {(r, c) for r in range(rows) for c in range(cols)}


VOLUME_FILTERS = np.stack(
    [np.repeat(k[:, :, None], 3, axis=2) for k in (VERTICAL_EDGE, HORIZONTAL_EDGE)], axis=3
)


# ----- reading the page -----


def grid(page, label: str):
    return page.get_by_role("grid", name=label, exact=True)


def cell(page, label: str, i: int, j: int):
    return grid(page, label).locator(f'[role="gridcell"][data-i="{i}"][data-j="{j}"]')


def lit(page, label: str) -> set[tuple[int, int]]:
    pairs = (
        grid(page, label)
        .locator('[aria-selected="true"]')
        .evaluate_all("els => els.map(e => [Number(e.dataset.i), Number(e.dataset.j)])")
    )
    return {tuple(p) for p in pairs}


def expect_lit(page, expected: dict[str, set], timeout: float = 3.0) -> None:
    """Each grid's aria-selected cells become exactly the expected set."""
    deadline = time.monotonic() + timeout
    while True:
        got = {label: lit(page, label) for label in expected}
        if got == expected or time.monotonic() > deadline:
            break
        page.wait_for_timeout(50)
    assert got == expected


def line(page, k: int = 0) -> str:
    return page.locator(".lg-line").nth(k).inner_text()


def expect_line(page, text: str, k: int = 0, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while line(page, k) != text and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert line(page, k) == text


def formulas(page) -> list[str]:
    """The page's formula lines, once it has written one (a run can be a moment behind)."""
    lines = page.locator(".convlab-formula")
    lines.first.wait_for()
    return lines.all_inner_texts()


def wait_formula(page, ending: str, timeout: float = 15_000) -> None:
    page.wait_for_function(
        "e => [...document.querySelectorAll('.convlab-formula')]"
        ".some(f => f.innerText.endsWith(e))",
        arg=ending,
        timeout=timeout,
    )


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_query(page, **expected: object) -> None:
    deadline = time.monotonic() + 15
    want = {k: str(v) for k, v in expected.items()}
    while time.monotonic() < deadline:
        if all(query(page).get(k) == v for k, v in want.items()):
            return
        page.wait_for_timeout(100)
    assert {k: query(page).get(k) for k in want} == want


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)
    page.locator('[role="grid"]').first.wait_for(timeout=20_000)
    wait_for_components(page)


# ----- edge detection -----

EDGE_IN, EDGE_F, EDGE_OUT = "Input 6×6", "Filter 3×3", "Output 4×4"


def test_edge_hover_on_an_output_cell_lights_its_window_and_writes_its_products(page, app_url):
    open_page(page, f"{app_url}/edge_detection")
    out = conv2d(LECTURE_6X6, VERTICAL_EDGE)
    for i, j in [(3, 3), (1, 2), (0, 0)]:
        cell(page, EDGE_OUT, i, j).hover()
        expect_lit(page, {EDGE_IN: window(i, j, 3), EDGE_F: every(3, 3), EDGE_OUT: {(i, j)}})
        explained = explain_cell(LECTURE_6X6, VERTICAL_EDGE, i, j)
        expect_line(page, f"Output cell ({i}, {j}) = {products(explained)} = {num(out[i, j])}")
    assert line(page).endswith("= −5")  # the lecture's top-left cell
    cell(page, EDGE_OUT, 3, 3).hover()
    expect_line(
        page,
        f"Output cell (3, 3) = {products(explain_cell(LECTURE_6X6, VERTICAL_EDGE, 3, 3))} = −16",
    )
    # Hovering changes nothing in Python: the formula below still explains the pin (0, 0).
    assert formulas(page)[0].endswith("= −5")
    assert query(page)["i"] == "0" and query(page)["j"] == "0"


def test_edge_hover_on_an_input_cell_lights_every_output_that_reads_it(page, app_url):
    open_page(page, f"{app_url}/edge_detection")
    for a, b in [(0, 0), (2, 2), (5, 3), (1, 4)]:
        cell(page, EDGE_IN, a, b).hover()
        expected = covering(a, b, 3, 1, 4)
        expect_lit(page, {EDGE_IN: {(a, b)}, EDGE_OUT: expected, EDGE_F: set()})
        assert f"{len(expected)} window" in line(page)
        assert line(page).startswith(f"Input ({a}, {b}) = {num(LECTURE_6X6[a, b])}:")


def test_edge_leaving_the_grid_returns_to_the_pinned_cell_and_its_arithmetic(page, app_url):
    open_page(page, f"{app_url}/edge_detection")
    pinned = f"Output cell (0, 0) = {products(explain_cell(LECTURE_6X6, VERTICAL_EDGE, 0, 0))} = −5"
    assert line(page) == pinned
    cell(page, EDGE_OUT, 2, 2).hover()
    expect_lit(page, {EDGE_IN: window(2, 2, 3)})
    assert line(page).startswith("Output cell (2, 2) = ")
    page.locator("h1").first.hover()
    expect_lit(page, {EDGE_IN: window(0, 0, 3), EDGE_OUT: {(0, 0)}})
    expect_line(page, pinned)


def test_edge_drag_moves_the_window_and_the_release_commits(page, app_url):
    open_page(page, f"{app_url}/edge_detection")
    page.mouse.move(*centre(cell(page, EDGE_OUT, 0, 0)))
    page.mouse.down()
    for i, j in [(0, 1), (1, 1), (2, 1), (2, 3)]:
        page.mouse.move(*centre(cell(page, EDGE_OUT, i, j)), steps=4)
        expect_lit(page, {EDGE_IN: window(i, j, 3), EDGE_OUT: {(i, j)}})
    # Nothing is committed while the button is held.
    assert formulas(page)[0].endswith("= −5")
    page.mouse.up()
    explained = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 2, 3)
    wait_formula(page, f"= {num(explained.total)}")
    wait_for_run(page)
    assert formulas(page)[0] == f"{products(explained)} = {num(explained.total)}"
    wait_query(page, i=2, j=3)
    expect_lit(page, {EDGE_IN: window(2, 3, 3), EDGE_OUT: {(2, 3)}})


def test_edge_a_click_commits_and_survives_opening_the_link_elsewhere(browser, page, app_url):
    open_page(page, f"{app_url}/edge_detection")
    cell(page, EDGE_OUT, 3, 1).click()
    explained = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 3, 1)
    shown = f"{products(explained)} = {num(explained.total)}"
    wait_formula(page, shown)
    wait_query(page, i=3, j=1)
    wait_for_run(page)
    link = page.url

    other = browser.new_context(viewport={"width": 1280, "height": 800})
    fresh = other.new_page()
    open_page(fresh, link)
    assert formulas(fresh)[0] == shown
    expect_lit(fresh, {EDGE_IN: window(3, 1, 3), EDGE_F: every(3, 3), EDGE_OUT: {(3, 1)}})
    label = fresh.locator('[data-testid="stMarkdownContainer"] strong', has_text="Output cell")
    assert label.first.inner_text() == "Output cell (3, 1) ="
    other.close()


def test_edge_keyboard_arrows_preview_enter_commits_escape_returns_to_the_pin(page, app_url):
    open_page(page, f"{app_url}/edge_detection")
    cell(page, EDGE_OUT, 0, 0).focus()
    page.keyboard.press("ArrowRight")
    expect_lit(page, {EDGE_IN: window(0, 1, 3), EDGE_OUT: {(0, 1)}})
    page.keyboard.press("ArrowDown")
    expect_lit(page, {EDGE_IN: window(1, 1, 3), EDGE_OUT: {(1, 1)}})
    explained = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 1, 1)
    expect_line(page, f"Output cell (1, 1) = {products(explained)} = {num(explained.total)}")
    assert formulas(page)[0].endswith("= −5")  # arrows only preview
    page.keyboard.press("Enter")
    wait_formula(page, f"{products(explained)} = {num(explained.total)}")
    wait_query(page, i=1, j=1)
    wait_for_run(page)
    # The keyboard stays on the committed cell after the rerun.
    focused = page.evaluate(
        "() => { let a = document.activeElement; while (a && a.shadowRoot && "
        "a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; "
        "return a && a.dataset ? [a.dataset.i, a.dataset.j] : null; }"
    )
    assert focused == ["1", "1"]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect_lit(page, {EDGE_IN: window(1, 3, 3), EDGE_OUT: {(1, 3)}})
    # Arrows stop at the edge of the grid.
    page.keyboard.press("ArrowRight")
    expect_lit(page, {EDGE_OUT: {(1, 3)}})
    page.keyboard.press("Escape")
    expect_lit(page, {EDGE_IN: window(1, 1, 3), EDGE_OUT: {(1, 1)}})
    expect_line(page, f"Output cell (1, 1) = {products(explained)} = {num(explained.total)}")
    assert formulas(page)[0].endswith(f"= {num(explained.total)}")


# ----- padding -----


def test_padding_hover_on_an_output_cell_lights_its_padded_window_and_sum(page, app_url):
    open_page(page, f"{app_url}/padding")
    n, f, p = 6, 3, 1
    padded = pad(lecture_image(n), p)
    out = conv2d(lecture_image(n), box_filter(f), padding=p)
    labels = f"Input {n}×{n}, padded to {n + 2 * p}×{n + 2 * p}", f"Output {n}×{n}"
    for i, j in [(0, 0), (5, 5), (2, 4)]:
        cell(page, labels[1], i, j).hover()
        expect_lit(page, {labels[0]: window(i, j, f), labels[1]: {(i, j)}})
        explained = explain_cell(padded, box_filter(f), i, j)
        expect_line(page, f"Output cell ({i}, {j}) = {window_sum(explained)} = {num(out[i, j])}")


def test_padding_hover_on_an_input_pixel_lights_as_many_outputs_as_its_usage_count(page, app_url):
    open_page(page, f"{app_url}/padding")
    n, f, p = 6, 3, 1
    counts = usage_count(n, f, p)
    image = lecture_image(n)
    labels = f"Input {n}×{n}, padded to {n + 2 * p}×{n + 2 * p}", f"Output {n}×{n}"
    for a, b in [(1, 1), (1, 3), (3, 4), (6, 6)]:  # padded coordinates: (1, 1) is a corner
        cell(page, labels[0], a, b).hover()
        expected = covering(a, b, f, 1, n)
        expect_lit(page, {labels[0]: {(a, b)}, labels[1]: expected})
        assert len(expected) == counts[a - p, b - p]
        windows = "1 window reads it" if len(expected) == 1 else f"{len(expected)} windows read it"
        expect_line(
            page,
            f"Input ({a}, {b}) = {num(image[a - p, b - p])}: {windows} (the lit output cells).",
        )


def test_padding_click_commits_the_cell_to_the_formula_and_the_link(page, app_url):
    open_page(page, f"{app_url}/padding")
    padded = pad(lecture_image(6), 1)
    cell(page, "Output 6×6", 4, 2).click()
    explained = explain_cell(padded, box_filter(3), 4, 2)
    wait_formula(page, f"{window_sum(explained)} = {num(explained.total)}")
    wait_query(page, i=4, j=2)
    assert formulas(page)[0] == "6 + 2·1 − 3 + 1 = 6"


# ----- stride -----

STRIDE_IN, STRIDE_OUT = "Input 7×7", "Output 3×3"  # p = 0: nothing padded


def test_stride_hover_lights_windows_two_cells_apart(page, app_url):
    open_page(page, f"{app_url}/stride")
    x = lecture_image(7)
    out = conv2d(x, box_filter(3), stride=2)
    for i, j in [(0, 1), (2, 2), (1, 0)]:
        cell(page, STRIDE_OUT, i, j).hover()
        expect_lit(page, {STRIDE_IN: window(i, j, 3, 2), STRIDE_OUT: {(i, j)}})
        explained = explain_cell(x, box_filter(3), i, j, stride=2)
        expect_line(page, f"Output cell ({i}, {j}) = {window_sum(explained)} = {num(out[i, j])}")
    # An input pixel on a window's border is read by two windows in each direction.
    cell(page, STRIDE_IN, 2, 4).hover()
    expect_lit(page, {STRIDE_IN: {(2, 4)}, STRIDE_OUT: covering(2, 4, 3, 2, 3)})
    assert len(covering(2, 4, 3, 2, 3)) == usage_count(7, 3, 0, 2)[2, 4] == 4


def test_stride_step_and_play_walk_the_window_in_the_browser(page, app_url):
    open_page(page, f"{app_url}/stride")
    n_out = output_size(7, 3, 0, 2)
    status = page.locator(".lg-status")
    # At rest the player's line names the pinned position (the only position line).
    assert status.inner_text().startswith(f"Position 1 of {n_out * n_out} (pinned): ")
    assert page.get_by_text(f"Position 1 of {n_out * n_out} (pinned)").count() == 1
    page.get_by_role("button", name="Step forward", exact=True).click()
    assert status.inner_text() == (
        f"Position 2 of {n_out * n_out}: output cell (0, 1) reads the window whose top-left "
        "corner is at row 0, column 2."
    )
    expect_lit(page, {STRIDE_IN: window(0, 1, 3, 2), STRIDE_OUT: {(0, 1)}})
    page.get_by_role("button", name="Step back", exact=True).click()
    page.get_by_role("button", name="Step back", exact=True).click()  # wraps to the last
    assert status.inner_text().startswith(f"Position {n_out * n_out} of {n_out * n_out}:")
    expect_lit(page, {STRIDE_IN: window(2, 2, 3, 2), STRIDE_OUT: {(2, 2)}})

    page.get_by_role("button", name="Play", exact=True).click()
    pause = page.get_by_role("button", name="Pause", exact=True)
    pause.wait_for()
    # Play walks on by itself: three positions seen, however slow the machine (no timer
    # here: two CI runs side by side made a 2 s window miss, 2026-12-08).
    page.wait_for_function(
        """el => { const seen = (el.__seen ??= new Set());
                   seen.add(el.textContent.split(":")[0]); return seen.size >= 3; }""",
        arg=status.element_handle(),
        polling=50,
    )
    pause.click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    stopped = status.inner_text()
    page.wait_for_timeout(1_600)
    assert status.inner_text() == stopped
    # Playing never asked Python: the link still pins the first position.
    assert query(page)["step"] == "0"


def test_stride_a_click_pins_a_position_in_the_link(page, app_url):
    open_page(page, f"{app_url}/stride")
    cell(page, STRIDE_OUT, 1, 2).click()
    wait_query(page, step=1 * 3 + 2)
    page.get_by_text("Position 6 of 9 (pinned)").wait_for(timeout=10_000)
    expect_lit(page, {STRIDE_IN: window(1, 2, 3, 2), STRIDE_OUT: {(1, 2)}})


# ----- volumes -----


def test_volumes_hover_on_channel_1_lights_all_input_channels_and_filter_1(page, app_url):
    open_page(page, f"{app_url}/volumes")
    channels = ("red", "green", "blue")
    i, j = 2, 1
    cell(page, "Output channel 1", i, j).hover()
    expected = {f"Input, {c}": window(i, j, 3) for c in channels}
    expected |= {f"Filter 1, {c}": every(3, 3) for c in channels}
    expected |= {f"Filter 0, {c}": set() for c in channels}
    expected |= {"Output channel 1": {(i, j)}, "Output channel 0": set()}
    expect_lit(page, expected)
    explained = explain_cell(LECTURE_RGB, VOLUME_FILTERS[..., 1], i, j)
    text = line(page)
    assert text.count("×") == 27
    # Channel by channel, each with its subtotal (tests/e2e/test_views_fit.py adds them up).
    head, *rest = text.split("\n")
    assert head == f"Output channel 1, cell ({i}, {j}) ="
    assert " + ".join(r.split(": ")[1].split(" = ")[0] for r in rest[:3]) == products(explained)
    assert rest[3].endswith(f" = {num(explained.total)}")
    assert explained.total == conv2d(LECTURE_RGB, VOLUME_FILTERS)[i, j, 1]


def test_volumes_click_commits_the_channel_and_cell(page, app_url):
    open_page(page, f"{app_url}/volumes")
    cell(page, "Output channel 1", 3, 0).click()
    explained = explain_cell(LECTURE_RGB, VOLUME_FILTERS[..., 1], 3, 0)
    subtotals = explained.products.sum(axis=(0, 1))
    added = " + ".join(fac(v) for v in subtotals)
    wait_formula(page, f"total: {added} = {num(explained.total)}")
    wait_query(page, i=3, j=0, k=1)
    wait_for_run(page)
    expect_lit(page, {"Output channel 1": {(3, 0)}, "Output channel 0": set()})


# ----- pooling -----

POOL_IN, POOL_OUT = "Input 4×4", "Max pooling → 2×2"


def test_pooling_hover_lights_the_window_and_marks_the_winner(page, app_url):
    open_page(page, f"{app_url}/pooling")
    for i, j in [(1, 1), (0, 1), (1, 0)]:
        cell(page, POOL_OUT, i, j).hover()
        expect_lit(page, {POOL_IN: window(i, j, 2, 2), POOL_OUT: {(i, j)}})
        explained = explain_pool(POOL_MAX_4X4, 2, i, j, stride=2)
        values = ", ".join(num(v) for v in explained.window.ravel())
        expect_line(page, f"Output cell ({i}, {j}) = max({values}) = {num(explained.value)}")
        winners = grid(page, POOL_IN).locator(".lg-winner")
        assert winners.count() == 1
        r, c = explained.winner
        assert winners.evaluate("e => [Number(e.dataset.i), Number(e.dataset.j)]") == [
            explained.top + r,
            explained.left + c,
        ]
        assert winners.get_attribute("aria-label") == num(explained.value)


def test_pooling_each_channel_reads_only_its_own_input(page, app_url):
    open_page(page, f"{app_url}/pooling")
    cell(page, "Pooled, green", 1, 2).hover()
    expect_lit(
        page,
        {
            "Input, green": window(1, 2, 2, 2),
            "Input, red": set(),
            "Input, blue": set(),
            "Pooled, green": {(1, 2)},
        },
    )
    explained = explain_pool(LECTURE_RGB[..., 1], 2, 1, 2, stride=2)
    values = ", ".join(num(v) for v in explained.window.ravel())
    expect_line(page, f"Pooled green, cell (1, 2) = max({values}) = {num(explained.value)}", k=1)


def test_pooling_a_click_commits_the_pooled_cell(page, app_url):
    open_page(page, f"{app_url}/pooling")
    assert formulas(page)[0] == "max(1, 3, 2, 9) = 9"
    cell(page, POOL_OUT, 1, 1).click()
    wait_query(page, i=1, j=1)
    page.wait_for_function(
        "document.querySelector('.convlab-formula').innerText === 'max(2, 3, 1, 2) = 3'",
        timeout=15_000,
    )


# ----- phone: touch -----


def touch_drag(page, points: list[tuple[float, float]], on_moved=None) -> None:
    """One finger down at the first point, through the others, then up (CDP touch events)."""
    cdp = page.context.new_cdp_session(page)
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for t in np.linspace(0, 1, 11)[1:]:
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
            page.wait_for_timeout(16)
    if on_moved:
        on_moved()
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_phone_tap_commits_an_output_cell(phone, app_url):
    open_page(phone, f"{app_url}/edge_detection")
    cell(phone, EDGE_OUT, 3, 3).tap()
    wait_formula(phone, "= −16")
    wait_query(phone, i=3, j=3)
    wait_for_run(phone)
    expect_lit(phone, {EDGE_IN: window(3, 3, 3), EDGE_OUT: {(3, 3)}})


def test_phone_touch_drag_on_a_grid_moves_the_window_not_the_page(phone, app_url):
    open_page(phone, f"{app_url}/edge_detection")
    target = grid(phone, EDGE_OUT)
    target.scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    before = phone.evaluate(SCROLL)
    assert phone.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight") > 844
    # Sideways first (a vertical swipe scrolls the page), then anywhere: up the grid.
    path = [centre(cell(phone, EDGE_OUT, i, j)) for i, j in [(3, 0), (3, 2), (1, 2), (0, 2)]]

    def during() -> None:
        expect_lit(phone, {EDGE_IN: window(0, 2, 3), EDGE_OUT: {(0, 2)}})
        assert phone.evaluate(SCROLL) == before

    touch_drag(phone, path, during)
    explained = explain_cell(LECTURE_6X6, VERTICAL_EDGE, 0, 2)
    wait_formula(phone, f"{products(explained)} = {num(explained.total)}")
    wait_query(phone, i=0, j=2)
    assert phone.evaluate(SCROLL) == before


def test_phone_touch_drag_outside_the_grids_still_scrolls_the_page(phone, app_url):
    open_page(phone, f"{app_url}/edge_detection")
    title = phone.locator("h1").first
    # Start on the paragraph under the title (no grid there) and push the page up.
    x, y = centre(
        phone.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p').first
    )
    assert 0 < x < 390 and 200 < y < 400
    before = phone.evaluate(SCROLL)
    touch_drag(phone, [(x, y), (x, y - 200)])
    phone.wait_for_timeout(500)
    assert phone.evaluate(SCROLL) > before + 100
    assert title.bounding_box()["y"] < 0  # the title has moved up out of view


@pytest.mark.parametrize(
    "path, labels",
    [
        ("edge_detection", [EDGE_IN, EDGE_F, EDGE_OUT]),
        ("padding", ["Input 6×6, padded to 8×8", "Output 6×6"]),
    ],
)
def test_phone_cells_stay_readable_and_the_page_never_scrolls_sideways(
    phone, app_url, path, labels
):
    open_page(phone, f"{app_url}/{path}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for label in labels:
        widths = (
            grid(phone, label)
            .locator('[role="gridcell"]')
            .evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
        )
        assert widths and min(widths) >= 18, f"{label}: cells {min(widths):.1f} px wide"
        right = grid(phone, label).evaluate("e => e.getBoundingClientRect().right")
        assert right <= 390, f"{label} ends at {right:.0f} px"
        font = (
            grid(phone, label)
            .locator('[role="gridcell"]')
            .first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        )
        assert font >= 10, f"{label}: numbers {font} px"
    assert re.fullmatch(r"[−\d]+", cell(phone, labels[-1], 0, 0).inner_text())


@pytest.mark.parametrize("path", ["stride", "volumes", "pooling"])
def test_phone_other_grid_pages_fit_the_width(phone, app_url, path):
    open_page(phone, f"{app_url}/{path}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    rights = phone.locator('[role="grid"]').evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= 390
