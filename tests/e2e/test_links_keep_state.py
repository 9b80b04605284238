"""Issue 17, item 4, in a browser: what a student changed survives a fresh browser.

The network edited in One layer's table, and the step Learn a filter was scrubbed to, are
in the address: a new browser context (no session, no cookies) opening it shows the same.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.server import wait_for_run

pytestmark = pytest.mark.e2e

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def total(page) -> str:
    """The builder's "Total: N parameters to learn", once the builder has drawn it."""
    line = page.locator(".convlab-formula").filter(has_text="parameters to learn")
    line.wait_for()
    return line.inner_text()


def open_fresh(browser, url: str):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(url)
    wait_for_run(page)
    return context, page


def cell(editor, column: int, row: int):
    """A data editor cell, by the grid's own accessible table (drawn once the canvas has)."""
    return editor.locator(f"td#glide-cell-{column}-{row}")


def edit_cell(page, editor, column: int, row: int, value: str) -> None:
    """Type ``value`` into a data editor cell with the keyboard, as a keyboard user does.

    No coordinates: focus the grid's first cell (the grid selects it), arrow to the cell,
    Enter opens its editor, Enter commits. An Enter that reaches the editor before it has
    taken the typed value commits the old one (seen here: 2 of 2 without a pause), so the
    edit is checked on the cell itself and made again if it was lost.
    """
    target = cell(editor, column, row)
    for attempt in range(3):
        cell(editor, 1, 0).focus()
        editor.locator('td#glide-cell-1-0[aria-selected="true"]').wait_for(state="attached")
        for key in ["ArrowRight"] * (column - 1) + ["ArrowDown"] * row:
            page.keyboard.press(key)
        editor.locator(f'td#glide-cell-{column}-{row}[aria-selected="true"]').wait_for(
            state="attached"
        )
        page.keyboard.press("Enter")
        box = page.locator("input.gdg-input")
        box.wait_for()
        box.fill(value)
        page.wait_for_function(
            "v => document.activeElement?.classList.contains('gdg-input') && "
            "document.activeElement.value === v",
            arg=value,
        )
        box.press("Enter")
        try:
            page.wait_for_function(
                "([el, v]) => el.textContent === v",
                arg=[target.element_handle(), value],
                timeout=5_000,
            )
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def test_a_network_built_in_one_layers_table_opens_the_same_in_a_fresh_browser(browser, app_url):
    context, page = open_fresh(browser, f"{app_url}/one_layer")
    before = total(page)
    editor = page.locator('[data-testid="stDataFrame"]').first
    editor.scroll_into_view_if_needed()
    # The third layer (conv 5 2 0 40): its "filters / units" cell, column 5, row 2.
    filters = cell(editor, 5, 2)
    filters.wait_for(state="attached")
    assert filters.text_content() == "40"
    edit_cell(page, editor, 5, 2, "48")
    page.wait_for_function("() => location.search.includes('net=')")
    wait_for_run(page)
    expect(
        page.locator(".convlab-formula").filter(has_text="parameters to learn")
    ).not_to_have_text(before)
    built = total(page)
    assert built.endswith("parameters to learn")
    assert "conv+5+2+0+48" in page.url
    address = page.url
    context.close()

    context, fresh = open_fresh(browser, address)
    assert total(fresh) == built
    assert fresh.locator('[data-testid="stAlert"]').count() == 0  # nothing refused
    table = fresh.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    cell(table, 5, 2).wait_for(state="attached")
    rows = [[cell(table, c, r).text_content() for c in range(1, 6)] for r in range(5)]
    assert rows == [
        ["conv", "3", "1", "0", "10"],
        ["conv", "5", "2", "0", "20"],
        ["conv", "5", "2", "0", "48"],
        ["flatten", "", "", "", ""],
        ["softmax", "", "", "", "10"],
    ]
    context.close()


def test_a_scrubbed_step_of_learn_a_filter_opens_at_that_step_in_a_fresh_browser(browser, app_url):
    context, page = open_fresh(browser, f"{app_url}/learn_filter")
    page.locator("input.lg-range").wait_for(timeout=20_000)
    # A released drag: the range takes the frame, then commits it (its change event).
    page.locator("input.lg-range").evaluate(
        """el => { el.value = "20"; el.dispatchEvent(new Event("input", {bubbles: true}));
                   el.dispatchEvent(new Event("change", {bubbles: true})); }"""
    )
    page.wait_for_function("() => /[?&]step=[1-9]/.test(location.search)", timeout=20_000)
    wait_for_run(page)
    step = re.search(r"[?&]step=(\d+)", page.url).group(1)
    assert int(step) > 0
    heading = f"One weight's gradient, at step {step}"
    assert page.get_by_role("heading", name=heading).count() == 1
    address = page.url
    context.close()

    context, fresh = open_fresh(browser, address)
    fresh.locator("input.lg-range").wait_for(timeout=20_000)
    assert fresh.get_by_role("heading", name=heading).count() == 1
    assert fresh.locator("input.lg-range").input_value() == "20"
    assert fresh.locator(".lg-status").inner_text().startswith(f"Step {step} of 200")
    context.close()


def test_a_learning_rate_beyond_the_slider_warns(browser, app_url):
    context, page = open_fresh(browser, f"{app_url}/learn_filter?lr=5")
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    assert "lr = 5 is outside 0.1 to 2.5, so 1.0 is used" in warning.inner_text()
    context.close()


def test_one_layers_z_and_relu_maps_are_linked_grids_opening_on_a_cell_relu_passes(
    browser, app_url
):
    context, page = open_fresh(browser, f"{app_url}/one_layer")
    page.get_by_role("grid", name="ReLU(z₁) 4×4", exact=True).wait_for(timeout=30_000)
    for label in ["Input, red", "z₀ 4×4", "ReLU(z₀) 4×4", "z₁ 4×4", "ReLU(z₁) 4×4"]:
        assert page.get_by_role("grid", name=label, exact=True).count() == 1, label
    z0 = page.get_by_role("grid", name="z₀ 4×4", exact=True)
    lit = z0.locator('[aria-selected="true"]')
    assert lit.count() == 1 and lit.get_attribute("data-i") == "1" == lit.get_attribute("data-j")
    line = page.locator(".lg-line")
    assert line.inner_text().startswith("z₀ (1, 1) = ") and line.inner_text().endswith("= 13")
    # Any cell can be chosen: a click on ReLU(z₁) (0, 0) explains it below.
    relu1 = page.get_by_role("grid", name="ReLU(z₁) 4×4", exact=True)
    relu1.locator('[data-i="0"][data-j="0"]').click()
    page.wait_for_function("() => /[?&]k=3/.test(location.search)", timeout=20_000)
    wait_for_run(page)
    assert page.get_by_text("Cell (0, 0) of filter 1").count() == 1
    assert page.get_by_text("is not positive, so ReLU gives 0").count() == 1
    context.close()
