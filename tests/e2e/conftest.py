import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.server import launch_chromium, streamlit_server

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
}
"""A 390×844 touch phone, for ``browser.new_context(**PHONE)``."""


@pytest.fixture(scope="session")
def app_url():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh 1280×800 page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh page on a 390×844 touch phone."""
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()
