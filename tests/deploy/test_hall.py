"""A lecture hall for real: `deploy/hall 3` (three replicas behind HAProxy), twelve students.

The image is the Dockerfile built as it is on the stand-in base (tests/deploy/container.py:
no registry here); HAProxy is Debian's package; the replicas run with host networking on
loopback ports and every request goes to 127.0.0.1. Twelve students in one chromium open
the edge detection lesson by a link and upload a photo; HAProxy's log (deploy/hall's
output, User-Agent captured) says which replica answered each request. Then one replica
is killed while a student on it trains: the others go on, the ones on it are back on a
live replica with their lesson from its link, and the trainer is told the run was lost.

A machine that cannot build or run containers, or lacks haproxy or chromium, fails these
tests with a message saying so. The hall (replicas and HAProxy) is stopped at the end,
also when a test fails (bench/hall.py).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from bench.hall import Hall, Request, hall
from tests.deploy import container
from tests.e2e.server import DONE, launch_chromium, wait_for_run
from ui.controls.input_picker import GRID_INPUTS, MAX_UPLOAD_MB, UPLOAD

pytestmark = pytest.mark.container

REPLICAS = 3
STUDENTS = 12
PHOTO = container.ROOT / "assets" / "cat.jpg"
EDGE_MAPS = "Vertical and horizontal edges, side by side"
LOST = "the run was lost"
STEP = re.compile(r"^Step [\d,]+ of [\d,]+")
BACK_WITHIN_S = 15
# Streamlit's frontend first asks whether a page's own path is the app's base URL
# (/edge_detection/_stcore/health, .../host-config): those 404 on any Streamlit server,
# with or without a proxy, and the frontend then uses the root.
BASE_PROBE = re.compile(r"^/[\w-]+/_stcore/(health|host-config)$")


@dataclass
class Student:
    tag: str
    """First in the User-Agent, so HAProxy's captured header names the student."""
    context: object
    page: object
    sockets: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Responses of 400 and above (Streamlit's base-path probes aside)."""


@pytest.fixture(scope="module")
def image():
    try:
        container.prepared()
    except container.NoContainersError as err:
        pytest.fail(str(err), pytrace=False)  # a machine without containers fails, loudly
    with container.built() as built:
        yield built


@pytest.fixture(scope="module")
def lecture_hall(image):
    try:
        env = container.hall_env(image)
    except container.NoContainersError as err:
        pytest.fail(str(err), pytrace=False)
    # No secret given: deploy/hall must generate one and give it to every replica.
    env.update(STREAMLIT_SERVER_COOKIE_SECRET="", CONVLAB_TRAIN_WORKERS="1")
    with hall(REPLICAS, f"convlab-hall-test-{os.getpid()}", env) as running:
        yield running


@pytest.fixture(scope="module")
def students(lecture_hall):
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            probe = browser.new_page()
            agent = probe.evaluate("navigator.userAgent")
            probe.close()
            group = []
            for k in range(STUDENTS):
                tag = f"student-{k:02d}"
                context = browser.new_context(
                    viewport={"width": 1280, "height": 800}, user_agent=f"{tag} {agent}"
                )
                student = Student(tag, context, context.new_page())
                student.page.on("websocket", lambda ws, s=student: s.sockets.append(ws.url))
                student.page.on("response", lambda r, s=student: refused(s, r.status, r.url))
                group.append(student)
            # Twelve students open the lesson by links that pin different cells, at once.
            for k, s in enumerate(group):
                s.page.goto(f"{lecture_hall.url}/edge_detection?i={k % 4}&j={k // 4}")
            for s in group:
                wait_for_run(s.page, timeout=180_000)
                s.page.get_by_role("heading", name="Edge detection").wait_for(timeout=60_000)
            yield group
        finally:
            browser.close()


def refused(student: Student, status: int, url: str) -> None:
    path = "/" + url.split("/", 3)[-1].split("?")[0]
    if status >= 400 and not BASE_PROBE.match(path):
        student.refused.append(f"{status} {url}")


def by_student(requests: list[Request]) -> dict[str, list[Request]]:
    out = defaultdict(list)
    for r in requests:
        out[r.agent.split()[0]].append(r)
    return out


def replica_of(hall_: Hall) -> dict[str, str]:
    """Each student's one replica, from HAProxy's log."""
    return {
        tag: reqs[0].server
        for tag, reqs in by_student(hall_.requests()).items()
        if tag.startswith("student-")
    }


def choose_upload(page) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Input image").click()
    page.get_by_role("option", name=UPLOAD).click()


def upload(students_: list[Student]) -> None:
    """Each student uploads the photo, all at once; each sees the edge maps of it."""
    for s in students_:
        s.page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(PHOTO))
    for s in students_:
        try:
            s.page.get_by_text(EDGE_MAPS).wait_for(timeout=180_000)
        except PlaywrightTimeout:
            pytest.fail(f"{s.tag}: no edge maps; refused: {s.refused}", pytrace=False)
        s.page.get_by_text(f"{PHOTO.name}: computed at 451×300 pixels").wait_for(timeout=60_000)
        wait_for_run(s.page, timeout=120_000)
        assert s.page.locator('[data-testid="stException"]').count() == 0, s.tag


