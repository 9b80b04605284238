"""Start `deploy/hall` from Python: N replicas behind HAProxy on loopback ports, and read them.

Shared by bench/load.py (``--hall``) and tests/deploy/test_hall.py. The container
command and its settings come from the environment as deploy/hall reads them
(``CONVLAB_ENGINE``, ``CONVLAB_IMAGE``, and on these machines ``CONTAINERS_CONF``: see
tests/deploy/container.py). Everything a hall starts is stopped when the ``with`` ends,
also when its body fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG_LINE = re.compile(
    r"\[(?P<accepted>\d\d/\w{3}/\d{4}:[\d:.]+)\] \S+ replicas/(?P<server>r\d+) \S+ "
    r"(?P<status>\d{3}) .*?"
    r"\{(?P<agent>[^}]*)\} \"(?P<method>[A-Z]+) (?P<path>\S+)"
)
"""A request HAProxy passed to a replica (option httplog, User-Agent captured)."""


@dataclass(frozen=True)
class Request:
    accepted: float
    """When HAProxy accepted it (seconds since the epoch, as ``time.time()``)."""
    server: str
    status: int
    agent: str
    method: str
    path: str


@dataclass
class Hall:
    url: str
    """The proxy, e.g. http://127.0.0.1:PORT."""
    names: list[str]
    """Container names, r1 first: replica ``r{i}`` is ``names[i - 1]``."""
    ports: list[int]
    log: Path
    """deploy/hall's output: HAProxy's log of every request among it."""
    run_dir: Path
    """HAProxy's config and admin socket (``admin.sock``)."""
    engine: list[str]
    env: dict[str, str]

    def requests(self) -> list[Request]:
        text = self.log.read_text(errors="replace")
        return [
            Request(
                datetime.strptime(m["accepted"], "%d/%b/%Y:%H:%M:%S.%f").timestamp(),
                m["server"],
                int(m["status"]),
                m["agent"],
                m["method"],
                m["path"],
            )
            for m in LOG_LINE.finditer(text)
        ]

    def servers_state(self) -> dict[str, int]:
        """Each replica's state as HAProxy sees it: 2 up, 0 down (admin socket)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.run_dir / "admin.sock"))
            sock.sendall(b"show servers state replicas\n")
            text = b"".join(iter(lambda: sock.recv(65536), b"")).decode()
        # "be_id be_name srv_id srv_name srv_addr srv_op_state ...", after a version line
        rows = [line.split() for line in text.splitlines()[2:] if line.strip()]
        return {row[3]: int(row[5]) for row in rows if len(row) > 5}

    def container(self, server: str) -> str:
        return self.names[int(server[1:]) - 1]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """The container command (``CONVLAB_ENGINE``) with ARGS."""
        return subprocess.run(
            [*self.engine, *args], capture_output=True, text=True, env=self.env, timeout=timeout
        )

    def exec_text(self, server: str, *command: str) -> str:
        return self.run("exec", self.container(server), *command).stdout

    def peak_mb(self, server: str) -> tuple[float, float]:
        """(the Streamlit server's peak RSS, the container's peak memory) in MB.

        The server's is VmHWM of the container's PID 1; the container's is its memory
        cgroup's peak (server, training workers and page cache), v1 or v2.
        """
        status = self.exec_text(server, "cat", "/proc/1/status")
        hwm = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        peak = self.exec_text(
            server,
            "sh",
            "-c",
            "cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null"
            " || cat /sys/fs/cgroup/memory.peak",
        ).strip()
        return (
            int(hwm[1]) / 1024 if hwm else float("nan"),
            int(peak) / 2**20 if peak.isdigit() else float("nan"),
        )


def free_ports(count: int) -> int:
    """The first of COUNT consecutive free loopback ports."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + count >= 65000:
            continue
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as resp:
            return resp.read() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def hall(replicas: int, name: str, env: dict[str, str] | None = None) -> Iterator[Hall]:
    """`bash deploy/hall REPLICAS` on free loopback ports; yield it once the proxy answers.

    ``env`` adds to this process's environment (``CONVLAB_IMAGE``, ``CONVLAB_ENGINE``,
    ``CONTAINERS_CONF``, worker settings, a cookie secret). Stopped on exit: SIGTERM to the
    script (it stops its replicas and HAProxy), then, whatever is left, SIGKILL to its
    process group and a forced removal of its containers.
    """
    env = {**os.environ, **(env or {})}
    first = free_ports(replicas + 1)
    ports = list(range(first + 1, first + 1 + replicas))
    env.update(
        CONVLAB_HALL_BIND="127.0.0.1",
        CONVLAB_HALL_PORT=str(first),
        CONVLAB_REPLICA_PORT=str(ports[0]),
        CONVLAB_HALL_NAME=name,
    )
    engine = (env.get("CONVLAB_ENGINE") or "podman").split()
    names = [f"{name}-r{i}" for i in range(1, replicas + 1)]
    url = f"http://127.0.0.1:{first}"
    with tempfile.TemporaryDirectory(prefix="convlab-hall-") as tmp:
        log = Path(tmp) / "hall.log"
        env["CONVLAB_HALL_DIR"] = tmp
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                ["bash", str(ROOT / "deploy" / "hall"), str(replicas)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to clean up after it
            )
        try:
            deadline = time.monotonic() + 60 + 40 * replicas
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"deploy/hall {replicas} did not serve {url} "
                        f"(exit {proc.poll()}):\n{log.read_text(errors='replace')[-4000:]}"
                    )
                time.sleep(0.5)
            yield Hall(url, names, ports, log, Path(tmp), engine, env)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(60)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # HAProxy, if the script could not
            proc.wait()
            subprocess.run([*engine, "rm", "-f", *names], capture_output=True, env=env, timeout=120)


def server_cpu(hall_: Hall, server: str) -> float:
    """User + system CPU seconds of the replica's Streamlit server (its PID 1) so far."""
    fields = hall_.exec_text(server, "cat", "/proc/1/stat").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
