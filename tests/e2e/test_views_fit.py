"""Issue 17, items 6, 8, 11 and 12 in a browser: linked grids side by side so a hovered
output cell and its lit window are on one 1280×800 screen; a volume's arithmetic with
per-channel subtotals and tinted channels; stride's labels, dots and one position line;
pooling's input names shown whole; the course ending with a summary of every lesson.

Every expected number is computed here with NumPy and cnn_core.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnn_core import HORIZONTAL_EDGE, conv2d
from cnn_core.examples import LECTURE_RGB
from tests.e2e.server import wait_for_run
from tests.e2e.test_linked_grid import cell, expect_lit, grid, line, num, open_page, window
from tests.ui.test_questions import solve_question
from ui.course.lessons import LESSONS, questions

pytestmark = pytest.mark.e2e

W, H = 1280, 800


def inside_viewport(locator) -> list[dict]:
    """The boxes of the located elements that are not wholly inside the 1280×800 view."""
    boxes = locator.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")
    assert boxes
    return [b for b in boxes if b["x"] < 0 or b["y"] < 0 or b["right"] > W or b["bottom"] > H]


# ----- 6. side by side -----

# (page, input grid, output grid, output cell, window size, stride)
HOVERS = [
    ("why_convolutions", "Input 8×8", "Output 6×6", (5, 3), 3, 1),
    ("edge_detection", "Input 6×6", "Output 4×4", (3, 3), 3, 1),
    ("padding", "Input 6×6, padded to 8×8", "Output 6×6", (5, 5), 3, 1),
    ("stride", "Input 7×7", "Output 3×3", (2, 2), 3, 2),
    ("pooling", "Input 4×4", "Max pooling → 2×2", (1, 1), 2, 2),
    ("volumes", "Input, red", "Output channel 1", (3, 3), 3, 1),
]


@pytest.mark.parametrize(("path", "source", "target", "at", "f", "s"), HOVERS)
def test_a_hovered_output_cell_and_its_lit_window_are_both_on_screen(
    page, app_url, path, source, target, at, f, s
):
    open_page(page, f"{app_url}/{path}")
    out = cell(page, target, *at)
    # A student scrolls the grids to the middle of the screen, then points.
    out.evaluate("e => e.closest('.lg-panels').scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    out.hover()
    expect_lit(page, {source: window(*at, f, s), target: {at}})
    assert not inside_viewport(out)
    assert not inside_viewport(grid(page, source).locator('[aria-selected="true"]'))
    if path == "why_convolutions":  # the three grids share one line: input beside output
        tops = [grid(page, g).bounding_box()["y"] for g in (source, target)]
        assert abs(tops[0] - tops[1]) < 2, tops


# ----- 8. volumes -----


def test_volume_line_has_per_channel_subtotals_that_add_up_to_the_cell(page, app_url):
    open_page(page, f"{app_url}/volumes")
    i, j = 2, 1
    cell(page, "Output channel 1", i, j).hover()
    expect_lit(page, {"Output channel 1": {(i, j)}})
    text = line(page)
    head, *channels, total = text.split("\n")
    assert head == f"Output channel 1, cell ({i}, {j}) ="
    # Each channel's products and subtotal, computed here from the window and the filter.
    subtotals = []
    for k, (letter, written) in enumerate(zip("RGB", channels, strict=True)):
        window_k = LECTURE_RGB[i : i + 3, j : j + 3, k]
        want = float((window_k * HORIZONTAL_EDGE).sum())
        subtotals.append(want)
        assert written.startswith(f"{letter}: ") and written.endswith(f" = {num(want)}")
        assert written.count("×") == 9
    cell_value = conv2d(LECTURE_RGB, np.repeat(HORIZONTAL_EDGE[..., None], 3, axis=2))[i, j]
    assert sum(subtotals) == cell_value
    added = " + ".join(f"({num(v)})" if v < 0 else num(v) for v in subtotals)
    assert total == f"total: {added} = {num(cell_value)}"


CONTRAST = """els => els.map(e => {
  const rgb = (s) => s.match(/\\d+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const lin = (u) => (u <= 0.03928 ? u / 12.92 : ((u + 0.055) / 1.055) ** 2.4);
    const l = c.map((u) => lin(u / 255));
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const s = getComputedStyle(e);
  const [a, b] = [lum(rgb(s.color)), lum(rgb(s.backgroundColor))];
  return { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), bg: rgb(s.backgroundColor) };
})"""


def test_volume_channels_are_tinted_and_their_numbers_read_at_aa_contrast(page, app_url):
    open_page(page, f"{app_url}/volumes")
    for k, name in enumerate(("red", "green", "blue")):
        cells = grid(page, f"Input, {name}").locator('[role="gridcell"]').evaluate_all(CONTRAST)
        assert min(c["ratio"] for c in cells) >= 4.5, name
        # The channel's largest value is drawn in its own hue.
        darkest = cells[int(np.argmax(LECTURE_RGB[..., k]))]["bg"]
        assert np.argmax(darkest) == k, (name, darkest)


def test_volume_photo_crop_shows_its_place_in_the_photo(page, app_url):
    open_page(page, f"{app_url}/volumes?input=Crop+of+a+photo+%28cat%29&crop_top=30&crop_left=50")
    figure = page.locator("figure.convlab-figure", has_text="Where the crop comes from")
    img = figure.locator("img").bounding_box()
    square = figure.locator("img + div").bounding_box()
    # The crop takes every 4th pixel of the 451×300 photo: rows 120–143, columns 200–223.
    assert square["x"] - img["x"] == pytest.approx(img["width"] * 200 / 451, abs=1.5)
    assert square["y"] - img["y"] == pytest.approx(img["height"] * 120 / 300, abs=1.5)
    assert square["width"] == pytest.approx(img["width"] * 24 / 451, abs=1.5)
    assert "rows 120–143, columns 200–223" in figure.inner_text()


# ----- 11. stride, pooling -----


def test_stride_says_input_without_padding_and_padded_input_with_it(page, app_url):
    open_page(page, f"{app_url}/stride")
    assert grid(page, "Input 7×7").count() == 1
    assert page.get_by_text("Padded input").count() == 0
    open_page(page, f"{app_url}/stride?p=1")
    assert grid(page, "Padded input 9×9").count() == 1


def test_stride_names_one_position_at_a_time(page, app_url):
    open_page(page, f"{app_url}/stride")
    positions = page.get_by_text(re.compile(r"Position \d+ of \d+"))
    assert positions.count() == 1
    assert positions.inner_text().startswith("Position 1 of 9 (pinned): output cell (0, 0)")
    cell(page, "Output 3×3", 1, 1).hover()
    page.locator(".lg-status", has_text="Position 5 of 9:").wait_for(timeout=3_000)
    assert positions.count() == 1 and "(pinned)" not in positions.inner_text()


DOTS = """els => els.map(e => {
  const c = e.getBoundingClientRect();
  const d = getComputedStyle(e, "::after");
  const border = 2 * parseFloat(d.borderTopWidth);
  const dot = { left: c.left + parseFloat(d.left), top: c.top + parseFloat(d.top) };
  dot.right = dot.left + parseFloat(d.width) + border;
  dot.bottom = dot.top + parseFloat(d.height) + border;
  const range = document.createRange();
  range.selectNodeContents(e);
  const t = range.getBoundingClientRect();
  // The glyph's ink sits inside its line box: trim the font's ascent and descent.
  const pad = (t.height - 0.72 * parseFloat(getComputedStyle(e).fontSize)) / 2;
  return dot.right <= t.left || dot.bottom <= t.top + pad;
})"""


def test_stride_start_dots_leave_the_digits_clear_on_a_phone(phone, app_url):
    open_page(phone, f"{app_url}/stride")
    clear = grid(phone, "Input 7×7").locator(".lg-mark").evaluate_all(DOTS)
    assert len(clear) == 9 and all(clear), clear


SHOWN_WHOLE = """e => {
  const s = getComputedStyle(e);
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = s.font;
  const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  const fits = e.scrollWidth <= e.clientWidth && ctx.measureText(e.value).width <= room;
  return { value: e.value, fits };
}"""


def test_pooling_input_names_are_shown_whole(page, app_url):
    for mode, name in (("max", "Lecture 4×4 (max)"), ("average", "Lecture 4×4 (average)")):
        open_page(page, f"{app_url}/pooling?mode={mode}")
        box = page.locator('[data-testid="stSelectbox"]').get_by_role("combobox", name="Input")
        assert box.evaluate(SHOWN_WHOLE) == {"value": name, "fits": True}
    box.click()
    options = page.get_by_role("option")
    assert options.count() == 4
    assert all(options.evaluate_all("els => els.map(e => e.scrollWidth <= e.clientWidth)"))


# ----- 12. the end of the course -----


def test_the_course_ends_with_every_lesson_and_its_score(page, app_url):
    open_page(page, f"{app_url}/why_convolutions")
    q = questions("pages/why_convolutions.py", 0)[0]
    box = page.get_by_label(f"1. {q.text}", exact=True)
    box.fill(str(solve_question(q)))
    box.press("Enter")
    wait_for_run(page)
    page.get_by_role("button", name="Check", exact=True).click()
    page.get_by_text("1 of 1 right").first.wait_for(timeout=10_000)
    # In the same session, to the last lesson (the sidebar switches pages in the app).
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Train a CNN").click()
    page.get_by_role("heading", name="The end of the course: your summary").wait_for(timeout=30_000)
    wait_for_run(page)
    rows = page.locator("table").last.locator("tbody tr").all_inner_texts()
    cells = [re.split(r"\t", r.strip()) for r in rows]
    assert [c[0] for c in cells] == [f"{k}. {x.title}" for k, x in enumerate(LESSONS, 1)]
    scores = {c[0]: c[1:] for c in cells}
    assert scores["1. Why convolutions"] == ["yes", "1 of 1 right"]
    assert scores["9. Train a CNN"] == ["yes", "not checked"]
    assert scores["4. Padding"] == ["not yet", "not checked"]
    assert page.get_by_role("link", name=re.compile("^next →")).count() == 1
    assert page.get_by_role("link", name=re.compile("^Open Edge detection")).count() == 1


def test_a_number_grid_alone_on_its_line_stays_readable_on_a_phone(phone, app_url):
    """Stride's windows-per-pixel grid (ui.components.maps) takes a phone's whole width."""
    open_page(phone, f"{app_url}/stride?n=8&f=3&p=0&s=2")
    usage = grid(phone, "Windows per pixel of the 8×8 image, stride 2")
    usage.scroll_into_view_if_needed()
    cells = usage.locator('[role="gridcell"]')
    assert cells.count() == 64
    size = cells.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    box = usage.bounding_box()
    assert size >= 11 and box["x"] >= 0 and box["x"] + box["width"] <= 390, (size, box)
    flagged = usage.locator(".mp-flag").evaluate_all("els => els.map(e => e.textContent)")
    assert flagged == ["0"] * 15


def test_one_layers_table_keeps_every_heading_word_whole_on_a_phone(phone, app_url):
    """At 390 px the builder's table fits and no word is broken (it read "parametenote")."""
    phone.goto(f"{app_url}/one_layer")
    wait_for_run(phone)
    table = phone.locator('[data-testid="stTable"]', has_text="output shape").first
    table.wait_for(timeout=30_000)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # A word too wide for its column either breaks across lines (two boxes for one
    # word) or runs out of its cell into the next; a Range over each word sees both.
    broken = table.locator("th, td").evaluate_all(
        """cells => cells.flatMap(cell => {
            const words = [], walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            const right = cell.getBoundingClientRect().right;
            for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                for (const m of t.data.matchAll(/\\S+/g)) {
                    const r = document.createRange();
                    r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
                    const boxes = r.getClientRects();
                    if (boxes.length > 1 || r.getBoundingClientRect().right > right + 0.5)
                        words.push(m[0]);
                }
            }
            return words;
        })"""
    )
    assert not broken, broken
