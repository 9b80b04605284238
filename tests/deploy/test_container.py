"""The image's recipe, checked on the host: hadolint clean, the design card, and its exact
CMD and HEALTHCHECK (the health check must also fail once the server is gone).

The image itself is built and run with podman in tests/deploy/test_image.py.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy.container import debian_mirror
from tests.e2e.server import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instruction(name: str) -> str:
    """The text of a Dockerfile instruction, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    match = re.search(rf"^{name}\s+(.*)$", joined, flags=re.MULTILINE)
    assert match, f"no {name} in the Dockerfile"
    return match.group(1).strip()


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_follows_the_design_card():
    assert instruction("FROM").endswith("-slim")
    assert instruction("USER") == "10001"  # convlab, created with --uid 10001
    assert "--uid 10001 convlab" in instruction("RUN")
    assert instruction("EXPOSE") == "8501"
    assert "requirements.txt" in instruction("RUN") and "dev" not in instruction("RUN")
    cmd = json.loads(instruction("CMD"))
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    assert "--server.address=0.0.0.0" in cmd and "--browser.gatherUsageStats=false" in cmd
    assert "healthcheck.py" in instruction("HEALTHCHECK")


def test_dockerignore_keeps_tests_caches_and_venvs_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", "tests", "**/__pycache__", ".pytest_cache", ".git"):
        assert entry in ignored


@pytest.mark.e2e
def test_the_start_command_serves_and_the_healthcheck_passes():
    cmd = json.loads(instruction("CMD"))
    cmd[0] = str(Path(sys.executable).parent / cmd[0])  # the venv's streamlit
    port = str(free_port())
    env = {**os.environ, "STREAMLIT_SERVER_PORT": port}
    health = json.loads(instruction("HEALTHCHECK").split("CMD", 1)[1])
    health[0] = sys.executable
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while subprocess.run(health, cwd=ROOT, env=env).returncode != 0:
            assert proc.poll() is None, "the start command exited"
            assert time.monotonic() < deadline, "no healthy answer within 60 s"
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(10)
    # Once the server is gone, the health check must fail.
    assert subprocess.run(health, cwd=ROOT, env=env).returncode == 1


def test_the_stand_in_base_comes_from_the_machines_debian_mirror(tmp_path):
    """deb822 and one-line sources; -security, -updates and third-party entries are not it."""
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://deb.example.org/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n\n"
        "Types: deb\n# a comment\nURIs: http://deb.example.org/debian/\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n"
    )
    (tmp_path / "sources.list.d" / "other.list.disabled").write_text("deb http://x/debian sid main")
    assert debian_mirror(tmp_path) == "http://deb.example.org/debian"
    (tmp_path / "sources.list.d" / "debian.sources").unlink()
    (tmp_path / "sources.list").write_text(
        "deb https://packages.example.com/apt cloud-sdk-bookworm main\n"
        "deb [arch=amd64] http://mirror.example.net/debian bookworm main  # the archive\n"
    )
    assert debian_mirror(tmp_path) == "http://mirror.example.net/debian"
