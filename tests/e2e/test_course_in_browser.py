"""The course in a browser: home starts it, the upload action opens the uploader, and a
checked answer is announced (role="alert" for a wrong one, role="status" for a right one)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.server import wait_for_run
from tests.ui.test_questions import solve

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_start_the_course_opens_the_first_lesson(page, app_url):
    page.goto(app_url)
    wait_for_run(page)
    page.get_by_role("button", name="Start the course").click()
    page.locator("h1", has_text="Why convolutions?").wait_for(timeout=15_000)
    # The lesson writes its controls into the link at once: compare the path only.
    assert urlparse(page.url).path.rstrip("/").endswith("/why_convolutions")


def test_upload_your_own_photo_lands_on_the_open_uploader(page, app_url):
    page.goto(app_url)
    wait_for_run(page)
    page.get_by_role("link", name="Upload your own photo").click()
    page.locator("h1", has_text="Edge detection").wait_for(timeout=15_000)
    wait_for_run(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').wait_for(state="attached")
    assert page.locator('[data-testid="stFileUploader"]').count() == 1


def test_a_checked_answer_is_announced(page, app_url):
    page.goto(f"{app_url}/stride")
    wait_for_run(page)
    label = page.locator('[data-testid="stNumberInput"] label').first.inner_text()
    box = page.get_by_label(label, exact=True)
    box.fill(str(solve(label.split(". ", 1)[1]) + 1))
    box.press("Enter")
    wait_for_run(page)
    page.get_by_role("button", name="Check", exact=True).click()
    wait_for_run(page)
    alert = page.get_by_role("alert").filter(has_text="The answer is")
    alert.first.wait_for(timeout=10_000)
    assert "⌋ + 1" in alert.first.inner_text()
    # The two boxes left blank are not counted.
    assert page.locator('[data-testid="stSidebar"]').get_by_text("0 of 1 right").count() == 1


def test_on_a_phone_home_shows_both_photos_side_by_side_and_start_on_the_first_screen(
    browser, app_url
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(app_url)
    wait_for_run(page)
    photo = page.get_by_role("img", name="A brick wall in shades of gray").bounding_box()
    edges = page.get_by_role("img", name="The same wall as white lines on black", exact=False)
    edges = edges.bounding_box()
    start = page.get_by_role("button", name="Start the course").bounding_box()
    context.close()
    assert abs(photo["y"] - edges["y"]) < 1 and photo["x"] + photo["width"] <= edges["x"]
    assert edges["x"] + edges["width"] <= 390
    assert start["y"] + start["height"] <= 844
