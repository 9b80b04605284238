"""The Dockerfile built as it is and run for real with podman, against a stand-in base.

`FROM python:3.11-slim` resolves to a stand-in made on this machine (tests/deploy/container.py:
Debian bookworm's python 3.11 under the official name), since no registry is reachable here.
What this proves is the recipe: the files it copies, its requirements installing, the
non-root user running the app and handling an upload, its CMD and its HEALTHCHECK. It does
not prove the official image's contents, which `docker build` uses elsewhere.

A machine that cannot build or run containers fails these tests with a message saying so.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

from tests.deploy import container
from tests.e2e.server import free_port, launch_chromium, wait_for_run
from ui.course.lessons import available_lessons

pytestmark = pytest.mark.container

PAGES = ["", *(lesson.url_path for lesson in available_lessons())]  # "" is Home, as tests/e2e
PHOTO = container.ROOT / "assets" / "cat.jpg"


@pytest.fixture(scope="module")
def image():
    problem = ""
    try:
        container.ensure_base()
        container.check_runs_containers()
    except container.NoContainersError as err:
        problem = str(err)
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        problem = f"this machine cannot make the stand-in base or run a container: {err}"
    if problem:
        pytest.fail(problem, pytrace=False)  # a machine without containers fails, loudly
    with container.built() as built:
        yield built


@pytest.fixture(scope="module")
def served(image):
    """The image running on a free port of the host's network: (container id, base URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with container.running(image, port) as cid:
        deadline = time.monotonic() + 90
        while health(url) != "ok":
            state = container.podman("inspect", "--format", "{{.State.Running}}", cid)
            if state.stdout.strip() != "true":
                pytest.fail(f"the container exited:\n{container.logs(cid)}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"no health within 90 s:\n{container.logs(cid)}", pytrace=False)
            time.sleep(0.5)
        yield cid, url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


def health(url: str) -> str:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as resp:
            return resp.read().decode()
    except OSError:
        return ""


def exec_in(cid: str, *command: str) -> subprocess.CompletedProcess:
    return container.podman("exec", cid, *command, check=False)


def test_the_image_on_a_stand_in_base_answers_its_health_endpoint(served):
    _, url = served
    assert health(url) == "ok"


def test_the_image_on_a_stand_in_base_runs_the_app_as_uid_10001(served):
    cid, _ = served
    status = exec_in(cid, "cat", "/proc/1/status").stdout  # the CMD's process
    uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
    assert uids == ["10001"] * 4, status
    assert "streamlit" in exec_in(cid, "cat", "/proc/1/cmdline").stdout
    assert exec_in(cid, "id", "-un").stdout.strip() == "convlab"


def test_the_image_on_a_stand_in_base_passes_its_own_healthcheck(image, served):
    cid, _ = served
    command = container.healthcheck(image)
    assert command, "the built image has no HEALTHCHECK (podman inspect .Config.Healthcheck)"
    result = exec_in(cid, *command)
    assert result.returncode == 0, f"{command} exited {result.returncode}: {result.stderr}"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_of_the_image_on_a_stand_in_base_opens_without_an_error(served, browser, name):
    cid, url = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/{name}")
        wait_for_run(page)
        page.locator("h1").first.wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0, container.logs(cid)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    finally:
        page.close()


def test_a_photo_upload_works_in_the_image_on_a_stand_in_base(served, browser):
    """Uploads reach the page as the non-root user, and the edge maps are computed."""
    cid, url = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/edge_detection")
        wait_for_run(page)
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Input image").click()
        page.get_by_role("option", name="Upload your own image").click()
        wait_for_run(page)
        page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(PHOTO))
        page.get_by_text("Vertical and horizontal edges, side by side").wait_for(timeout=30_000)
        wait_for_run(page)
        assert page.locator('[data-testid="stException"]').count() == 0, container.logs(cid)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert page.get_by_text(f"{PHOTO.name}: computed at 451×300 pixels").count() == 1
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 2
    finally:
        page.close()
