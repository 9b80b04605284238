"""Training runs in worker processes: at most W at a time, killable at once, shared by key.

The server never trains in its own process: a run's NumPy work would compete with every
student's reruns for the GIL. Each run gets a fresh interpreter of its own
(``cnn_core.worker``, ~0.2 s to import NumPy and cnn_core), with a lower
priority than the server (``os.nice``), one BLAS thread, and an address-space limit, so
an oversized allocation raises ``MemoryError`` in the worker, never wakes the kernel's
OOM killer in the server. Stop kills the process (``SIGKILL``) however long its step;
a worker that dies is reported and the next run gets a new one. A fresh interpreter,
not ``multiprocessing``'s spawn or forkserver: those re-run the server's main module
(Streamlit's command line) in every child.

One thread in the server (``TrainingPool``'s) starts queued runs when a slot is free,
reads every worker's progress, and kills a run nobody watches any more: at once when
every session watching it has disconnected (its students closed their tabs), after
``GRACE`` seconds of silence otherwise. Runs are shared by key: a second session
asking for the same settings watches the same run, and a finished run stays in a cache
bounded by entries and bytes, with read-only arrays. Only the standard library's
``multiprocessing``: why, in docs/decisions.md (Training in worker processes).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

import numpy as np

from cnn_core.network import Layer
from cnn_core.training import EpochStats, TrainResult

GRACE = 30.0
"""Seconds a run may go unwatched before it is killed, while its sessions are connected.

A page polls every fraction of a second, but a loaded server can leave a poll waiting
several seconds (3.4 s measured at load 20 on 2 cores): a short grace killed runs whose
students were still there."""

DISCONNECTED_GRACE = 2.0
"""Seconds a run may go unwatched once every session watching it has disconnected (the
tab closed): long enough for a websocket to reconnect after a blip."""

_ONE_BLAS_THREAD = dict.fromkeys(
    ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1"
)
_WORKER = "from cnn_core.worker import serve; serve()"
"""A worker's program (``cnn_core.worker``; ``-c``, not ``-m``, so the classes it sends back
pickle as ``cnn_core.workers``'s)."""
_ROOT = Path(__file__).resolve().parents[1]  # where ``cnn_core`` can be imported from


@dataclass(frozen=True)
class TrainRequest:
    """What a run on the digits depends on; equal requests give equal runs."""

    layers: tuple[Layer, ...]
    epochs: int
    lr: float
    batch_size: int
    seed: int


@dataclass(frozen=True, eq=False)
class Outcome:
    """A run's network with its predictions for the test digits, ``(360, 10)``."""

    result: TrainResult
    test_proba: np.ndarray


