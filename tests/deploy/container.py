"""Build and run ConvLab's Dockerfile with podman, against a stand-in for python:3.11-slim.

No container registry is reachable on these machines, so `FROM python:3.11-slim` cannot be
pulled. The stand-in is Debian bookworm (whose python3 is 3.11) made by debootstrap from the
machine's own Debian mirror, shaped like the official image where the Dockerfile relies on
it (`python` and `pip` on the PATH, pip allowed to install system-wide), and imported under
the official name. It is built once per machine: the debootstrap root is kept in
/var/cache/convlab-base and the image in podman's store. See /work/shared/CONTAINER_NOTES.md
(crun refuses this sandbox's cgroups; runc with cgroupfs and no default ulimits works).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE = "docker.io/library/python:3.11-slim"
SUITE = "bookworm"  # Debian 12: python3 is 3.11, as in the official python:3.11-slim
CACHE = Path(os.environ.get("CONVLAB_BASE_CACHE", "/var/cache/convlab-base"))
PACKAGES = ["podman", "runc", "debootstrap"]
HALL_PACKAGES = [*PACKAGES, "haproxy"]  # deploy/hall puts Debian's HAProxy in front
CONTAINERS_CONF = """\
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
"""
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")


class NoContainersError(RuntimeError):
    """This machine lacks what building or running the image needs; the message says what."""


def _conf() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "containers.conf"
    if not path.exists() or path.read_text() != CONTAINERS_CONF:
        path.write_text(CONTAINERS_CONF)
    return path


def podman(*args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """`podman --runtime runc ARGS` with the containers.conf these machines need."""
    if shutil.which("podman") is None or shutil.which("runc") is None:
        raise NoContainersError(
            "podman and runc are not installed, so this machine cannot build or run the "
            f"image; `bash scripts/test` installs them (apt-get install {' '.join(PACKAGES)})"
        )
    env = {**os.environ, "CONTAINERS_CONF": str(_conf())}
    result = subprocess.run(
        ["podman", "--runtime", "runc", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"podman {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}"
        )
    return result


def debian_mirror(sources: Path = Path("/etc/apt")) -> str:
    """The machine's Debian archive, from sources.list or sources.list.d (.list or deb822)."""
    texts = []
    for path in [sources / "sources.list", *sorted((sources / "sources.list.d").glob("*"))]:
        if path.suffix in (".list", ".sources") and path.is_file():
            texts.append((path.suffix, path.read_text()))
    candidates: list[tuple[str, list[str]]] = []  # (uri, suites)
    for suffix, text in texts:
        if suffix == ".list":
            for line in text.splitlines():
                line = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
                if len(line) >= 3 and line[0] == "deb":
                    candidates.append((line[1], [line[2]]))
        else:
            for stanza in re.split(r"\n\s*\n", text):
                fields = {}
                for line in stanza.splitlines():
                    if ":" in line and not line.startswith(("#", " ")):
                        key, value = line.split(":", 1)
                        fields[key.strip().lower()] = value.split()
                if "deb" in fields.get("types", []) and fields.get("enabled", ["yes"]) != ["no"]:
                    suites = fields.get("suites", [])
                    candidates += [(uri, suites) for uri in fields.get("uris", [])]
    # The archive itself: a plain release name (not -security, -updates), not a security host;
    # one that says debian first (a third-party repository may list a plain name too).
    archives = [
        uri.rstrip("/")
        for uri, suites in candidates
        if "security" not in uri and any("-" not in s and "/" not in s for s in suites)
    ]
    archives.sort(key=lambda uri: "debian" not in uri)
    if archives:
        return archives[0]
    raise NoContainersError(
        f"no Debian archive in {sources}/sources.list or sources.list.d to debootstrap "
        f"the stand-in base from (found: {candidates})"
    )


def _debootstrap(root: Path) -> None:
    """A bookworm minbase shaped like python:3.11-slim where the Dockerfile relies on it."""
    if shutil.which("debootstrap") is None:
        raise NoContainersError(
            "debootstrap is not installed, so the stand-in base cannot be made; "
            f"`bash scripts/test` installs it (apt-get install {' '.join(PACKAGES)})"
        )
    if os.geteuid() != 0:
        raise NoContainersError("making the stand-in base with debootstrap needs root")
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    include = "python3,python3-pip,python3-venv,ca-certificates"
    mirror = debian_mirror()
    result = subprocess.run(
        ["debootstrap", "--variant=minbase", f"--include={include}", SUITE, str(partial), mirror],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"debootstrap {SUITE} from {mirror} exited {result.returncode}:\n"
            f"{(result.stdout + result.stderr)[-3000:]}"
        )
    for marker in partial.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
        marker.unlink()  # the official image has none: its pip installs system-wide
    for name, target in (("python", "/usr/bin/python3"), ("pip", "/usr/bin/pip3")):
        link = partial / "usr/local/bin" / name
        link.unlink(missing_ok=True)
        link.symlink_to(target)
    # Registries are reached through a TLS-inspecting path whose CA only the host's bundle
    # has: the build's pip needs it.
    shutil.copyfile(HOST_CA, partial / "etc/ssl/certs/ca-certificates.crt")
    (partial / "etc/pip.conf").write_text("[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n")
    shutil.rmtree(partial / "var/cache/apt/archives", ignore_errors=True)
    (partial / "var/cache/apt/archives/partial").mkdir(parents=True)
    partial.rename(root)


