"""A virtual class: K students over Streamlit's own websocket protocol, no browsers.

Run by hand on a quiet machine: ``.venv/bin/python bench/virtual_class.py SCENARIO...``.
Each student is a ``bench.student.Student`` (what it does and does not do is said there);
the server is one ``streamlit run app.py`` (or the hall's replicas), and its CPU is read
from ``/proc/<pid>/stat``, so the figures are the server's, not the browsers'.

Scenarios (all by default except ``memory`` and ``hall``):

- ``cost``: server CPU, and bytes sent, per committed move on every lesson page (a move =
  one step of the page's first slider, else its first control), 20 moves each, one student
  at a time; beside ``bench/baseline_app.py`` (one slider, one heatmap) in the same run;
  and the server CPU of opening each page (a second student, warm). Both apps are served
  without the post-script collection (``--runner.postScriptGC false``), so the ratio is
  the lesson's own code.
- ``capacity``: K = 10, 30, 100, 200, 400 on one server; each student commits a Padding
  move every 3 s ± 25 % for ``--seconds`` (30). A move is answered once a run that started
  after it has finished; a newer move may be answered by the same run. Reports moves
  served (and moves a second), p50 / p95 / max latency, each student's longest wait for
  its latest move, runs thrown away (finished early for a rerun), busy notices seen, the
  server's CPU and RSS.
- ``opening``: K = 100 students open the same Padding link within 5 s: how long until each
  sees the whole page (its first run finished).
- ``trainers``: one student moves Padding (two moves a second) while 3 others keep training
  on Train a CNN (150 epochs, a new seed each run, so the pages follow runs of several
  seconds); its p95 against the same with the 3 only on the page.
- ``memory``: K = 100 for ``--minutes`` (20), RSS every 10 s; then everyone leaves, and
  two more classes of 100 come for a minute each, each after the last has been gone past
  Streamlit's 120 s session TTL: RSS must level off, and later classes must not add to it
  (a session's memory is freed after it leaves). ``--minutes 0`` runs only the classes.
- ``hall``: ``deploy/hall 2`` (bench/hall.py), K = 200 and 400 through HAProxy.

``--gc`` chooses the server's collection: ``config`` (what .streamlit/config.toml says:
the choice in docs/decisions.md), ``on`` (Streamlit's default, a full collection after
every run) or ``off``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server import app_process
from bench.student import Student

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")
PERIOD = 3.0
EPOCHS = 150
"""Train a CNN's epochs in the trainers scenario: the lecture's network trains ~5 s."""
JITTER = 0.25


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def gc_options(choice: str) -> list[str]:
    return {"config": [], "on": ["--runner.postScriptGC", "true"], "off": [
        "--runner.postScriptGC", "false"]}[choice]  # fmt: skip


def lesson_pages() -> list[str]:
    from ui.course.lessons import available_lessons

    return [Path(lesson.path).stem for lesson in available_lessons()]


# -- a class ---------------------------------------------------------------------------


async def open_class(url: str, k: int, page: str, query: str = "", within: float = 10.0):
    """K students opening ``page`` spread evenly over ``within`` seconds."""

    async def one(n: int) -> Student:
        await asyncio.sleep(within * n / max(k, 1))
        s = Student(url)
        await s.open(page, query)
        return s

    return await asyncio.gather(*(one(n) for n in range(k)))


async def keep_moving(s: Student, until: float, pace: float = PERIOD) -> None:
    """Commit a move every ``pace`` s ± 25 % until ``until`` (the move answered in the
    background: a student moves again whether or not the last move has shown)."""
    await asyncio.sleep(random.uniform(0, pace))
    while time.monotonic() < until:
        await s.move()
        await asyncio.sleep(pace * random.uniform(1 - JITTER, 1 + JITTER))


def latest_waits(s: Student) -> list[float]:
    """For each move, how long until it or a newer move of the same student was answered."""
    waits = []
    for k, m in enumerate(s.moves):
        answered = [n.answered for n in s.moves[k:] if n.answered is not None]
        if answered:
            waits.append(min(answered) - m.sent)
    return waits


async def capacity(url: str, pid: int | None, k: int, seconds: float) -> dict:
    """``pid``: the server's process, for its CPU and RSS (None behind a proxy)."""
    cpu_of = (lambda: cpu_seconds(pid)) if pid else (lambda: float("nan"))
    students = await open_class(url, k, "padding", within=min(10.0, k / 20))
    before_cpu, t0 = cpu_of(), time.monotonic()
    until = t0 + seconds
    thrown0 = sum(s.thrown_away for s in students)
    await asyncio.gather(*(keep_moving(s, until) for s in students))
    # Moves still unanswered get 30 s more, then count as not served.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        m.answered is None for s in students for m in s.moves
    ):
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - t0
    cpu = cpu_of() - before_cpu
    moves = [m for s in students for m in s.moves]
    served = [m.latency for m in moves if m.latency is not None]
    waits = [w for s in students for w in latest_waits(s)]
    report = {
        "students": k,
        "moves": len(moves),
        "served": len(served),
        "per_s": len(served) / elapsed,
        "p50": pct(served, 0.5),
        "p95": pct(served, 0.95),
        "max": max(served, default=float("nan")),
        "latest_max": max(waits, default=float("nan")),
        "thrown_away": sum(s.thrown_away for s in students) - thrown0,
        "busy_seen": sum(s.busy_seen > 0 for s in students),
        "errors": sum(len(s.errors) for s in students),
        "cpu": cpu / elapsed,
        "rss": rss_mb(pid) if pid else float("nan"),
    }
    await asyncio.gather(*(s.close() for s in students))
    return report