def test_each_of_twelve_students_uploads_a_photo_and_sees_its_edge_maps(students):
    for s in students:
        choose_upload(s.page)
    for s in students:
        wait_for_run(s.page, timeout=120_000)
        s.page.locator('[data-testid="stFileUploader"]').wait_for(timeout=60_000)
    upload(students)
    assert {s.tag: s.refused for s in students if s.refused} == {}


def test_every_request_of_a_student_reaches_one_replica_and_all_three_serve(lecture_hall, students):
    requests = by_student(lecture_hall.requests())
    for s in students:
        mine = requests[s.tag]
        assert {r.server for r in mine} == {mine[0].server}, (s.tag, Counter(mine))
        paths = [(r.method, r.path.split("?")[0]) for r in mine]
        assert ("GET", "/edge_detection") in paths  # the page
        assert ("GET", "/_stcore/stream") in paths  # its websocket
        assert any(p.startswith("/static/") for _, p in paths)  # the frontend's files
        assert any(m == "PUT" and p.startswith("/_stcore/upload_file/") for m, p in paths)
        # Media and component files, when a page asks for them, are in `mine` too; the
        # edge page draws its photo as data, so it asks for none.
        bad = [r for r in mine if r.status >= 400 and not BASE_PROBE.match(r.path)]
        assert bad == [], s.tag
        cookie = {c["name"]: c["value"] for c in s.context.cookies()}["CONVLAB_REPLICA"]
        assert cookie == mine[0].server
    spread = Counter(replica_of(lecture_hall).values())
    assert set(spread) == {f"r{i}" for i in range(1, REPLICAS + 1)}, spread
    assert min(spread.values()) >= 2, spread


def test_the_replicas_share_one_cookie_secret_that_the_hall_generated(lecture_hall):
    secrets = {
        lecture_hall.exec_text(f"r{i}", "printenv", "STREAMLIT_SERVER_COOKIE_SECRET").strip()
        for i in range(1, REPLICAS + 1)
    }
    assert len(secrets) == 1
    (secret,) = secrets
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    found = subprocess.run(["git", "grep", "-q", "-F", secret], cwd=container.ROOT)
    assert found.returncode == 1, "the cookie secret is in the repository"


def test_an_upload_over_the_apps_limit_is_refused_by_the_proxy(lecture_hall):
    port = int(lecture_hall.url.rsplit(":", 1)[1])
    too_big = MAX_UPLOAD_MB * 2**20 + 1
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"PUT /_stcore/upload_file/s/f HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {too_big}\r\n\r\n".encode()
        )
        assert sock.recv(200).startswith(b"HTTP/1.1 413"), "refused before the body is read"


