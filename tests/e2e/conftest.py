import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.server import launch_chromium, streamlit_server


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