def show_capacity(r: dict) -> None:
    print(
        f"K={r['students']:>3}: served {r['served']}/{r['moves']} ({r['per_s']:.1f}/s), "
        f"p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, max {r['max']:.1f} s; "
        f"latest move within {r['latest_max']:.1f} s; thrown away {r['thrown_away']}; "
        f"busy notices {r['busy_seen']}; errors {r['errors']}; server CPU "
        f"{r['cpu'] * 100:.0f} %, RSS {r['rss']:.0f} MB",
        flush=True,
    )


# -- what one move costs ---------------------------------------------------------------


async def move_cost(url: str, pid: int, page: str, moves: int = 40, opens: int = 5) -> dict:
    """One student's moves, one after another; ``opens`` more students open the page warm
    (the CPU clock ticks in 10 ms: many of each give the mean to a fraction of a ms)."""
    opener = Student(url)
    await opener.open(page)  # warms the page's imports and caches
    cpu = cpu_seconds(pid)
    for _ in range(opens - 1):
        other = Student(url)
        await other.open(page)
        await other.close()
    second = Student(url)
    await second.open(page)
    opening = (cpu_seconds(pid) - cpu) / opens
    try:
        widget = second.first_control()
    except LookupError:  # home: buttons only
        await opener.close()
        await second.close()
        return {"page": page, "control": "none", "cpu_ms": float("nan"), "kb": float("nan"),
                "open_ms": opening * 1000, "errors": opener.errors + second.errors}  # fmt: skip
    steps = [1, -1] * (moves // 2)
    cpu, sent = cpu_seconds(pid), second.bytes_in
    for step in steps:
        await second.move(widget, step)
        await second.settled()
    per_move = (cpu_seconds(pid) - cpu) / len(steps)
    per_bytes = (second.bytes_in - sent) / len(steps)
    errors = opener.errors + second.errors
    await opener.close()
    await second.close()
    return {
        "page": page,
        "control": f"{widget.kind} {widget.proto.label!r}",
        "cpu_ms": per_move * 1000,
        "kb": per_bytes / 1000,
        "open_ms": opening * 1000,
        "errors": errors,
    }


async def cost_all(gc: str) -> None:
    options = ["--runner.postScriptGC", "false"] if gc == "config" else gc_options(gc)
    with app_process("bench/baseline_app.py", options) as (url, proc):
        base = await move_cost(url, proc.pid, "")
    with app_process("app.py", options) as (url, proc):
        rows = [await move_cost(url, proc.pid, page) for page in ["", *lesson_pages()]]
    print(
        f"baseline app: {base['cpu_ms']:.1f} ms of server CPU a move, {base['kb']:.1f} kB, "
        f"opening {base['open_ms']:.0f} ms"
    )
    for r in rows:
        print(
            f"{r['page'] or 'home':<18} {r['cpu_ms']:6.1f} ms a move "
            f"({r['cpu_ms'] / base['cpu_ms']:.1f}× the baseline), {r['kb']:6.1f} kB a move, "
            f"opening {r['open_ms']:4.0f} ms  [{r['control']}]"
            + (f"  ERRORS {r['errors'][:2]}" if r["errors"] else ""),
            flush=True,
        )


# -- scenarios -------------------------------------------------------------------------


async def opening(url: str, pid: int, k: int = 100, within: float = 5.0) -> None:
    cpu = cpu_seconds(pid)
    t0 = time.monotonic()
    students = await open_class(url, k, "padding", "n=8&f=3&mode=same", within)
    waits = [s.opened - s.open_sent for s in students]
    print(
        f"opening: {k} students within {within:.0f} s: whole page after p50 "
        f"{pct(waits, 0.5):.2f} s, p95 {pct(waits, 0.95):.2f} s, max {max(waits):.2f} s; all "
        f"in {time.monotonic() - t0:.1f} s; server CPU {cpu_seconds(pid) - cpu:.1f} s; errors "
        f"{sum(len(s.errors) for s in students)}",
        flush=True,
    )
    await asyncio.gather(*(s.close() for s in students))


async def trainers(url: str, pid: int, seconds: float) -> None:
    async def mover_p95() -> float:
        s = Student(url)
        await s.open("padding")
        until = time.monotonic() + seconds
        await keep_moving(s, until, pace=0.5)
        await s.settled()
        await s.close()
        return pct([m.latency for m in s.moves], 0.95)

    train = await open_class(url, 3, "train_cnn", within=1)
    idle = await mover_p95()

    async def keep_training(s: Student, until: float) -> None:
        seed = next(w for w in s.widgets.values() if "Seed" in w.proto.label)
        epochs = next(w for w in s.widgets.values() if w.proto.label == "Epochs")
        epochs.value = EPOCHS  # a run of several seconds: the page follows it, polling
        button = next(
            w for w in s.widgets.values() if w.kind == "button" and w.proto.label == "Train"
        )
        while time.monotonic() < until:
            seed.value = seed.stepped(1)
            await s.move(button)
            await s.settled(timeout=300)

    until = time.monotonic() + seconds
    training = asyncio.gather(*(keep_training(s, until) for s in train))
    busy = await mover_p95()
    await training
    print(
        f"trainers: another student's p95 {idle * 1000:.0f} ms with 3 Train pages idle, "
        f"{busy * 1000:.0f} ms while they train: {busy / idle:.2f}×",
        flush=True,
    )
    await asyncio.gather(*(s.close() for s in train))


async def memory(url: str, pid: int, minutes: float) -> None:
    students = await open_class(url, 100, "padding", within=10)
    until = time.monotonic() + minutes * 60
    moving = asyncio.gather(*(keep_moving(s, until) for s in students))
    t0 = time.monotonic()
    while time.monotonic() < until:
        print(f"memory: {time.monotonic() - t0:6.0f} s  RSS {rss_mb(pid):6.1f} MB", flush=True)
        await asyncio.sleep(10)
    await moving
    await asyncio.gather(*(s.close() for s in students))
    await waves(url, pid, 3)


TTL = 120
"""Streamlit keeps a disconnected session this long (``server.disconnectedSessionTTL``)."""


async def waves(url: str, pid: int, count: int) -> None:
    """Classes of 100 one after another, each for a minute, each gone past Streamlit's TTL
    before the next comes: if a session's memory is freed, RSS stops growing."""
    for n in range(count):
        await asyncio.sleep(TTL + 30)
        print(f"memory: {TTL + 30} s after the class left, RSS {rss_mb(pid):.1f} MB", flush=True)
        if n == count - 1:
            return
        students = await open_class(url, 100, "padding", within=10)
        until = time.monotonic() + 60
        await asyncio.gather(*(keep_moving(s, until) for s in students))
        print(f"memory: class {n + 2} of 100, after a minute, RSS {rss_mb(pid):.1f} MB", flush=True)
        await asyncio.gather(*(s.close() for s in students))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "scenarios",
        nargs="*",
        default=["cost", "capacity", "opening", "trainers"],
        choices=["cost", "capacity", "opening", "trainers", "memory", "hall"],
    )
    parser.add_argument("--students", type=int, nargs="+", default=[10, 30, 100, 200, 400])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--gc", choices=["config", "on", "off"], default="config")
    args = parser.parse_args()
    options = gc_options(args.gc)
    for scenario in args.scenarios:
        if scenario == "cost":
            asyncio.run(cost_all(args.gc))
        elif scenario == "hall":
            from bench.hall import hall

            for replicas, k in ((2, 200), (2, 400)):
                with hall(replicas, f"convlab-vclass-{os.getpid()}-{k}") as h:
                    r = asyncio.run(capacity_remote(h.url, k, args.seconds))
                    show_capacity(r)
        else:
            with app_process("app.py", options) as (url, proc):
                if scenario == "capacity":
                    for k in args.students:
                        show_capacity(asyncio.run(capacity(url, proc.pid, k, args.seconds)))
                elif scenario == "opening":
                    asyncio.run(opening(url, proc.pid))
                elif scenario == "trainers":
                    asyncio.run(trainers(url, proc.pid, args.seconds))
                elif scenario == "memory":
                    asyncio.run(memory(url, proc.pid, args.minutes))


async def capacity_remote(url: str, k: int, seconds: float) -> dict:
    """Capacity through a proxy: the replicas' CPU is not read here."""
    return await capacity(url, None, k, seconds)


if __name__ == "__main__":
    main()