def test_when_a_replica_dies_the_others_go_on_and_its_students_are_back_within_15_s(
    lecture_hall, students
):
    servers = replica_of(lecture_hall)
    victim = servers[students[0].tag]
    dead = [s for s in students if servers[s.tag] == victim]
    live = [s for s in students if servers[s.tag] != victim]
    # One student on the victim trains a long run (a new seed: nothing cached) ...
    trainer, others = dead[0], dead[1:]
    trainer.page.goto(f"{lecture_hall.url}/train_cnn?epochs=200&seed={os.getpid() % 999_999}")
    wait_for_run(trainer.page, timeout=120_000)
    trainer.page.get_by_role("button", name="Train", exact=True).click()
    trainer.page.get_by_text(STEP).wait_for(timeout=120_000)
    links = {s.tag: s.page.url for s in dead}
    sockets = {s.tag: len(s.sockets) for s in students}
    seen = len(lecture_hall.requests())

    # ... when their replica is killed.
    assert lecture_hall.run("kill", lecture_hall.container(victim)).returncode == 0
    killed = time.time()

    # Students elsewhere commit a change at once (the grid input instead of their photo).
    for s in live:
        s.page.locator('[data-testid="stSelectbox"]').filter(has_text="Input image").click()
        s.page.get_by_role("option", name=next(iter(GRID_INPUTS))).click()
    # The victim's students: each opens a websocket on a live replica (HAProxy's log says
    # when) and its page settles, within 15 s of the kill.
    back: dict[str, float] = {}
    while len(back) < len(dead) and time.time() - killed < BACK_WITHIN_S + 60:
        after = by_student(lecture_hall.requests()[seen:])
        for s in dead:
            streams = [
                r.accepted
                for r in after[s.tag]
                if r.path == "/_stcore/stream" and r.server != victim
            ]
            if s.tag not in back and streams and s.page.locator(DONE).count():
                back[s.tag] = streams[0] - killed
        dead[0].page.wait_for_timeout(250)
    assert set(back) == {s.tag for s in dead}, f"not back: {set(links) - set(back)}"
    assert max(back.values()) <= BACK_WITHIN_S, back
    while lecture_hall.servers_state()[victim] != 0 and time.time() - killed < BACK_WITHIN_S:
        time.sleep(0.5)
    assert lecture_hall.servers_state()[victim] == 0, "HAProxy still counts the dead replica"
    # The others' change settles as before, on their own replica, on the same connection.
    for s in live:
        s.page.get_by_role("grid", name="Output 4×4", exact=True).wait_for(timeout=120_000)
        wait_for_run(s.page, timeout=120_000)
        assert s.page.locator('[data-testid="stException"]').count() == 0, s.tag
        assert len(s.sockets) == sockets[s.tag], f"{s.tag} lost its connection"

    # Their lesson comes back from its link, on the page as it was (no reload needed).
    for s in others:
        wait_for_run(s.page, timeout=60_000)
        assert s.page.url == links[s.tag]
        s.page.get_by_role("heading", name="Edge detection").wait_for(timeout=30_000)
        # The link's input=Upload…: the uploader is back, waiting for a photo.
        assert "input=Upload" in links[s.tag]
        s.page.locator('[data-testid="stFileUploader"]').wait_for(timeout=30_000)
        assert s.page.locator('[data-testid="stException"]').count() == 0, s.tag
    # The photo was not in the link: the new replica asks for it. Streamlit 1.67's page,
    # reconnected, still shows the old file's name and sends a new upload under its old
    # session's id (seen here: PUT 204 on the new replica, and no photo on the page), so
    # uploading again takes a reload: the lesson comes back from the link, and the upload
    # works on the new replica.
    for s in others:
        s.page.reload()
    for s in others:
        wait_for_run(s.page, timeout=120_000)
        assert s.page.url == links[s.tag]
        s.page.locator('[data-testid="stFileUploader"]').wait_for(timeout=60_000)
    upload(others)
    # The trainer is told the run was lost, and Train starts it again.
    trainer.page.get_by_text(LOST).wait_for(timeout=30_000)
    trainer.page.get_by_role("button", name="Train", exact=True).click()
    trainer.page.get_by_text(STEP).wait_for(timeout=120_000)
    main = trainer.page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name="Stop", exact=True).click()  # not the header's Stop
    wait_for_run(trainer.page, timeout=60_000)

    after = by_student(lecture_hall.requests()[seen:])
    for s in live:
        assert {r.server for r in after[s.tag]} <= {servers[s.tag]}, s.tag  # ws: none new
    for s in dead:
        assert len({r.server for r in after[s.tag]} - {victim}) == 1, s.tag
    assert {s.tag: s.refused for s in students if s.refused} == {}
    print(f"\nback on a live replica after the kill, s: {sorted(back.values())}")