def default_workers() -> int:
    """W: ``CONVLAB_TRAIN_WORKERS``, else half the cores this process may use (at least 1).

    A container sees the host's cores, so a deployment sets the variable.
    """
    text = os.environ.get("CONVLAB_TRAIN_WORKERS", "")
    if text.strip():
        return max(1, int(text))
    return max(1, len(os.sched_getaffinity(0)) // 2)


def default_memory_mb() -> int:
    """A worker's memory above its start: ``CONVLAB_WORKER_MEMORY_MB``, else 512."""
    text = os.environ.get("CONVLAB_WORKER_MEMORY_MB", "")
    return max(64, int(text)) if text.strip() else 512


def _freeze(result: TrainResult) -> TrainResult:
    """The same result with every array read-only: it is shared by a class."""
    for p in result.params:
        for a in p:
            a.setflags(write=False)
    result.batch_loss.setflags(write=False)
    return result


@dataclass(eq=False)
class Run:
    """One run, as the server sees it. Read its fields under the pool's lock (``view``)."""

    key: str
    request: TrainRequest
    owner: str = ""
    """The session whose Train press started it; the others share it."""
    status: str = "queued"
    """``queued``, ``running``, ``done``, ``failed`` (message in ``error``) or ``stopped``."""
    step: int = 0
    total: int = 1
    history: list[EpochStats] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    pending: tuple = ()
    snapshot: Outcome | None = None
    """The network at the end of the last finished epoch, with its test predictions."""
    outcome: Outcome | None = None
    error: str = ""
    watchers: dict[str, float] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    conn: Connection | None = None
    started: float = 0.0
    finished: float = 0.0

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def nbytes(self) -> int:
        """Bytes a finished run keeps in the cache."""
        if self.outcome is None:
            return 0
        r = self.outcome.result
        arrays = [a for p in r.params for a in p] + [r.batch_loss, self.outcome.test_proba]
        return sum(a.nbytes for a in arrays)


@dataclass(frozen=True)
class RunView:
    """A copy of a run's state for a page to draw, taken under the lock."""

    status: str
    step: int
    total: int
    history: tuple[EpochStats, ...]
    ahead: int
    """Runs queued before this one (0 once it runs)."""
    watchers: int
    error: str


class TrainingPool:
    """At most ``workers`` training runs at a time, each in a killable process.

    Parameters
    ----------
    workers : int, runs at a time (``default_workers()``)
    memory_mb : int, each worker's memory limit above its start (``default_memory_mb()``)
    max_cached : int, finished runs kept for sharing
    max_cached_bytes : int, and their arrays' bytes at most
    grace : float, seconds a run may go unwatched
    connected : callable ``(watcher) → bool``, optional
        Whether a watcher's session is still connected; a disconnected one stops watching
        after ``DISCONNECTED_GRACE`` seconds instead of ``grace``.
    """

    def __init__(
        self,
        workers: int | None = None,
        memory_mb: int | None = None,
        *,
        max_cached: int = 64,
        max_cached_bytes: int = 64 * 2**20,
        grace: float = GRACE,
        connected: Callable[[str], bool] | None = None,
    ) -> None:
        self.workers = workers or default_workers()
        self.memory_mb = memory_mb or default_memory_mb()
        self.max_cached, self.max_cached_bytes, self.grace = max_cached, max_cached_bytes, grace
        self._connected = connected
        self._lock = threading.Lock()
        self._runs: OrderedDict[str, Run] = OrderedDict()  # by key; finished ones in use order
        self._queue: list[Run] = []
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="convlab-training", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # a server that exits leaves no worker behind

    # What sessions call -------------------------------------------------------------

    def submit(self, key: str, request: TrainRequest, watcher: str) -> Run:
        """The run for ``key``: the one under way or finished if there is one, else a new one
        queued. ``watcher`` (a session) now watches it."""
        with self._lock:
            run = self._runs.get(key)
            if run is None or run.status in ("failed", "stopped"):
                run = Run(key, request, owner=watcher)
                self._runs[key] = run
                self._queue.append(run)
            elif run.status == "done":
                self._runs.move_to_end(key)
            run.watchers[watcher] = time.monotonic()
        self._wake.set()
        return run

    def watch(self, run: Run, watcher: str) -> RunView:
        """Say ``watcher`` still waits for ``run``, and return its state to draw."""
        with self._lock:
            if run.active:
                run.watchers[watcher] = time.monotonic()
            ahead = self._queue.index(run) if run in self._queue else 0
            return RunView(
                run.status,
                run.step,
                run.total,
                tuple(run.history),
                ahead,
                len(run.watchers),
                run.error,
            )

    def leave(self, run: Run, watcher: str) -> None:
        """``watcher`` no longer waits for ``run``: with no one left, it is stopped now."""
        with self._lock:
            run.watchers.pop(watcher, None)
            if run.active and not run.watchers:
                self._stop(run)

    def outcome(self, run: Run) -> Outcome | None:
        """A finished run's outcome; for a stopped or failed one, its last epoch's network."""
        with self._lock:
            return run.outcome if run.status == "done" else run.snapshot

    def close(self) -> None:
        """Kill every run and end the pool's thread (tests; a server ends with its process)."""
        with self._lock:
            self._closed = True
            for run in list(self._runs.values()):
                if run.active:
                    self._stop(run)
        self._wake.set()
        self._thread.join(timeout=5)

    # The pool's own thread ----------------------------------------------------------

    def _loop(self) -> None:
        while not self._closed:
            with self._lock:
                conns = [r.conn for r in self._runs.values() if r.conn is not None]
            if conns:
                with contextlib.suppress(OSError, ValueError):  # a run ended meanwhile
                    wait(conns, timeout=0.05)
            else:
                self._wake.wait(0.05)
                self._wake.clear()
            with self._lock:
                self._tend()

    def _tend(self) -> None:
        """Read progress, notice deaths and abandoned runs, start queued runs (lock held)."""
        now = time.monotonic()
        for run in list(self._runs.values()):
            if run.status == "running":
                self._read(run)
            if run.active:
                for watcher, seen in list(run.watchers.items()):
                    if now - seen > self._grace(watcher):
                        del run.watchers[watcher]
                if not run.watchers:
                    self._stop(run)
        running = sum(r.status == "running" for r in self._runs.values())
        while self._queue and running < self.workers:
            self._start(self._queue.pop(0))
            running += 1
        self._trim()

    def _grace(self, watcher: str) -> float:
        """How long this watcher may stay silent: short once its session has gone."""
        if self._connected is not None and not self._connected(watcher):
            return DISCONNECTED_GRACE
        return self.grace

    def _start(self, run: Run) -> None:
        """A fresh worker for ``run``: the request on its stdin, messages back on a pipe."""
        receive, send = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(send), str(self.memory_mb)],
            stdin=subprocess.PIPE,
            pass_fds=(send,),
            cwd=_ROOT,
            env={**os.environ, **_ONE_BLAS_THREAD, "PYTHONPATH": str(_ROOT)},
        )
        os.close(send)
        process.stdin.write(pickle.dumps(run.request))
        process.stdin.close()
        run.process, run.status, run.started = process, "running", time.time()
        run.conn = Connection(receive, writable=False)

    def _read(self, run: Run) -> None:
        """Take every message a worker has sent; end the run if the worker has ended."""
        try:
            while run.conn.poll():
                self._take(run, run.conn.recv())
                if not run.active:
                    return
        except (EOFError, OSError):
            pass
        if run.process.poll() is not None:
            code = run.process.returncode
            how = (
                f"was killed (signal {-code}: out of memory, or stopped by the system)"
                if code is not None and code < 0
                else f"ended unexpectedly (exit code {code})"
            )
            self._end(run, "failed", f"the worker process training it {how}")

    def _take(self, run: Run, message: tuple) -> None:
        kind = message[0]
        if kind == "progress":
            _, step, total, losses = message
            if step is not None:
                run.step, run.total = step, total
            run.batch_loss.extend(losses)
        elif kind == "params":  # the network at an epoch's end, before its stats
            run.pending = message[1:]
        elif kind == "epoch":
            run.history.append(message[1])
            params, proba = run.pending
            loss = np.array(run.batch_loss)
            run.snapshot = Outcome(
                _freeze(TrainResult(params, tuple(run.history), loss, True, False)), proba
            )
        elif kind == "done":
            outcome = message[1]
            _freeze(outcome.result)
            outcome.test_proba.setflags(write=False)
            run.outcome = outcome
            run.step = outcome.result.steps  # the last steps may not have been reported
            self._end(run, "done")
        elif kind == "error":
            self._end(run, "failed", message[1])

    def _stop(self, run: Run) -> None:
        """Kill a run's worker now, or take it out of the queue (lock held)."""
        if run in self._queue:
            self._queue.remove(run)
        self._end(run, "stopped")

    def _end(self, run: Run, status: str, error: str = "") -> None:
        # The status is written last: a reader without the lock who sees a run ended
        # also sees its worker gone.
        if run.process is not None:
            run.process.kill()  # SIGKILL: a step under way cannot delay it
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.process.wait(timeout=1)
        if run.conn is not None:
            run.conn.close()
        run.process = run.conn = None
        run.error, run.finished, run.status = error, time.time(), status
        if status != "done" and self._runs.get(run.key) is run:
            del self._runs[run.key]  # the next press of Train with these settings starts anew
        if status == "done":
            self._runs.move_to_end(run.key)

    def _trim(self) -> None:
        """Drop the least recently used finished runs past the entry and byte bounds."""
        done = [r for r in self._runs.values() if r.status == "done"]
        total = sum(r.nbytes() for r in done)
        while done and (len(done) > self.max_cached or total > self.max_cached_bytes):
            oldest = done.pop(0)
            total -= oldest.nbytes()
            del self._runs[oldest.key]

    def counts(self) -> dict[str, int]:
        """How many runs are queued, running and kept (for tests and the deploy notes)."""
        with self._lock:
            statuses = [r.status for r in self._runs.values()]
            return {s: statuses.count(s) for s in ("queued", "running", "done")}