def ensure_base() -> None:
    """The stand-in base under the official name, made once per machine and reused."""
    base = re.search(r"^FROM\s+(\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    if base is None or base.group(1) not in ("python:3.11-slim", BASE):
        raise NoContainersError(
            f"the Dockerfile's FROM is {base and base.group(1)}, not python:3.11-slim, the "
            "image this test stands in for; teach tests/deploy/container.py the new base"
        )
    if podman("image", "exists", BASE, check=False).returncode == 0:
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run on this machine may be making it
        if podman("image", "exists", BASE, check=False).returncode == 0:
            return
        root = CACHE / "root"
        if not root.is_dir():
            _debootstrap(root)
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        env = {**os.environ, "CONTAINERS_CONF": str(_conf())}
        imported = subprocess.run(
            ["podman", "--runtime", "runc", "import", "-", BASE],
            stdin=tar.stdout,
            capture_output=True,
            text=True,
            env=env,
        )
        tar.stdout.close()
        tar.wait()
        if imported.returncode != 0 or tar.returncode != 0:
            raise RuntimeError(f"podman import of the stand-in base failed:\n{imported.stderr}")


def check_runs_containers() -> None:
    """Raise NoContainersError unless a container of the base starts and runs a command."""
    result = podman("run", "--rm", "--network", "host", BASE, "true", check=False)
    if result.returncode != 0:
        raise NoContainersError(
            "this machine cannot run containers (podman --runtime runc run of the base "
            f"failed):\n{result.stderr[-3000:]}"
        )


@contextlib.contextmanager
def built() -> Iterator[str]:
    """Build the Dockerfile exactly as it is; yield the image's ID; then let it go.

    The tag is this process's own, so test runs at the same time on one machine never
    remove each other's image; `:last-test` keeps the latest build, and with it the cached
    layer of the requirements, for the next run.
    """
    tag = f"localhost/convlab:test-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        iid = Path(tmp) / "iid"
        podman(
            "build",
            "--network",
            "host",
            "--format",
            "docker",  # OCI format drops HEALTHCHECK
            "--iidfile",
            str(iid),
            "-t",
            tag,
            "-t",
            "localhost/convlab:last-test",
            "-f",
            str(ROOT / "Dockerfile"),
            str(ROOT),
        )
        image = iid.read_text().strip()
    try:
        yield image
    finally:
        podman("rmi", tag, check=False)  # only the tag if :last-test still names the image
        # Earlier builds that :last-test no longer names (the cached layers it uses stay).
        # Only images an hour old: another run's build on this machine makes its image
        # untagged for a moment, and pruning it then broke that build ("image not known",
        # two CI runs side by side, 2026-12-08).
        podman("image", "prune", "-f", "--filter", "until=1h", check=False)


@contextlib.contextmanager
def running(image: str, port: int) -> Iterator[str]:
    """Run IMAGE on the host's network with STREAMLIT_SERVER_PORT=PORT; always remove it."""
    container = podman(
        "run", "-d", "--network", "host", "-e", f"STREAMLIT_SERVER_PORT={port}", image
    ).stdout.strip()
    try:
        yield container
    finally:
        podman("rm", "-f", "-t", "5", container, check=False)


def prepared() -> None:
    """Raise NoContainersError, saying why, unless the base exists and containers run here."""
    try:
        ensure_base()
        check_runs_containers()
    except NoContainersError:
        raise
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        raise NoContainersError(
            f"this machine cannot make the stand-in base or run a container: {err}"
        ) from err


def hall_env(image: str) -> dict[str, str]:
    """What deploy/hall needs to run IMAGE with podman on these machines (runc, cgroupfs)."""
    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        raise NoContainersError(
            "haproxy is not installed, so deploy/hall cannot put a load balancer in front; "
            f"`bash scripts/test` installs it (apt-get install {' '.join(HALL_PACKAGES)})"
        )
    return {
        "CONTAINERS_CONF": str(_conf()),
        "CONVLAB_ENGINE": "podman --runtime runc",
        "CONVLAB_IMAGE": image,
    }


def logs(container: str) -> str:
    result = podman("logs", container, check=False)
    return (result.stdout + result.stderr)[-3000:]


def healthcheck(image: str) -> list[str]:
    """The image's own HEALTHCHECK command, from the built image's config."""
    result = podman("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image)
    config = json.loads(result.stdout or "null")
    if not config or not config.get("Test"):
        return []
    test = config["Test"]
    if test[0] == "CMD":
        return test[1:]
    if test[0] == "CMD-SHELL":
        return ["/bin/sh", "-c", test[1]]
    return []  # "NONE": disabled
